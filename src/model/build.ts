// Snapshot (+ audit options) → HostModel. Parsing happens here, on the analysis side.
import {append} from '../append.js'
import {parseNetstat} from '../parsers/proc/netstat.js'
import {parseSockstat} from '../parsers/proc/sockstat.js'
import {LIMITS, SYSCTL_KEYS} from '../snapshot/kernel-keys.js'
import type {Snapshot} from '../snapshot/types.js'
import {resolveFrontend} from './frontends.js'
import {kernelDefault, parseKernelRelease} from './kernel.js'
import {parsePortRange, summarizeSockets, type SocketSummary} from './sockets.js'
import {firstInt, persistedValue, readPersisted} from './sysctl.js'
import type {Destination, HostModel, PortOwners, Problem, SysctlSetting} from './types.js'
import {discoverServers, type ServerOptions} from './servers/discover.js'
import {ListenerIndex} from './servers/endpoint-index.js'
import {buildHops, type DeclaredBackend} from './hops.js'
import {hopLogsEach, readLogEvidence, windowFor} from './evidence.js'
import {parseNginxAddress} from './servers/nginx-values.js'
import {NOTHING_OBSERVED} from './servers/nginx.js'
import {applyMeasured, type MeasuredBackend} from './measured.js'
import type {ConfigSetting} from './servers/setting.js'

export interface ModelOptions extends ServerOptions {
  /** Backends on other hosts, from .conntune.yaml. */
  backends?: DeclaredBackend[]
  /** Where the frontend came from, when not a flag. */
  frontendSource?: string
  source?: HostModel['source']
  role?: 'proxy' | 'server'
  behind?: string
  lbIdleTimeout?: number
  natIdleTimeout?: number
  expectedRate?: number
  /** The log window: seconds before collection (default 24 h), or an absolute start. */
  since?: {seconds?: number; at?: string}
  /** Backends measured by --probe. */
  measured?: MeasuredBackend[]
}

function shortName(key: string): string {
  return key.slice(key.lastIndexOf('.') + 1)
}

export function buildHostModel(snap: Snapshot, opts: ModelOptions = {}): HostModel {
  const problems: Problem[] = []
  const kernel = parseKernelRelease(snap.kernel.release)
  const live = opts.source !== 'files' && Object.keys(snap.sysctl).length > 0

  const persisted = readPersisted(snap, opts.entries?.sysctl)
  for (const u of persisted.unreadable) problems.push({file: u.file, message: `cannot read: ${u.error}`})
  for (const e of persisted.errors) problems.push({file: e.file, line: e.line, col: e.col, message: e.message})
  // A directory that could not be listed (EACCES as a user who is not the server's): what an
  // include glob, sysctl.d or a checked tree has there went unread, so nothing can pass on it.
  for (const dir of Object.keys(snap.dirs).sort()) {
    const {error, more} = snap.dirs[dir]!
    if (error && error !== 'ENOENT' && error !== 'ENOTDIR') problems.push({file: dir, message: `cannot list the directory: ${error}; the files in it were not read`})
    if (more) problems.push({file: dir, message: `the directory holds ${LIMITS.dirEntries + more} names; only the first ${LIMITS.dirEntries} (sorted) were listed, so what an include glob or sysctl.d has past them was not read`})
  }

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

  const servers = discoverServers(snap, opts)
  append(problems, servers.problems)
  const nginx = servers.nginx ?? emptyNginx()
  const lighttpd = servers.lighttpd ?? emptyLighttpd()
  const gunicorn = {apps: servers.gunicorn}
  const role = inferRole(opts.role, nginx, lighttpd, gunicorn.apps)
  const backlogs: HostModel['backlogs'] = [
    ...dedupeListens(nginx).map((l) => ({server: 'nginx' as const, where: `nginx listen ${l.raw} at ${l.file}:${l.line}`, setting: nginxBacklog(l)})),
    ...(lighttpd.present ? [{server: 'lighttpd' as const, where: `lighttpd ${lighttpd.entry}`, setting: lighttpd.listenBacklog}] : []),
    ...gunicorn.apps.map((a) => ({server: 'gunicorn' as const, where: `gunicorn ${a.name}`, setting: a.backlog})),
  ]
  linkServers(nginx, gunicorn.apps)

  const max = sysctl.tcp_max_tw_buckets.num
  // Integer percents alongside shares: CEL will not mix ints and doubles in arithmetic.
  const destinations: Destination[] = sockets.destinations.map((d) => ({...d, percent: Math.floor(d.share * 100)}))
  sockets = {...sockets, destinations}
  // What the sockets show toward each nginx upstream's servers.
  if (destinations.length > 0) observeUpstreams(nginx.upstreams, destinations)
  const byTimeWait = (list: Destination[]) => list.reduce<Destination | null>((best, d) => (d.timeWait > (best?.timeWait ?? 0) ? d : best), null)
  const frontend = resolveFrontend({behind: opts.behind, lbIdleTimeout: opts.lbIdleTimeout, ...(opts.frontendSource ? {source: opts.frontendSource} : {})})
  const flows: Array<{seconds: number; what: string}> = []
  if (opts.natIdleTimeout) flows.push({seconds: opts.natIdleTimeout, what: `the NAT/firewall on the path (--nat-idle-timeout ${opts.natIdleTimeout})`})
  if (frontend && frontend.tracksFlows) flows.push({seconds: frontend.idleTimeout, what: `the load balancer in front (${frontend.name}, ${frontend.source})`})
  const flowIdle = flows.sort((a, b) => a.seconds - b.seconds)[0] ?? null
  const listeners = nginx.servers.flatMap((srv) => srv.listen.filter((l) => l.soKeepalive).map((l) => ({what: `nginx listen ${l.raw} ${l.soKeepalive!.raw} (${srv.label})`, file: l.file, line: l.line, idle: l.soKeepalive!.idle})))
  const kernelIdleListeners = listeners.filter((l) => l.idle === null).length
  const keepaliveFlows: HostModel['keepalive']['flow'][] = []
  if (opts.natIdleTimeout) keepaliveFlows.push({seconds: opts.natIdleTimeout, what: `the NAT/firewall on the path (--nat-idle-timeout ${opts.natIdleTimeout})`, kind: 'nat'})
  if (frontend && frontend.tracksFlows && kernelIdleListeners > 0) keepaliveFlows.push({seconds: frontend.idleTimeout, what: `the load balancer in front (${frontend.name}, ${frontend.source})`, kind: 'frontend'})
  const keepalive: HostModel['keepalive'] = {
    listeners,
    kernelIdleListeners,
    observedTimers: sockets.observed ? sockets.keepaliveTimers : null,
    flow: keepaliveFlows.sort((a, b) => a!.seconds - b!.seconds)[0] ?? null,
  }

  const owners = portOwners(sockets.listenPorts.map((lp) => lp.port), nginx, lighttpd, gunicorn.apps)

  const hops = buildHops({frontend, nginx: nginx.present ? nginx : null, lighttpd: lighttpd.present ? lighttpd : null, apps: gunicorn.apps, declared: opts.backends ?? [], destinations})
  applyMeasured(hops, opts.measured ?? [])
  const logs = readLogEvidence(snap, windowFor(snap.collectedAt, opts.since))
  const hopLogs = hopLogsEach(logs, hops.map((hop) => ({target: hop.kind === 'upstream' ? parseNginxAddress(hop.target, 80) : null, text: hop.target})))
  hops.forEach((hop, i) => (hop.logs = hopLogs[i]))

  return {
    name: snap.host.name,
    source: opts.source ?? 'local',
    live,
    kernel,
    role: role.role,
    roleSource: role.source,
    frontend,
    natIdleTimeout: opts.natIdleTimeout ?? null,
    expectedRate: opts.expectedRate ?? null,
    sysctl,
    persisted: persisted.entries,
    sysctlFiles: persisted.read,
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
    // Each listening port carries its owners: a rule about 1 000 ports would otherwise search
    // every port's owners per finding (sockets-server-closes-first took 7.7 s on 200 000 rows).
    sockets: {...sockets, listenPorts: sockets.listenPorts.map((lp) => ({...lp, ...owners.get(lp.port)!}))},
    outbound: {busiestTimeWait: byTimeWait(destinations), busiestRemoteTimeWait: byTimeWait(destinations.filter((d) => !d.loopback))},
    flowIdle,
    keepalive,
    hops,
    logs,
    nginx,
    lighttpd,
    gunicorn,
    backlogs,
    problems,
    comments: [...servers.comments, ...Object.entries(persisted.comments).flatMap(([file, cs]) => cs.map((c) => ({file, line: c.line, col: c.col, text: c.text})))],
    texts: servers.texts,
  }
}

function emptyNginx(): HostModel['nginx'] {
  return {present: false, version: '', versionKnown: false, versionSource: 'not installed', upstreamKeepaliveDefault: false, entry: '', source: '', files: [], servers: [], locations: [], upstreams: [], clientKeepalive: [], keepaliveRequests: [], directiveProblems: [], validation: {table: '', note: 'not installed'}}
}

function emptyLighttpd(): HostModel['lighttpd'] {
  const none = {name: '', value: null, num: null, explicit: false, origin: '', file: null, line: null, col: null, insertAt: null}
  return {present: false, version: '', versionKnown: false, versionSource: 'not installed', entry: '', files: [], scopes: [], listen: [], listenBacklog: none, proxies: [], shellIncludes: [], valueProblems: []}
}

/** A host proxies when a server on it forwards requests; it serves when one listens. */
function inferRole(flag: 'proxy' | 'server' | undefined, nginx: HostModel['nginx'], lighttpd: HostModel['lighttpd'], apps: HostModel['gunicorn']['apps']): {role: HostModel['role']; source: string} {
  if (flag) return {role: flag, source: '--role'}
  // Proxying only to unix sockets makes no outgoing TCP connection: the kernel's client-side
  // settings (tw_reuse, port range) do not apply to it (unix(7)).
  // A name set, not a scan of the upstreams per location: 100 000 of each is otherwise 10^10.
  const unixUpstreams = new Set(nginx.upstreams.filter((u) => u.unixOnly).map((u) => u.name))
  const unixOnly = (l: HostModel['nginx']['locations'][number]) => !!l.proxyPass && (!!l.proxyPass.unix || (l.proxyPass.upstream !== null && unixUpstreams.has(l.proxyPass.upstream)))
  const proxied = nginx.locations.find((l) => l.proxyPass && !unixOnly(l))
  const unixProxied = nginx.locations.find(unixOnly)
  if (!proxied && unixProxied && !lighttpd.proxies.length) return {role: 'server', source: `inferred: nginx proxies only to unix sockets (${unixProxied.proxyPass!.raw} at ${unixProxied.proxyPass!.file}:${unixProxied.proxyPass!.line}), so it makes no outgoing TCP connections`}
  if (proxied) return {role: 'proxy', source: `inferred: nginx proxies to ${proxied.proxyPass!.raw} at ${proxied.proxyPass!.file}:${proxied.proxyPass!.line}`}
  if (lighttpd.proxies.length > 0) return {role: 'proxy', source: `inferred: lighttpd mod_proxy to ${lighttpd.proxies[0].host}:${lighttpd.proxies[0].port}`}
  if (nginx.servers.length > 0) return {role: 'server', source: 'inferred: nginx serves and proxies nothing'}
  if (lighttpd.present) return {role: 'server', source: 'inferred: lighttpd serves and proxies nothing'}
  if (apps.length > 0) return {role: 'server', source: `inferred: gunicorn (${apps[0].name})`}
  return {role: 'unknown', source: 'not inferred: no nginx, lighttpd or gunicorn found (pass --role proxy|server)'}
}

function dedupeListens(nginx: HostModel['nginx']) {
  const seen = new Map<string, HostModel['nginx']['servers'][number]['listen'][number]>()
  for (const s of nginx.servers) for (const l of s.listen) if (!seen.has(l.raw) || l.backlog !== null) seen.set(l.raw, l)
  return [...seen.values()]
}

/** NGX_LISTEN_BACKLOG is 511 on Linux. */
function nginxBacklog(l: HostModel['nginx']['servers'][number]['listen'][number]): ConfigSetting {
  return l.backlog !== null
    ? {name: 'listen backlog', value: String(l.backlog), num: l.backlog, explicit: true, origin: `set at ${l.file}:${l.line}`, file: l.file, line: l.line, col: 1, insertAt: null}
    : {name: 'listen backlog', value: '511', num: 511, explicit: false, origin: 'default (nginx: 511)', file: null, line: null, col: null, insertAt: {file: l.file, line: l.line, col: 1, context: `listen ${l.raw}`}}
}

/** What the sockets show toward each nginx upstream's servers: one pass over the destinations. */
function observeUpstreams(upstreams: HostModel['nginx']['upstreams'], destinations: Destination[]): void {
  const index = new ListenerIndex<HostModel['nginx']['upstreams'][number]>()
  for (const u of upstreams) {
    for (const srv of u.servers) index.add(srv, u)
    u.observed = NOTHING_OBSERVED
  }
  for (const d of destinations) {
    for (const u of index.all({host: d.ip, port: d.port, unix: null})) {
      u.observed = {timeWait: u.observed.timeWait + d.timeWait, total: u.observed.total + d.total, percent: Math.max(u.observed.percent, d.percent)}
    }
  }
}

/** nginx locations → the gunicorn apps they proxy to, by address. */
function linkServers(nginx: HostModel['nginx'], apps: HostModel['gunicorn']['apps']): void {
  if (apps.length === 0) return
  const byName = new Map(nginx.upstreams.map((u) => [u.name, u]))
  const binds = new ListenerIndex<number>()
  apps.forEach((app, i) => app.bind.forEach((b) => binds.add(b, i)))
  // An upstream's apps, once per upstream (many locations share one).
  const appsOf = new Map<string, number[]>()
  for (const l of nginx.locations) {
    const u = l.proxyPass?.upstream ? byName.get(l.proxyPass.upstream) : undefined
    if (!u) continue
    let mine = appsOf.get(u.name)
    if (!mine) appsOf.set(u.name, (mine = [...new Set(u.servers.flatMap((srv) => binds.all(srv)))].sort((a, b) => a - b)))
    for (const app of mine.map((i) => apps[i])) {
      app.proxiedBy.push({location: `location ${l.path} in ${l.serverLabel}`, file: l.file, line: l.line, reuses: l.reusesUpstream, proxyReadTimeout: l.proxyReadTimeout.num})
    }
  }
}

/** Which configured servers listen on each observed listening port. */
function portOwners(ports: number[], nginx: HostModel['nginx'], lighttpd: HostModel['lighttpd'], apps: HostModel['gunicorn']['apps']): Map<number, PortOwners> {
  // Grouped by port once, so each observed port costs its own owners, not every server.
  const byPort = <T>(items: T[], portsOf: (x: T) => Array<number | null>) => {
    const m = new Map<number, T[]>()
    for (const x of items) for (const p of new Set(portsOf(x))) if (p !== null) m.get(p)?.push(x) ?? m.set(p, [x])
    return m
  }
  const nginxOn = byPort(nginx.servers, (s) => s.listen.map((l) => l.port))
  const appsOn = byPort(apps, (a) => a.bind.map((b) => b.port))
  const lighttpdPorts = new Set(lighttpd.present ? lighttpd.listen.map((l) => l.port) : [])
  const out = new Map<number, PortOwners>()
  for (const port of ports) {
    const owners: string[] = []
    const keepalive: string[] = []
    for (const s of nginxOn.get(port) ?? []) {
      owners.push(`nginx ${s.label}`)
      keepalive.push(`keepalive_timeout ${s.keepaliveTimeout.value} (${s.keepaliveTimeout.origin})`)
    }
    if (lighttpdPorts.has(port)) {
      owners.push(`lighttpd ${lighttpd.entry}`)
      keepalive.push(`server.max-keep-alive-idle = ${lighttpd.scopes[0].keepAliveIdle.value} (${lighttpd.scopes[0].keepAliveIdle.origin})`)
    }
    for (const a of appsOn.get(port) ?? []) {
      owners.push(`gunicorn ${a.name}`)
      keepalive.push(a.keepsIdleConnections === false ? `the ${a.workerFamily} worker closes after every response` : `keepalive = ${a.keepalive.value} (${a.keepalive.origin})`)
    }
    out.set(port, {owners, keepalive})
  }
  return out
}
