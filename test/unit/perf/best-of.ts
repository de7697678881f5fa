// Growth tests time a case at n and at 4n in the same process: linear work gives a ratio near
// 4, quadratic near 16. BOUND leaves room for a noisy shared machine.
export const RUNS = 3
export const BOUND = 8

/**
 * The n case once to warm up (JIT, rule compilation), then the best of `runs` timings of it and
 * of the 4n case, interleaved so a busy moment on the machine hits both alike.
 */
export function bestOf(label: string, small: () => number, large: () => number, runs = RUNS): {a: number; b: number} {
  small()
  let a = Infinity
  let b = Infinity
  for (let i = 0; i < runs; i++) {
    a = Math.min(a, small())
    b = Math.min(b, large())
  }
  process.stderr.write(`growth ${label}: ${a.toFixed(1)} ms -> ${b.toFixed(1)} ms = ${(b / a).toFixed(2)}\n`)
  return {a, b}
}

/**
 * This process's CPU time in nanoseconds (all its threads, user and system). Growth tests time
 * CPU, not the wall clock: on a machine with more runnable processes than cores, a case of a few
 * milliseconds fits in one time slice and one of twenty is preempted, and the ratio measured the
 * scheduler (1.7 ms → 34 ms = 20× under four busy loops per core).
 */
function cpuNanos(): bigint {
  const {user, system} = process.cpuUsage()
  return BigInt(user + system) * 1000n
}

/** CPU milliseconds that fn takes, and what it returned (for the caller's check that it did the work). */
export function measured<T>(fn: () => T): {ms: number; value: T} {
  const t0 = cpuNanos()
  const value = fn()
  return {ms: Number(cpuNanos() - t0) / 1e6, value}
}

/** CPU milliseconds that fn takes. */
export const timed = (fn: () => unknown): number => measured(fn).ms
