// Real-program suites run when their program is there. A skip is said out loud, and under
// CONNTUNE_REQUIRE_REAL=1 (CI) a missing program fails the suite instead of skipping it.
import {spawnSync} from 'node:child_process'

export const REQUIRE_REAL = process.env.CONNTUNE_REQUIRE_REAL === '1'

/** Returns null when available, or the reason it is not. */
export function missingProgram(cmd: string, args: string[] = ['--version']): string | null {
  const r = spawnSync(cmd, args, {encoding: 'utf8', timeout: 10_000})
  if (r.error) return `${cmd} is not runnable here (${(r.error as NodeJS.ErrnoException).code ?? r.error.message})`
  return null
}

/** Can this process create network namespaces? */
export function missingNetns(): string | null {
  const name = `ctprobe${process.pid}`
  const add = spawnSync('ip', ['netns', 'add', name], {encoding: 'utf8'})
  if (add.error) return `ip is not runnable here (${add.error.message})`
  if (add.status !== 0) return `cannot create network namespaces: ${add.stderr.trim()}`
  spawnSync('ip', ['netns', 'del', name])
  return null
}

/**
 * describe() when every requirement is met; otherwise a suite that says why it skipped,
 * or fails under CONNTUNE_REQUIRE_REAL=1.
 */
export function describeReal(name: string, reasons: Array<string | null>, body: () => void): void {
  const missing = reasons.filter((r): r is string => r !== null)
  if (missing.length === 0) {
    describe(name, body)
    return
  }
  const why = missing.join('; ')
  if (REQUIRE_REAL) {
    describe(name, () => {
      it('has its real programs (CONNTUNE_REQUIRE_REAL=1)', () => {
        throw new Error(`real suite "${name}" cannot run: ${why}`)
      })
    })
    return
  }
  process.stderr.write(`SKIPPED real suite "${name}": ${why}\n`)
  describe.skip(name, body)
}
