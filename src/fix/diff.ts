// Unified diffs of a fix plan: one per file, paths as on the host (or relative to the repo
// for `check`), so `patch -p0` and `git apply -p0` apply them.
import {createTwoFilesPatch} from 'diff'
import type {FixPlan} from './edits.js'
import {compareCodePoints} from '../text/order.js'

/**
 * Edits past which the diff is not searched for: Myers' algorithm costs O(lines × edits), so a
 * file with every line changed was quadratic (4 000 lines: 4.7 s). Past it the patch is one
 * hunk that replaces the whole file: as correct, only longer.
 */
export const MAX_DIFF_EDITS = 400

export function patchFor(file: string, before: string | undefined, after: string): string {
  const isNew = before === undefined
  const patch = createTwoFilesPatch(isNew ? '/dev/null' : file, file, before ?? '', after, '', '', {context: 3, maxEditLength: MAX_DIFF_EDITS})
  if (patch === undefined) return wholeFilePatch(isNew ? '/dev/null' : file, file, before ?? '', after)
  // diff prints an "Index:"-less header with a separator line; keep only ---/+++ and hunks.
  return patch
    .split('\n')
    .filter((l) => !l.startsWith('===') && !l.startsWith('Index:'))
    .join('\n')
    .replace(/^--- (\S+)\t?$/m, '--- $1')
    .replace(/^\+\+\+ (\S+)\t?$/m, '+++ $1')
}

/** A unified diff of one hunk: every line of `before` removed, every line of `after` added. */
export function wholeFilePatch(from: string, to: string, before: string, after: string): string {
  const side = (text: string, mark: string): string[] => {
    if (text === '') return []
    const lines = text.split('\n')
    const complete = lines[lines.length - 1] === ''
    if (complete) lines.pop()
    const out = lines.map((l) => mark + l)
    if (!complete) out.push('\\ No newline at end of file')
    return out
  }
  const count = (text: string): number => (text === '' ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0))
  const range = (n: number): string => `${n === 0 ? 0 : 1},${n}`
  return [`--- ${from}`, `+++ ${to}`, `@@ -${range(count(before))} +${range(count(after))} @@`, ...side(before, '-'), ...side(after, '+'), ''].join('\n')
}

export function planPatches(plan: FixPlan, existed: (file: string) => boolean): Array<{file: string; patch: string}> {
  const out: Array<{file: string; patch: string}> = []
  for (const [file, after] of [...plan.after].sort(([a], [b]) => compareCodePoints(a, b))) {
    const before = existed(file) ? plan.before.get(file) : undefined
    if (before === after) continue
    out.push({file, patch: patchFor(file, before, after)})
  }
  return out
}
