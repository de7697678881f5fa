// Runs the SSH source over many hosts: at most N at once, each with its own deadline, so one
// slow or dead host never stalls or fails the others. Progress (listr2) only when stderr is a
// terminal. Results come back in the order the hosts were given: a snapshot or an error each.
import {EXIT} from '../errors.js'
import {exitCodeFor, type AuditResult, type HostResult} from '../pipeline/audit.js'
import type {Snapshot} from '../snapshot/types.js'
import {DEFAULT_FLEET_OUTPUT_BYTES, OutputBudget} from './output-budget.js'
import {collectSsh, DEFAULT_HOST_TIMEOUT_MS, SshError, type SshFailureKind, type SshOptions, type SshResult, type SshTarget} from './ssh.js'

export const DEFAULT_CONCURRENCY = 16

export interface FleetOptions extends SshOptions {
  concurrency?: number
  /** true/false forces it; default: only when stderr is a TTY. */
  progress?: boolean
  /** How one host is collected (defaults to collectSsh); the fleet adds the deadline. */
  collect?: (target: SshTarget, opts: SshOptions) => Promise<SshResult>
  /** Raw output held at once across hosts (default DEFAULT_FLEET_OUTPUT_BYTES). */
  fleetOutputBytes?: number
}

export type FleetResult =
  | {target: SshTarget; ok: true; snapshot: Snapshot; problems: string[]; ms: number}
  | {target: SshTarget; ok: false; kind: SshFailureKind; error: string; ms: number}

async function one(target: SshTarget, opts: FleetOptions): Promise<FleetResult> {
  const started = performance.now()
  const timeoutMs = opts.timeoutMs ?? DEFAULT_HOST_TIMEOUT_MS
  // A deadline of our own as well as ssh's: a collect function that ignores the signal still
  // releases its slot.
  const controller = new AbortController()
  const outer = opts.signal
  const onAbort = () => controller.abort()
  outer?.addEventListener('abort', onAbort, {once: true})
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort()
      reject(new SshError('timeout', target.label, `no answer within ${Math.round(timeoutMs / 1000)}s`))
    }, timeoutMs + 5000)
  })
  try {
    const collect = opts.collect ?? collectSsh
    const r = await Promise.race([collect(target, {...opts, timeoutMs, signal: controller.signal}), deadline])
    return {target, ok: true, snapshot: r.snapshot, problems: r.problems, ms: performance.now() - started}
  } catch (error) {
    const e = error instanceof SshError ? error : new SshError('failed', target.label, (error as Error).message)
    return {target, ok: false, kind: e.kind, error: e.message, ms: performance.now() - started}
  } finally {
    clearTimeout(timer)
    outer?.removeEventListener('abort', onAbort)
  }
}

/** A tiny pool: runs `work` over items with at most `limit` in flight, results in item order. */
async function pool<T, R>(items: T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      out[i] = await work(items[i], i)
    }
  }
  await Promise.all(Array.from({length: Math.max(1, Math.min(limit, items.length))}, worker))
  return out
}

export async function runFleet(targets: SshTarget[], fleetOpts: FleetOptions): Promise<FleetResult[]> {
  const opts: FleetOptions = {...fleetOpts, budget: fleetOpts.budget ?? new OutputBudget(fleetOpts.fleetOutputBytes ?? DEFAULT_FLEET_OUTPUT_BYTES)}
  const concurrency = Math.max(1, Math.floor(opts.concurrency ?? DEFAULT_CONCURRENCY))
  const showProgress = opts.progress ?? Boolean(process.stderr.isTTY)
  if (!showProgress || targets.length === 0) return pool(targets, concurrency, (t) => one(t, opts))

  // The pool decides what runs; listr2 only shows it: each task waits for its host's result.
  const {Listr} = await import('listr2')
  const waiting = targets.map(() => {
    let resolve!: (r: FleetResult) => void
    const promise = new Promise<FleetResult>((r) => (resolve = r))
    return {promise, resolve}
  })
  const tasks = new Listr(
    targets.map((t, i) => ({
      title: t.label,
      task: async (_ctx: unknown, task: {title: string}) => {
        const r = await waiting[i].promise
        if (!r.ok) throw new Error(`${t.label}: ${r.error}`)
        task.title = `${t.label} (${r.snapshot.host.hostname ?? 'no hostname'}, ${(r.ms / 1000).toFixed(1)}s${r.problems.length ? `, ${r.problems.length} problem(s)` : ''})`
      },
    })),
    {concurrent: true, exitOnError: false, rendererOptions: {collapseErrors: false}},
  )
  const shown = tasks.run().catch(() => undefined)
  const results = await pool(targets, concurrency, async (t, i) => {
    const r = await one(t, opts)
    waiting[i].resolve(r)
    return r
  })
  await shown
  return results
}

/** A host that gave no snapshot, as a report row: no findings, one problem, so the audit is incomplete. */
export function unreachableHost(r: Extract<FleetResult, {ok: false}>): HostResult {
  return {
    name: r.target.label,
    source: 'ssh',
    kernel: null,
    role: 'unknown',
    frontend: null,
    sockets: {observed: false, states: {}, timeWait: {total: 0, server: 0, client: 0}, listening: []},
    problems: [{file: `ssh://${r.target.label}`, message: `${r.kind === 'host-key' ? 'host key refused' : r.kind}: ${r.error}`}],
    findings: [],
    suppressed: 0,
  }
}

/** Adds the hosts that failed to an audit of the ones that answered, and recomputes the exit code. */
export function withFailedHosts(result: AuditResult, fleet: FleetResult[]): AuditResult {
  const failed = fleet.filter((r): r is Extract<FleetResult, {ok: false}> => !r.ok).map(unreachableHost)
  if (failed.length === 0) return result
  const hosts = [...result.hosts, ...failed]
  const incompleteHosts = hosts.filter((h) => h.problems.length > 0).length
  const exitCode = exitCodeFor(result.findings, result.failOn, result.ruleFailures.length, incompleteHosts > 0)
  return {...result, hosts, summary: {...result.summary, hosts: hosts.length, incompleteHosts}, exitCode: exitCode === EXIT.ok ? EXIT.incomplete : exitCode}
}
