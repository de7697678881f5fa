// Patches when nearly every line changes: past MAX_DIFF_EDITS the diff is not searched for
// (Myers' algorithm is O(lines × edits)) and the patch is one hunk replacing the file. Each
// patch is applied with GNU patch, which must turn the old text into the new one.
import {execFileSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {MAX_DIFF_EDITS, patchFor} from '../../../src/fix/diff.js'
import {BOUND, bestOf, timed} from '../perf/best-of.js'

const lines = (n: number, f: (i: number) => string, end = '\n') => Array.from({length: n}, (_, i) => f(i)).join('\n') + end

/** The text GNU patch makes of `before` with `patch` applied. */
function applied(before: string | undefined, patch: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'ct-patch-'))
  try {
    if (before !== undefined) writeFileSync(join(dir, 'app.conf'), before)
    execFileSync('patch', ['-s', '-p0', '-i', '-'], {cwd: dir, input: patch.replaceAll('/dev/null', '/dev/null')})
    return readFileSync(join(dir, 'app.conf'), 'utf8')
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}

describe('patches of files that change everywhere', () => {
  const cases: Array<[string, string | undefined, string]> = [
    ['every line changed', lines(3 * MAX_DIFF_EDITS, (i) => `k${i} = 1`), lines(3 * MAX_DIFF_EDITS, (i) => `k${i} = 2`)],
    ['and no newline at the end of either', lines(3 * MAX_DIFF_EDITS, (i) => `k${i} = 1`, ''), lines(3 * MAX_DIFF_EDITS, (i) => `k${i} = 2`, '')],
    ['to an empty file', lines(3 * MAX_DIFF_EDITS, (i) => `k${i} = 1`), ''],
    ['a few lines changed (the searched diff)', lines(100, (i) => `k${i} = 1`), lines(100, (i) => `k${i} = ${i % 30 === 0 ? 2 : 1}`)],
  ]
  it.each(cases)('%s: GNU patch gives the new text', (_label, before, after) => {
    const patch = patchFor('app.conf', before, after)
    expect(patch.startsWith('--- app.conf\n+++ app.conf\n@@ ')).toBe(true)
    expect(applied(before, patch)).toBe(after)
  })

  it('cost about 4x the time for 4x the lines', () => {
    const make = (n: number) => [lines(n, (i) => `k${i} = 1`), lines(n, (i) => `k${i} = 2`)] as const
    const [a1, a2] = make(5_000)
    const [b1, b2] = make(20_000)
    const {a, b} = bestOf('patch all lines', () => timed(() => patchFor('f', a1, a2)), () => timed(() => patchFor('f', b1, b2)))
    expect(b / a).toBeLessThan(BOUND)
  })
})
