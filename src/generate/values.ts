// Profile → the values every generated file uses, computed once so the files agree with each
// other and with the rules `conntune check` runs (FACTS.md "The alignment rule"): along the
// path load balancer → nginx → upstream pool → backend, each server keeps idle connections
// longer than its client, so the client (the pool owner) always closes first. Every choice
// carries its reason, with the numbers, for the templates to print as comments.
import {UserError} from '../errors.js'
import {FRONTEND_PRESETS, resolveFrontend, type Frontend} from '../model/frontends.js'
import {versionAtLeast} from '../version.js'
import {BACKEND_DEFAULT_IDLE, DEFAULT_BACKEND, parseBackend, type BackendKind} from './backend.js'

export const GENERATE_KINDS = ['nginx', 'gunicorn', 'lighttpd', 'sysctl'] as const
export type GenerateKind = (typeof GENERATE_KINDS)[number]

export interface Profile {
  behind?: string
  lbIdleTimeout?: number
  natIdleTimeout?: number
  backend?: string
  /** The backend's idle timeout when it is not the default (uvicorn/node only; gunicorn's is generated). */
  backendIdleTimeout?: number
  role?: 'proxy' | 'server'
  nginxVersion?: string
  listen?: string
  documentRoot?: string
  /** The balancer's address ranges: nginx takes the client address from X-Forwarded-For only from these. */
  realIpFrom?: string[]
  /** Proxy WebSocket upgrades with the keepalive-friendly upgrade map. */
  websocket?: boolean
}

// An IPv4 or IPv6 address with an optional prefix length, as set_real_ip_from takes it.
export const CIDR = /^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}(?:\/(?:3[0-2]|[12]?\d))?|(?=[0-9a-f]*:)[0-9a-f:.]*(?:\/(?:12[0-8]|1[01]\d|\d?\d))?)$/i

/** A choice and why, with the numbers. */
export interface Choice<T = number> {
  value: T
  why: string
}

export interface SysctlEntry {
  key: string
  value: string
  why: string[]
}

export interface GenerateValues {
  /** The command line that reproduces this output, for the header comment. */
  command: string
  frontend: (Frontend & {description: string}) | null
  /** One line per hop, client → server, for the header comment. */
  path: string[]
  listen: {raw: string; host: string | null; port: number}
  nginx: {
    version: string | null
    /** < 1.29.7 or unknown: keepalive N + proxy_http_version 1.1 + Connection "" are all needed. */
    needsKeepaliveBoilerplate: boolean
    versionNote: string
    clientKeepaliveTimeout: Choice
    keepaliveRequests: Choice
    upstreamName: string
    upstreamKeepalive: Choice<number | null>
    upstreamKeepaliveTimeout: Choice
    proxyReadTimeout: Choice
    forwardedProto: Choice<string>
    realIpFrom: string[]
    websocket: boolean
  }
  backend: {
    kind: BackendKind
    address: string
    port: number | null
    idleTimeout: Choice
    /** What to change on the backend to allow longer reuse (non-gunicorn backends). */
    raiseHint: string | null
    /** The .conntune.yaml entry that lets `conntune check` see this backend's idle timeout. */
    declare: string | null
  }
  gunicorn: {
    bind: string
    workerClass: Choice<string>
    workers: number
    threads: Choice
    keepalive: Choice
    timeout: Choice
    facing: 'nginx' | 'balancer' | 'either'
    forwardedAllowIps: Choice<string> | null
  }
  lighttpd: {
    bind: string | null
    port: number
    documentRoot: string
    maxKeepAliveIdle: Choice
    maxKeepAliveRequests: Choice
  }
  sysctl: {
    role: 'proxy' | 'server'
    roleWhy: string
    entries: SysctlEntry[]
    /** Settings deliberately not written, and why. */
    notes: string[]
  }
}

/** nginx's upstream pool idle timeout when nobody sets it (1.15.3+). */
const NGINX_UPSTREAM_IDLE_DEFAULT = 60
/** nginx's client keepalive_timeout default. */
const NGINX_CLIENT_IDLE_DEFAULT = 75
/** nginx ≥ 1.29.7's implicit `keepalive 32 local`; the same size when it must be written. */
const UPSTREAM_POOL = 32
const GUNICORN_TIMEOUT = 30
const PROXY_READ_TIMEOUT = 60
/** A server's idle timeout exceeds its client's by this much (timers are not exact). */
const MARGIN = 5
/** Wider than the default 32768-60999 (28 232 ports), above the usual service ports. */
const PROXY_PORT_RANGE: [number, number] = [16384, 65535]

function parseListen(raw: string): GenerateValues['listen'] {
  const m = /^(\d+)$/.exec(raw) ?? /^\[([0-9a-fA-F:.]+)\]:(\d+)$/.exec(raw) ?? /^([A-Za-z0-9.*-]+):(\d+)$/.exec(raw)
  const port = m ? Number(m[m.length === 2 ? 1 : 2]) : NaN
  if (!m || !(port >= 1 && port <= 65535)) throw new UserError(`--listen ${raw}: expected PORT, HOST:PORT or [IPv6]:PORT`)
  return {raw, host: m.length === 2 ? null : m[1], port}
}

function frontendFor(p: Profile): GenerateValues['frontend'] {
  if (p.behind && p.behind !== 'none' && !FRONTEND_PRESETS[p.behind]) throw new UserError(`--behind ${p.behind}: unknown load balancer (one of ${Object.keys(FRONTEND_PRESETS).join(', ')}, none)`)
  const f = resolveFrontend({behind: p.behind, lbIdleTimeout: p.lbIdleTimeout})
  if (!f) return null
  const preset = FRONTEND_PRESETS[f.name]
  return {...f, description: preset && p.lbIdleTimeout === undefined ? preset.description : `load balancer with idle timeout ${f.idleTimeout} s`}
}

/** How `name` reads in comments: "aws-alb (idle 60 s)". */
const lbName = (f: Frontend) => `${f.name === 'custom' ? 'the load balancer' : f.name} (idle ${f.idleTimeout} s)`

/** The first server's idle timeout toward the clients or the balancer in front. */
function clientIdle(f: GenerateValues['frontend'], serverDefault: number, server: string): Choice {
  if (f?.pools) {
    const v = f.recommendedBackendIdle
    return {value: v, why: `${v} s > ${lbName(f)}: the balancer pools connections to ${server} and must close an idle one first, or a request it sends on a closing connection becomes a 502`}
  }
  if (f) return {value: serverDefault, why: `${f.name} passes TCP through and pools nothing: the end clients own these connections, so ${server}'s default ${serverDefault} s stands (TCP keepalive for the balancer's flow table is in the sysctl file)`}
  return {value: serverDefault, why: `no load balancer in front: ${server}'s default ${serverDefault} s for direct clients`}
}

function commandLine(kind: GenerateKind, p: Profile): string {
  const parts = ['conntune', 'generate', kind]
  if (p.behind) parts.push('--behind', p.behind)
  if (p.lbIdleTimeout !== undefined) parts.push('--lb-idle-timeout', String(p.lbIdleTimeout))
  if (p.natIdleTimeout !== undefined) parts.push('--nat-idle-timeout', String(p.natIdleTimeout))
  if (p.backend) parts.push('--backend', p.backend)
  if (p.backendIdleTimeout !== undefined) parts.push('--backend-idle-timeout', String(p.backendIdleTimeout))
  if (p.role) parts.push('--role', p.role)
  if (p.nginxVersion) parts.push('--nginx-version', p.nginxVersion)
  if (p.listen) parts.push('--listen', p.listen)
  if (p.documentRoot) parts.push('--document-root', p.documentRoot)
  for (const r of p.realIpFrom ?? []) parts.push('--real-ip-from', r)
  if (p.websocket) parts.push('--websocket')
  return parts.join(' ')
}

export function computeValues(kind: GenerateKind, p: Profile): GenerateValues {
  if (p.nginxVersion !== undefined && !/^\d+\.\d+(\.\d+)?$/.test(p.nginxVersion)) throw new UserError(`--nginx-version ${p.nginxVersion}: expected X.Y.Z`)
  if (p.documentRoot !== undefined && !/^\/[^"\n]*$/.test(p.documentRoot)) throw new UserError(`--document-root ${p.documentRoot}: expected an absolute path without quotes`)
  const frontend = frontendFor(p)
  const listen = parseListen(p.listen ?? '80')
  const spec = parseBackend(p.backend ?? DEFAULT_BACKEND)
  if (kind === 'gunicorn' && spec.kind !== 'gunicorn') throw new UserError(`--backend ${p.backend}: generate gunicorn needs a gunicorn backend (gunicorn@ADDRESS), not ${spec.kind}`)
  if (p.backendIdleTimeout !== undefined && spec.kind === 'gunicorn') throw new UserError('--backend-idle-timeout is for backends conntune does not generate (uvicorn, node); gunicorn\'s keepalive is generated to fit nginx')
  if (p.backendIdleTimeout !== undefined && p.backendIdleTimeout < 2) throw new UserError(`--backend-idle-timeout ${p.backendIdleTimeout}: a backend that keeps idle connections under 2 s leaves nginx nothing to reuse safely`)

  // nginx → backend. gunicorn's keepalive is ours to write, so nginx keeps its default pool
  // timeout and gunicorn goes above it. Other backends' idle timeouts are theirs: nginx's
  // pool timeout goes below whatever they keep, so reuse stays on without touching them.
  let upstreamTimeout: Choice
  let backendIdle: Choice
  let raiseHint: string | null = null
  if (spec.kind === 'gunicorn') {
    const b = NGINX_UPSTREAM_IDLE_DEFAULT + MARGIN
    upstreamTimeout = {value: NGINX_UPSTREAM_IDLE_DEFAULT, why: `nginx's default ${NGINX_UPSTREAM_IDLE_DEFAULT} s, written out: below gunicorn's keepalive ${b} s, so nginx drops an idle pooled connection before gunicorn closes it`}
    backendIdle = {value: b, why: `${b} s = nginx upstream keepalive_timeout ${NGINX_UPSTREAM_IDLE_DEFAULT} s + ${MARGIN} s: gunicorn keeps an idle connection longer than nginx's pool does, so nginx always closes first (no 502 on a POST sent as gunicorn closes)`}
  } else {
    const d = BACKEND_DEFAULT_IDLE[spec.kind]
    const b = p.backendIdleTimeout ?? d.seconds
    const margin = b > 2 * MARGIN ? MARGIN : 1
    const u = b - margin
    backendIdle = {value: b, why: p.backendIdleTimeout !== undefined ? `${spec.kind} keeps idle connections ${b} s (--backend-idle-timeout; set with ${d.setting})` : d.note}
    upstreamTimeout = {value: u, why: `${u} s < ${spec.kind}'s idle timeout ${b} s: nginx drops an idle pooled connection before ${spec.kind} closes it, so reuse stays on without a 502 race`}
    if (p.backendIdleTimeout === undefined) {
      raiseHint = `for longer reuse, raise ${d.setting} (e.g. to ${NGINX_UPSTREAM_IDLE_DEFAULT + MARGIN} s) and regenerate with --backend-idle-timeout ${NGINX_UPSTREAM_IDLE_DEFAULT + MARGIN} (nginx then keeps ${NGINX_UPSTREAM_IDLE_DEFAULT} s)`
    }
  }

  const version = p.nginxVersion ?? null
  const modern = version !== null && versionAtLeast(version, '1.29.7')
  const versionNote = modern
    ? `nginx ${version} >= 1.29.7: an upstream{} block keeps idle connections by default (keepalive 32 local), proxies with HTTP/1.1 and sends no Connection header, so no keep-alive boilerplate is needed`
    : version
      ? `nginx ${version} < 1.29.7: upstream keep-alive needs all three of keepalive N in upstream{}, proxy_http_version 1.1 and proxy_set_header Connection "" (a missing one silently turns it off)`
      : 'nginx version not given (--nginx-version): written the way nginx before 1.29.7 needs it (keepalive N, proxy_http_version 1.1, Connection ""), which newer versions accept too'

  const gunicornFacing: GenerateValues['gunicorn']['facing'] = p.role === 'server' ? 'balancer' : p.role === 'proxy' ? 'nginx' : 'either'
  const gunicornKeepalive = gunicornKeepaliveChoice(gunicornFacing, frontend, backendIdle)
  const lighttpdIdle = clientIdle(frontend, 5, 'lighttpd')

  const path: string[] = []
  const nginxClient = clientIdle(frontend, NGINX_CLIENT_IDLE_DEFAULT, 'nginx')
  if (frontend?.pools) path.push(`${lbName(frontend)} -> nginx keepalive_timeout ${nginxClient.value} s`)
  path.push(`nginx upstream keepalive_timeout ${upstreamTimeout.value} s -> ${spec.kind} at ${spec.address} idle ${backendIdle.value} s`)

  const sysctl = sysctlValues(p, frontend, listen, spec.port)
  for (const r of p.realIpFrom ?? []) if (!CIDR.test(r)) throw new UserError(`--real-ip-from ${r}: not an address or CIDR range (e.g. 10.0.0.0/16 or 2001:db8::/32)`)
  return {
    command: commandLine(kind, p),
    frontend,
    path,
    listen,
    nginx: {
      version,
      needsKeepaliveBoilerplate: !modern,
      versionNote,
      clientKeepaliveTimeout: nginxClient,
      keepaliveRequests: {value: 1000, why: 'the default since nginx 1.19.10 (100 before), written out so older versions close pooled connections less often'},
      upstreamName: 'app_backend',
      // Behind an L7 balancer nginx sees plain http: pass on the scheme the balancer saw.
      forwardedProto: frontend?.pools ? {value: '$http_x_forwarded_proto', why: `${lbName(frontend)} ends TLS and sets X-Forwarded-Proto; nginx's own $scheme would say http`} : {value: '$scheme', why: 'the scheme of the request nginx received'},
      realIpFrom: p.realIpFrom ?? [],
      websocket: p.websocket === true,
      upstreamKeepalive: modern
        ? {value: null, why: `nginx ${version} keeps up to ${UPSTREAM_POOL} idle connections per worker by default`}
        : {value: UPSTREAM_POOL, why: `up to ${UPSTREAM_POOL} idle connections per worker process (the size nginx 1.29.7 made the default)`},
      upstreamKeepaliveTimeout: upstreamTimeout,
      proxyReadTimeout:
        spec.kind === 'gunicorn'
          ? {value: PROXY_READ_TIMEOUT, why: `${PROXY_READ_TIMEOUT} s >= gunicorn's timeout ${GUNICORN_TIMEOUT} s: gunicorn restarts a stuck worker before nginx gives up with a 504 while the worker keeps working`}
          : {value: PROXY_READ_TIMEOUT, why: `nginx's default ${PROXY_READ_TIMEOUT} s between two reads from ${spec.kind}, written out`},
    },
    backend: {
      kind: spec.kind,
      address: spec.address,
      port: spec.port,
      idleTimeout: backendIdle,
      raiseHint,
      declare: spec.kind === 'gunicorn' ? null : `backends: [{address: "${spec.address}", kind: ${spec.kind}, idleTimeout: ${backendIdle.value}}]`,
    },
    gunicorn: {
      bind: spec.address,
      workerClass: {value: 'gthread', why: "the default sync worker closes the connection after every response (it ignores keepalive); gthread keeps idle connections without holding a thread"},
      workers: 2,
      threads: {value: 4, why: 'requests served at once per worker; idle keep-alive connections wait in the poller, not in a thread (worker_connections, 1000 by default, caps them)'},
      keepalive: gunicornKeepalive,
      timeout: {value: GUNICORN_TIMEOUT, why: `gunicorn's default ${GUNICORN_TIMEOUT} s, <= nginx proxy_read_timeout ${PROXY_READ_TIMEOUT} s so nginx does not time out first`},
      facing: gunicornFacing,
      // gunicorn trusts X-Forwarded-* only from these peers: the nginx on this host, never '*'.
      forwardedAllowIps:
        gunicornFacing === 'balancer'
          ? null
          : {value: '127.0.0.1,::1', why: `trust X-Forwarded-Proto/For only from nginx on this host (gunicorn's forwarded_allow_ips; never '*', which lets any client spoof them)${spec.address.startsWith('unix:') ? '; over a unix socket the peer has no IP address' : ''}`},
    },
    lighttpd: {
      // lighttpd resolves a bare "::1" as IPv4 unless server.use-ipv6 is on; "[::1]" works either way.
      bind: listen.host && listen.host.includes(':') ? `[${listen.host}]` : listen.host,
      port: listen.port,
      documentRoot: p.documentRoot ?? '/var/www/html',
      maxKeepAliveIdle: lighttpdIdle,
      maxKeepAliveRequests: {value: 1000, why: 'the default since lighttpd 1.4.65 (100 before, 16 before 1.4.46), written out for older versions'},
    },
    sysctl,
  }
}

function gunicornKeepaliveChoice(facing: GenerateValues['gunicorn']['facing'], f: GenerateValues['frontend'], behindNginx: Choice): Choice {
  const direct: Choice = f?.pools
    ? {value: f.recommendedBackendIdle, why: `${f.recommendedBackendIdle} s > ${lbName(f)}: the balancer pools connections to gunicorn and must close an idle one first, or it answers 502`}
    : {value: 5, why: `no pooling balancer in front: the gunicorn docs' 1-5 s for direct clients (${f ? `${f.name} passes TCP through` : 'no load balancer'})`}
  if (facing === 'nginx') return behindNginx
  if (facing === 'balancer') return direct
  // Not told which: a value safe behind nginx and in front of the balancer alike.
  return direct.value > behindNginx.value
    ? {value: direct.value, why: `${direct.why}; also > nginx's upstream keepalive_timeout ${behindNginx.value - MARGIN} s if nginx sits in front (--role proxy or server decides)`}
    : {value: behindNginx.value, why: `${behindNginx.why}${f?.pools ? `; also > ${lbName(f)} if gunicorn faces the balancer directly` : ''} (--role proxy or server decides)`}
}

function sysctlValues(p: Profile, f: GenerateValues['frontend'], listen: GenerateValues['listen'], backendPort: number | null): GenerateValues['sysctl'] {
  // A unix-socket backend takes no outgoing TCP connection: the client-side TCP settings do not apply (unix(7)).
  const unixBackend = /@unix:/.test(p.backend ?? '')
  const role = p.role ?? (p.backend && !unixBackend ? 'proxy' : 'server')
  const roleWhy = p.role ? `--role ${p.role}` : unixBackend ? 'the --backend is a unix socket: no outgoing TCP connections, so this host is a server for the kernel (--role overrides)' : p.backend ? 'a --backend was named: this host proxies to it (--role overrides)' : 'no --backend: this host serves (pass --role proxy if it connects to upstreams)'
  const entries: SysctlEntry[] = []
  const notes: string[] = []
  entries.push({key: 'net.core.somaxconn', value: '4096', why: ['the default since Linux 5.4 (128 before), which silently caps nginx\'s listen backlog (511) and gunicorn\'s (2048)']})
  if (role === 'proxy') {
    entries.push({key: 'net.ipv4.tcp_timestamps', value: '1', why: ['the default; tcp_tw_reuse does nothing without timestamps']})
    entries.push({key: 'net.ipv4.tcp_tw_reuse', value: '1', why: ['this host connects out to upstreams: a new connection may reuse a port held in TIME_WAIT by one it closed', 'only outgoing connect() consults it; the default 2 applies it to loopback only']})
    const [lo, hi] = PROXY_PORT_RANGE
    entries.push({key: 'net.ipv4.ip_local_port_range', value: `${lo} ${hi}`, why: [`${hi - lo + 1} ports for outgoing connections instead of the default 28232 (32768-60999): about ${Math.floor((hi - lo + 1) / 60)} new connections per second toward one upstream address when this side closes first`]})
    const inRange = [...new Set([listen.port, backendPort].filter((x): x is number => x !== null && x >= lo && x <= hi))].sort((a, b) => a - b)
    if (inRange.length > 0) entries.push({key: 'net.ipv4.ip_local_reserved_ports', value: inRange.join(','), why: [`port${inRange.length > 1 ? 's' : ''} ${inRange.join(', ')} ${inRange.length > 1 ? 'are' : 'is'} listened on and inside the range above: keep the kernel from handing ${inRange.length > 1 ? 'them' : 'it'} out to outgoing connections`]})
  } else {
    notes.push('tcp_tw_reuse is not set: it only affects outgoing connect(), and this host (role server) accepts connections')
  }
  const flows: Array<{seconds: number; what: string}> = []
  if (p.natIdleTimeout !== undefined) flows.push({seconds: p.natIdleTimeout, what: `the NAT or firewall on the path (idle ${p.natIdleTimeout} s)`})
  if (f?.tracksFlows) flows.push({seconds: f.idleTimeout, what: `${f.name === 'custom' ? 'the load balancer' : f.name} in front, which forgets flows idle ${f.idleTimeout} s`})
  const flow = flows.sort((a, b) => a.seconds - b.seconds)[0]
  if (flow) {
    const time = flow.seconds >= 120 ? flow.seconds - 60 : Math.max(1, Math.floor(flow.seconds / 2))
    const intvl = Math.max(1, Math.floor((flow.seconds - time) / 3))
    entries.push({key: 'net.ipv4.tcp_keepalive_time', value: String(time), why: [`${time} s < ${flow.what}: the first probe refreshes the flow before it is dropped (the default 7200 s leaves idle connections half-open)`, 'applies to sockets with SO_KEEPALIVE only']})
    entries.push({key: 'net.ipv4.tcp_keepalive_intvl', value: String(intvl), why: [`${intvl} s between probes: three more probes fit before ${flow.seconds} s if one is lost`]})
  } else {
    notes.push('TCP keepalive stays at its defaults: no load balancer or NAT that forgets idle flows was named (--behind aws-nlb|azure-lb|oci-lb or --nat-idle-timeout)')
  }
  notes.push('tcp_max_tw_buckets is not lowered: on overflow the kernel destroys closing sockets without TIME_WAIT')
  notes.push('tcp_tw_recycle is not set: it dropped clients behind NAT and was removed in Linux 4.12')
  notes.push('tcp_fin_timeout is not set: it bounds orphaned FIN_WAIT_2, not TIME_WAIT (fixed at 60 s)')
  return {role, roleWhy, entries, notes}
}
