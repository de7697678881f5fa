// Snapshot (+ audit options) → HostModel. Parsing happens here, on the analysis side.
import {parseNetstat} from '../parsers/proc/netstat.js'
import {parseSockstat} from '../parsers/proc/sockstat.js'
import {SYSCTL_KEYS} from '../snapshot/kernel-keys.js'
import type {Snapshot} from '../snapshot/types.js'
import {resolveFrontend} from './frontends.js'
import {kernelDefault, parseKernelRelease} from './kernel.js'
import {parsePortRange, summarizeSockets, type SocketSummary} from './sockets.js'
import {firstInt, persistedValue, readPersisted} from './sysctl.js'
import type {Destination, HostModel, Problem, SysctlSetting} from './types.js'

export interface ModelOptions {
  source?: HostModel['source']
  role?: 'proxy' | 'server'
  behind?: string
  lbIdleTimeout?: number
  natIdleTimeout?: number
  expectedRate?: number
}

function shortName(key: string): string {
  return key.slice(key.lastIndexOf('.') + 1)
}

export function buildHostModel(snap: Snapshot, opts: ModelOptions = {}): HostModel {
  const problems: Problem[] = []
  const kernel = parseKernelRelease(snap.kernel.release)
  const live = opts.source !== 'files' && Object.keys(snap.sysctl).length > 0

  const persisted = readPersisted(snap)
  for (const u of persisted.unreadable) problems.push({file: u.file, message: `cannot read: ${u.error}`})
  for (const e of persisted.errors) problems.push({file: e.file, line: e.line, col: e.col, message: e.message})

  // tcp_ehash_entries (6.1+) gives the table size; before it, tcp_init() sets
  // tcp_max_orphans to the same half of the table, which is rarely tuned.
  const orphans = firstInt(snap.sysctl['net.ipv4.tcp_max_orphans']?.value)
  const orphansPersisted = persistedValue(persisted, 'net.ipv4.tcp_max_orphans')
  const ehash = firstInt(snap.sysctl['net.ipv4.tcp_ehash_entries']?.value) ?? (orphans && !orphansPersisted ? orphans * 2 : null)
  const sysctl: Record<string, SysctlSetting> = {}
  for (const key of SYSCTL_KEYS) {
    const captured = snap.sysctl[key]
    if (captured?.error) problems.push({file: `/proc/sys/${key.replaceAll('.', '/')}`, message: `cannot read: ${captured.error}`})
    const runtime = captured?.value ?? null
    const p = persistedValue(persisted, key)
    const def = kernelDefault(key, kernel, {ehashEntries: ehash})
    const present = captured === undefined || captured.error ? null : !captured.absent
    let value: string | null
    let source: SysctlSetting['source']
    if (runtime !== null) [value, source] = [runtime, 'runtime']
    else if (present === false) [value, source] = [null, 'unknown']
    else if (p) [value, source] = [p.value, 'persisted']
    else if (def !== null && def !== 'absent') [value, source] = [def, 'default']
    else [value, source] = [null, 'unknown']
    const normalized = (s: string | null) => (s === null ? null : s.trim().split(/\s+/).join(' '))
    const location = p
      ? {file: p.file, line: p.line, col: p.col, text: `${p.file}:${p.line}`}
      : {sysctl: key, text: `sysctl ${key} (${runtime !== null ? 'runtime' : 'default'})`}
    sysctl[shortName(key)] = {
      key,
      name: shortName(key),
      value: normalized(value),
      num: firstInt(value),
      source,
      present,
      runtime: normalized(runtime),
      persisted: p,
      default: def === 'absent' ? null : def,
      differs: runtime !== null && p !== null && normalized(runtime) !== normalized(p.value),
      location,
    }
  }

  const defaultRange = kernelDefault('net.ipv4.ip_local_port_range', kernel) as string
  let range = parsePortRange(sysctl.ip_local_port_range.value ?? defaultRange, sysctl.ip_local_reserved_ports.value ?? '')
  if (!range) {
    problems.push({file: '/proc/sys/net/ipv4/ip_local_port_range', message: `not a port range: "${sysctl.ip_local_port_range.value}"; assuming ${defaultRange}`})
    range = parsePortRange(defaultRange)!
  }
  const size = range.high - range.low + 1
  const ports = {low: range.low, high: range.high, size, reserved: size - range.available, available: Math.max(1, range.available)}

  let counters: Record<string, number> | null = null
  const netstat = snap.proc['net/netstat']
  if (netstat?.text !== undefined) {
    const r = parseNetstat(netstat.text, '/proc/net/netstat')
    counters = r.value.TcpExt ?? null
    for (const e of r.errors) problems.push({file: e.file, line: e.line, col: e.col, message: e.message})
  } else if (live && netstat?.error) problems.push({file: '/proc/net/netstat', message: `cannot read: ${netstat.error}`})

  let twCount: number | null = null
  const sockstat = snap.proc['net/sockstat']
  if (sockstat?.text !== undefined) {
    const r = parseSockstat(sockstat.text, '/proc/net/sockstat')
    twCount = r.value.tcp?.tw ?? null
    for (const e of r.errors) problems.push({file: e.file, line: e.line, col: e.col, message: e.message})
  } else if (live && sockstat?.error) problems.push({file: '/proc/net/sockstat', message: `cannot read: ${sockstat.error}`})

  const tcp = snap.proc['net/tcp']
  const tcp6 = snap.proc['net/tcp6']
  for (const [name, f] of [['/proc/net/tcp', tcp], ['/proc/net/tcp6', tcp6]] as const) {
    // No tcp6 at all is a kernel without IPv6, not a problem.
    if (f?.error && !(name === '/proc/net/tcp6' && f.error === 'ENOENT')) problems.push({file: name, message: `cannot read: ${f.error}`})
    if (f?.truncated) problems.push({file: name, message: 'cut at the size bound; socket counts are lower bounds'})
  }
  let sockets: SocketSummary
  const summary = summarizeSockets({tcp: tcp?.text, tcp6: tcp6?.text}, {...range, available: ports.available})
  sockets = summary.value
  for (const e of summary.errors) problems.push({file: e.file, line: e.line, col: e.col, message: e.message})

  const max = sysctl.tcp_max_tw_buckets.num
  // Integer percents alongside shares: CEL will not mix ints and doubles in arithmetic.
  const destinations: Destination[] = sockets.destinations.map((d) => ({...d, percent: Math.floor(d.share * 100)}))
  sockets = {...sockets, destinations}
  const byTimeWait = (list: Destination[]) => list.reduce<Destination | null>((best, d) => (d.timeWait > (best?.timeWait ?? 0) ? d : best), null)
  const frontend = resolveFrontend({behind: opts.behind, lbIdleTimeout: opts.lbIdleTimeout})
  const flows: Array<{seconds: number; what: string}> = []
  if (opts.natIdleTimeout) flows.push({seconds: opts.natIdleTimeout, what: `the NAT/firewall on the path (--nat-idle-timeout ${opts.natIdleTimeout})`})
  if (frontend && frontend.layer !== 'l7') flows.push({seconds: frontend.idleTimeout, what: `the load balancer in front (${frontend.name}, ${frontend.source})`})
  const flowIdle = flows.sort((a, b) => a.seconds - b.seconds)[0] ?? null

  return {
    name: snap.host.name,
    source: opts.source ?? 'local',
    live,
    kernel,
    role: opts.role ?? 'unknown',
    roleSource: opts.role ? '--role' : 'not inferred (pass --role proxy|server)',
    frontend,
    natIdleTimeout: opts.natIdleTimeout ?? null,
    expectedRate: opts.expectedRate ?? null,
    sysctl,
    persisted: persisted.entries,
    ports,
    timeWait: {
      count: twCount,
      max,
      share: twCount !== null && max ? twCount / max : null,
      percent: twCount !== null && max ? Math.floor((twCount / max) * 100) : null,
      overflows: counters?.TCPTimeWaitOverflow ?? null,
      recycled: counters?.TWRecycled ?? null,
    },
    counters,
    sockets,
    outbound: {busiestTimeWait: byTimeWait(destinations), busiestRemoteTimeWait: byTimeWait(destinations.filter((d) => !d.loopback))},
    flowIdle,
    problems,
  }
}
