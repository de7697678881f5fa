// Unified diffs of a fix plan: one per file, paths as on the host (or relative to the repo
// for `check`), so `patch -p0` and `git apply -p0` apply them.
import {createTwoFilesPatch} from 'diff'
import type {FixPlan} from './edits.js'

export function patchFor(file: string, before: string | undefined, after: string): string {
  const isNew = before === undefined
  const patch = createTwoFilesPatch(isNew ? '/dev/null' : file, file, before ?? '', after, '', '', {context: 3})
  // diff prints an "Index:"-less header with a separator line; keep only ---/+++ and hunks.
  return patch
    .split('\n')
    .filter((l) => !l.startsWith('===') && !l.startsWith('Index:'))
    .join('\n')
    .replace(/^--- (\S+)\t?$/m, '--- $1')
    .replace(/^\+\+\+ (\S+)\t?$/m, '+++ $1')
}

export function planPatches(plan: FixPlan, existed: (file: string) => boolean): Array<{file: string; patch: string}> {
  const out: Array<{file: string; patch: string}> = []
  for (const [file, after] of [...plan.after].sort(([a], [b]) => a.localeCompare(b))) {
    const before = existed(file) ? plan.before.get(file) : undefined
    if (before === after) continue
    out.push({file, patch: patchFor(file, before, after)})
  }
  return out
}
