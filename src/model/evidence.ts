// nginx's logs as evidence: the snapshot's signature lines → counts per upstream peer in a
// time window, which hops.ts ties to hops by address. A log conntune cannot use (unreadable,
// binary, unknown format) is a note, never a failure: evidence is extra, not required.
import {compileLogFormat, GATEWAY_STATUSES, parseErrorLogLine, type AccessLogMatcher} from '../parsers/nginx-logs/index.js'
import {snapshotLogTargets} from '../snapshot/nginx-texts.js'
import type {Snapshot} from '../snapshot/types.js'
import type {Endpoint} from './servers/address-match.js'
import {ListenerIndex} from './servers/endpoint-index.js'
import {append} from '../append.js'
import {compareCodePoints} from '../text/order.js'

export interface LogCounts {
  /** Keep-alive race signatures: premature close, reset or broken pipe on a reused connection. */
  race: number
  prematureClose: number
  reset: number
  brokenPipe: number
  /** Race signatures on requests nginx may not repeat (POST, PATCH…): those became 502s. */
  raceNonIdempotent: number
  /** "upstream timed out … while reading response header". */
  timeouts: number
  refused: number
  noLive: number
  /** Access-log responses with this status from this peer. */
  status502: number
  status504: number
  first: string | null
  last: string | null
  /** A log's line bound cut lines inside the window: the counts are at least these. */
  lowerBound: boolean
  /** A few of the lines, control characters removed, cut short. */
  samples: string[]
}

export interface LogWindow {
  /** ISO time the window starts. */
  start: string
  /** "in the last 24h", "since 2026-12-02T10:00:00.000Z". */
  text: string
}

export interface LogFileRead {
  file: string
  kind: 'error' | 'access'
  matched: number
  inWindow: number
  error?: string
  truncated?: boolean
}

export interface LogEvidence {
  /** Some log was read: zero counts mean none observed, not "not looked". */
  read: boolean
  window: LogWindow
  files: LogFileRead[]
  peers: Array<{peer: string; counts: LogCounts}>
  /** 502/504 in access logs whose format does not name the upstream. */
  unattributed: Array<{file: string; status502: number; status504: number}>
  notes: string[]
}

export const DEFAULT_SINCE_SECONDS = 24 * 3600
const SAMPLES = 3
const SAMPLE_CHARS = 300

export function emptyCounts(): LogCounts {
  return {race: 0, prematureClose: 0, reset: 0, brokenPipe: 0, raceNonIdempotent: 0, timeouts: 0, refused: 0, noLive: 0, status502: 0, status504: 0, first: null, last: null, lowerBound: false, samples: []}
}

function parseOffset(s: string): number {
  const m = /^([+-])(\d{2})(\d{2})$/.exec(s)
  return m ? (m[1] === '-' ? -1 : 1) * (+m[2] * 60 + +m[3]) : 0
}

function clean(line: string): string {
  // eslint-disable-next-line no-control-regex
  const t = line.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?')
  return t.length > SAMPLE_CHARS ? `${t.slice(0, SAMPLE_CHARS)}…` : t
}

const NON_IDEMPOTENT = new Set(['POST', 'PATCH', 'LOCK'])

export function peerEndpoint(peer: string): Endpoint {
  if (peer.startsWith('unix:')) return {host: null, port: null, unix: peer.slice(5)}
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(peer) ?? /^([^:]+):(\d+)$/.exec(peer)
  return m ? {host: m[1].toLowerCase(), port: Number(m[2]), unix: null} : {host: peer.toLowerCase(), port: null, unix: null}
}

export function windowFor(collectedAt: string, since?: {seconds?: number; at?: string}): LogWindow {
  if (since?.at) return {start: new Date(since.at).toISOString(), text: `since ${new Date(since.at).toISOString()}`}
  const seconds = since?.seconds ?? DEFAULT_SINCE_SECONDS
  const end = Date.parse(collectedAt)
  const base = Number.isNaN(end) ? Date.now() : end
  const text = seconds % 86400 === 0 && seconds >= 3 * 86400 ? `${seconds / 86400}d` : seconds % 3600 === 0 ? `${seconds / 3600}h` : seconds % 60 === 0 ? `${seconds / 60}m` : `${seconds}s`
  return {start: new Date(base - seconds * 1000).toISOString(), text: `in the last ${text}`}
}

export function readLogEvidence(snap: Snapshot, window: LogWindow): LogEvidence {
  const ev: LogEvidence = {read: false, window, files: [], peers: [], unattributed: [], notes: []}
  const logs = snap.logs
  if (!logs) return ev
  const start = Date.parse(window.start)
  const offset = parseOffset(logs.utcOffset)
  const {targets, formats, notes} = snapshotLogTargets(snap)
  append(ev.notes, notes)
  // A snapshot may list thousands of logs and the config as many access_log lines: looking
  // each log's format up by a scan of the targets was quadratic. The first target of a path wins, as find() did.
  const accessFormat = new Map<string, string | undefined>()
  for (const t of targets) if (t.kind === 'access' && !accessFormat.has(t.path)) accessFormat.set(t.path, t.format)
  const byPeer = new Map<string, LogCounts>()
  const counts = (peer: string) => {
    let c = byPeer.get(peer)
    if (!c) byPeer.set(peer, (c = emptyCounts()))
    return c
  }
  const stamp = (c: LogCounts, t: number | null, line: string) => {
    if (t !== null) {
      const iso = new Date(t).toISOString()
      if (!c.first || iso < c.first) c.first = iso
      if (!c.last || iso > c.last) c.last = iso
    }
    if (c.samples.length < SAMPLES) c.samples.push(clean(line))
  }
  const matchers = new Map<string, AccessLogMatcher | {error: string}>()
  for (const [file, log] of Object.entries(logs.files)) {
    const read: LogFileRead = {file, kind: log.kind, matched: log.matched ?? 0, inWindow: 0, ...(log.error ? {error: log.error} : {}), ...(log.truncated ? {truncated: true} : {})}
    ev.files.push(read)
    if (log.error) {
      if (log.error !== 'ENOENT') ev.notes.push(`${file}: not read (${log.error})${log.error === 'EACCES' ? '; run as root or with --sudo to read it' : ''}`)
      continue
    }
    ev.read = true
    const lines = log.lines ?? []
    // Lines the bound dropped are older than every kept one: they matter only when the oldest kept line is in the window.
    let cut = (log.matched ?? lines.length) > lines.length || log.truncated === true
    let matcher: AccessLogMatcher | null = null
    const touched = new Set<LogCounts>()
    if (log.kind === 'access') {
      const name = accessFormat.get(file) ?? 'combined'
      if (!matchers.has(name)) matchers.set(name, formats[name] !== undefined ? compileLogFormat(formats[name]) : {error: `log_format ${name} is not defined in the config read`})
      const m = matchers.get(name)!
      if ('error' in m) {
        ev.notes.push(`${file}: ${m.error}; not counted`)
        continue
      }
      if (!m.hasStatus) {
        ev.notes.push(`${file}: log_format ${name} has no $status; not counted`)
        continue
      }
      matcher = m
    }
    let unparsed = 0
    let oldestInWindow = false
    let firstSeen = true
    const un = {file, status502: 0, status504: 0}
    for (const line of lines) {
      if (log.kind === 'error') {
        const e = parseErrorLogLine(line, offset)
        if (!e) continue
        if (firstSeen) oldestInWindow = e.time === null || e.time >= start
        firstSeen = false
        if (e.time !== null && e.time < start) continue
        read.inWindow++
        if (!e.upstream) continue
        const c = counts(e.upstream)
        touched.add(c)
        const s = e.signature
        if (s.class === 'race') {
          c.race++
          if (s.id === 'premature-close') c.prematureClose++
          else if (s.id === 'reset-reading-header') c.reset++
          else c.brokenPipe++
          if (e.method && NON_IDEMPOTENT.has(e.method)) c.raceNonIdempotent++
        } else if (s.class === 'timeout') c.timeouts++
        else if (s.class === 'refused') c.refused++
        else c.noLive++
        stamp(c, e.time, line)
      } else {
        const a = matcher!.parse(line)
        if (!a) {
          unparsed++
          continue
        }
        if (firstSeen) oldestInWindow = a.time === null || a.time >= start
        firstSeen = false
        if (a.time !== null && a.time < start) continue
        if (!GATEWAY_STATUSES.has(a.status) && !a.attempts.some((x) => x.status !== null && GATEWAY_STATUSES.has(x.status))) continue
        read.inWindow++
        if (a.attempts.length === 0) {
          if (a.status === 502) un.status502++
          else if (a.status === 504) un.status504++
          continue
        }
        for (const at of a.attempts) {
          if (at.status !== 502 && at.status !== 504) continue
          const c = counts(at.addr)
          touched.add(c)
          if (at.status === 502) c.status502++
          else c.status504++
          stamp(c, a.time, line)
        }
      }
    }
    cut = cut && oldestInWindow
    if (cut) for (const c of touched) c.lowerBound = true
    if (un.status502 + un.status504 > 0) ev.unattributed.push(un)
    if (unparsed > 0) ev.notes.push(`${file}: ${unparsed} line(s) with 502/504 do not match its log_format; not counted`)
  }
  ev.peers = [...byPeer.entries()].sort(([a], [b]) => compareCodePoints(a, b)).map(([peer, c]) => ({peer, counts: c}))
  return ev
}

/** Adds what nginx logged for one peer to the counts toward a target it reaches. */
function addPeer(out: LogCounts, c: LogCounts): void {
  for (const k of ['race', 'prematureClose', 'reset', 'brokenPipe', 'raceNonIdempotent', 'timeouts', 'refused', 'noLive', 'status502', 'status504'] as const) out[k] += c[k]
  if (c.first && (!out.first || c.first < out.first)) out.first = c.first
  if (c.last && (!out.last || c.last > out.last)) out.last = c.last
  out.lowerBound ||= c.lowerBound
  for (const s of c.samples) if (out.samples.length < SAMPLES) out.samples.push(s)
}

/**
 * Counts toward each upstream server address, summed over the peers nginx logged that reach
 * it (endpointMatches). The targets are indexed by port and host and each peer adds to the
 * ones it reaches, in peer order: 20 000 upstream servers against 20 000 logged peers cost
 * 40 000 lookups, not 400 million matches.
 */
export function countsTowardEach(ev: LogEvidence, targets: Array<Endpoint | null>): Array<LogCounts | null> {
  // null: no logged peer reaches the target (most of them, on most hosts).
  const out: Array<LogCounts | null> = targets.map(() => null)
  if (ev.peers.length === 0) return out
  const index = new ListenerIndex<number>()
  targets.forEach((t, i) => t && index.add(t, i))
  for (const {peer, counts: c} of ev.peers) for (const i of index.all(peerEndpoint(peer))) addPeer((out[i] ??= emptyCounts()), c)
  return out
}

/** What a hop's findings say about the logs toward its target. */
export interface HopLogs extends Omit<LogCounts, 'first' | 'last'> {
  /** Logs were read on this host; when false every count is 0 because nothing was looked at. */
  read: boolean
  window: string
  first: string
  last: string
  /** "12 keep-alive race signatures (premature close 10, reset 2; 3 on POST) toward 127.0.0.1:8000 in the last 24h", or "". */
  text: string
}

/** What the logs say toward each hop's target (null: a hop nginx's logs cannot name). */
export function hopLogsEach(ev: LogEvidence, targets: Array<{target: Endpoint | null; text: string}>): HopLogs[] {
  const counts = countsTowardEach(ev, targets.map((t) => t.target))
  // Hops toward which nothing was logged share one record: it names no target (its text is "").
  let quiet: HopLogs | undefined
  return targets.map((t, i) => {
    const c = counts[i]
    if (c) return hopLogsOf(ev, c, t.text)
    quiet ??= Object.freeze({...hopLogsOf(ev, emptyCounts(), ''), samples: Object.freeze([]) as unknown as string[]})
    return quiet
  })
}

function hopLogsOf(ev: LogEvidence, c: LogCounts, targetText: string): HopLogs {
  const parts: string[] = []
  const atLeast = c.lowerBound ? 'at least ' : ''
  if (c.race > 0) {
    const kinds = [c.prematureClose ? `premature close ${c.prematureClose}` : '', c.reset ? `reset ${c.reset}` : '', c.brokenPipe ? `broken pipe ${c.brokenPipe}` : ''].filter(Boolean).join(', ')
    parts.push(`${atLeast}${c.race} keep-alive race signature(s) (${kinds}${c.raceNonIdempotent ? `; ${c.raceNonIdempotent} on non-idempotent requests, which nginx does not retry` : ''})`)
  }
  if (c.timeouts > 0) parts.push(`${atLeast}${c.timeouts} "upstream timed out" while reading the response header`)
  if (c.status502 + c.status504 > 0) parts.push(`${atLeast}${c.status502} 502 and ${c.status504} 504 responses in the access log`)
  if (c.refused > 0) parts.push(`${c.refused} connection(s) refused`)
  if (c.noLive > 0) parts.push(`${c.noLive} "no live upstreams"`)
  const text = parts.length > 0 ? `observed: ${parts.join('; ')} toward ${targetText} ${ev.window.text} (nginx logs${c.first ? `, ${c.first} to ${c.last}` : ''})` : ''
  // Field by field: V8 gives every `{...c, more}` its own hidden class, and there is one of
  // these per hop (20 000 at 10 000 servers).
  return {
    race: c.race,
    prematureClose: c.prematureClose,
    reset: c.reset,
    brokenPipe: c.brokenPipe,
    raceNonIdempotent: c.raceNonIdempotent,
    timeouts: c.timeouts,
    refused: c.refused,
    noLive: c.noLive,
    status502: c.status502,
    status504: c.status504,
    first: c.first ?? '',
    last: c.last ?? '',
    lowerBound: c.lowerBound,
    samples: c.samples,
    read: ev.read,
    window: ev.window.text,
    text,
  }
}
