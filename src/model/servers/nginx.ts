// nginx configuration → effective settings per server, location and upstream, the way nginx
// merges them: http → server → location → nested location/if; `proxy_set_header` is inherited
// only by a level that sets none itself; upstream keep-alive defaults depend on the version
// (FACTS.md "nginx": 1.29.7 made explicit upstream{} blocks keep connections by default).
import type {NginxConfig, NginxDirective} from '../../parsers/nginx/types.js'
import {inlineIncludes} from '../../parsers/nginx/tree.js'
import {validateNginx, type DeclaredDirective, type DirectiveProblem} from '../../parsers/nginx/validate.js'
import {versionAtLeast} from '../../version.js'
import {defaultSetting, type ConfigSetting} from './setting.js'
import {resolveConnection, SetsInScope, variableSources, type ConnectionValue} from './nginx-connection.js'
import {parseNginxAddress, parseNginxTime, parseProxyPass, type NginxAddress, type ProxyTarget} from './nginx-values.js'

export interface NginxListen extends NginxAddress {
  backlog: number | null
  /**
   * listen ... so_keepalive=on|[idle]:[intvl]:[cnt]: accepted sockets get SO_KEEPALIVE; idle is
   * TCP_KEEPIDLE when given, else the kernel's tcp_keepalive_time applies. null: not enabled.
   */
  soKeepalive: {raw: string; idle: number | null} | null
  ssl: boolean
  http2: boolean
  file: string
  line: number
}

function soKeepalive(arg: string | undefined): NginxListen['soKeepalive'] {
  if (!arg) return null
  const v = arg.slice('so_keepalive='.length)
  if (v === 'off') return null
  if (v === 'on') return {raw: arg, idle: null}
  const idle = v.split(':')[0]
  return {raw: arg, idle: idle ? parseNginxTime(idle) : null}
}

export interface NginxServer {
  index: number
  file: string
  line: number
  col: number
  names: string[]
  listen: NginxListen[]
  /** "server example.com (listen 80) at FILE:LINE": how findings name it. */
  label: string
  /** Only rejects (return 444 / 4xx, deny all at server level): serves no request, so no alignment applies. */
  rejectOnly: boolean
  keepaliveTimeout: ConfigSetting & {header: number | null}
  keepaliveRequests: ConfigSetting
}

export interface NginxLocation {
  server: number
  serverLabel: string
  path: string
  file: string
  line: number
  col: number
  proxyPass: (ProxyTarget & {file: string; line: number; upstream: string | null}) | null
  proxyHttpVersion: ConfigSetting
  /** The Connection header sent upstream after proxy_set_header inheritance; "" means cleared. */
  connectionHeader: ConfigSetting
  /** What that header is for an ordinary request (no Upgrade), with maps, geo and set resolved. */
  connection: ConnectionValue
  proxyReadTimeout: ConfigSetting
  keepaliveTimeout: ConfigSetting & {header: number | null}
  /** Idle connections to the upstream are reused for this location (version and config). */
  reusesUpstream: boolean
  /** The upstream's keepalive (0: none kept), and whether it is an implicit one. */
  upstreamKeepalive: number
  upstreamImplicit: boolean
}

export interface NginxUpstreamServer extends NginxAddress {
  file: string
  line: number
}

export interface NginxUpstream {
  name: string
  /** true for proxy_pass host:port without an upstream{} block. */
  implicit: boolean
  file: string
  line: number
  col: number
  servers: NginxUpstreamServer[]
  /** Every server is a unix socket: no ports and no TIME_WAIT (unix(7)). */
  unixOnly: boolean
  keepalive: ConfigSetting
  keepaliveTimeout: ConfigSetting
  keepaliveRequests: ConfigSetting
  /** Locations proxying here. */
  locations: number[]
  /** Sockets observed toward this upstream's servers (filled in by the host model). */
  observed: {timeWait: number; total: number; percent: number}
  /** The proxying locations' proxy_http_version and Connection settings: what keep-alive needs besides `keepalive N` before 1.29.7. */
  locationHttpVersions: ConfigSetting[]
  locationConnectionHeaders: ConfigSetting[]
}

export interface NginxModel {
  present: true
  /** The include graph expanded past this many directives and was cut: the model is partial. */
  truncatedAt?: number
  /** The include chain (entry first) being expanded when the budget ran out. */
  truncatedChain?: string[]
  version: string
  versionKnown: boolean
  versionSource: string
  /** nginx ≥ 1.29.7: explicit upstream{} blocks keep idle connections without being asked. */
  upstreamKeepaliveDefault: boolean
  entry: string
  source: string
  files: string[]
  servers: NginxServer[]
  locations: NginxLocation[]
  upstreams: NginxUpstream[]
  /**
   * Client-side keepalive_timeout / keepalive_requests grouped by the line that decides them
   * (or the default), with the servers and locations each applies to: one http-level line
   * is one finding, not one per server.
   */
  clientKeepalive: Array<{timeout: ConfigSetting & {header: number | null}; appliesTo: string[]}>
  /** Every explicit keepalive_requests, client and upstream side, once per line. */
  keepaliveRequests: Array<ConfigSetting & {side: 'client' | 'upstream'; appliesTo: string[]}>
  /** Directives `nginx -t` would refuse (unknown, wrong arity, wrong block, bad value), with file:line. */
  directiveProblems: DirectiveProblem[]
  /** The directive table the config was checked against, and why that one. */
  validation: {table: string; note: string}
}

type Dir = NginxDirective

/**
 * Sockets seen toward an upstream or hop when none were: one object for all of them (nothing
 * writes to it; a count is a new object), where a host has 100 000 upstream servers.
 */
export const NOTHING_OBSERVED: NginxUpstream['observed'] = Object.freeze({timeWait: 0, total: 0, percent: 0})

function explicitSetting(d: Dir, value: string, num: number | null, context?: string): ConfigSetting {
  // join() makes one flat string; a template literal keeps a tree of five string pieces alive
  // per directive (≈ 150 bytes more, at every level of a large config).
  const origin = (context ? ['set in ', context, ' at ', d.file, ':', d.line] : ['set at ', d.file, ':', d.line]).join('')
  return {name: d.directive, value, num, explicit: true, origin, file: d.file, line: d.line, col: d.col, insertAt: null, ...(context ? {context} : {})}
}


function insertAt(block: Dir | null, context: string, fallbackFile: string): ConfigSetting['insertAt'] {
  if (!block) return {file: fallbackFile, line: 1, col: 1, context}
  return {file: block.file, line: block.line, col: block.col, context}
}

function keepaliveTimeoutOf(d: Dir, context: string): ConfigSetting & {header: number | null} {
  const seconds = parseNginxTime(d.args[0] ?? '')
  const header = d.args[1] !== undefined ? parseNginxTime(d.args[1], true) : null
  // Added to the fresh object, not spread into a new one: V8 gives every `{...x, y}` its own
  // hidden class, and a large config has one of these per server.
  const e = explicitSetting(d, d.args.join(' '), seconds, context) as ConfigSetting & {header: number | null}
  e.header = header
  return e
}

/** Context-level settings that inherit downward. */
interface Level {
  keepaliveTimeout: ConfigSetting & {header: number | null}
  keepaliveRequests: ConfigSetting
  proxyHttpVersion: ConfigSetting
  proxyReadTimeout: ConfigSetting
  /** proxy_set_header directives of the nearest level that has any. */
  proxySetHeaders: Dir[] | null
  proxySetHeadersFrom: string
  /** The last `set $name` seen from this level (rewrite module order: outer levels run first). */
  sets: SetsInScope
}

// Inner levels share their parent's setting objects: the origin ("set in http at FILE:LINE")
// already says where an inherited value comes from, and copies per server and location would
// cost gigabytes on configs with 100 000 servers.
function applyLevel(parent: Level, block: Dir[], label: string): Level {
  const next: Level = {...parent}
  const own: Dir[] = []
  for (const d of block) {
    switch (d.directive) {
      case 'keepalive_timeout':
        next.keepaliveTimeout = keepaliveTimeoutOf(d, label)
        break
      case 'keepalive_requests':
        next.keepaliveRequests = explicitSetting(d, d.args[0] ?? '', /^\d+$/.test(d.args[0] ?? '') ? Number(d.args[0]) : null, label)
        break
      case 'proxy_http_version':
        next.proxyHttpVersion = explicitSetting(d, d.args[0] ?? '', null, label)
        break
      case 'proxy_read_timeout':
        next.proxyReadTimeout = explicitSetting(d, d.args[0] ?? '', parseNginxTime(d.args[0] ?? ''), label)
        break
      case 'proxy_set_header':
        own.push(d)
        break
      case 'set':
        if (next.sets === parent.sets) next.sets = new SetsInScope(parent.sets)
        if (d.args[0]?.startsWith('$')) next.sets.set(d.args[0].replace(/^\$\{?(\w+)\}?$/, '$1'), d)
        break
    }
  }
  if (own.length > 0) {
    next.proxySetHeaders = own
    next.proxySetHeadersFrom = label
  }
  return next
}

const NO_USES: string[] = []
const VARIABLE = /\$(?:\{(\w+)\}|(\w+))/g

/**
 * Every variable's uses ("DIRECTIVE at FILE:LINE", once per directive, in config order) other
 * than as a proxy_set_header Connection value. A map's or geo's source string is a use, the
 * variable it defines is not; a map's values may name variables too (nginx ≥ 0.9.0).
 */
function variableUses(tree: Dir[]): Map<string, string[]> {
  const out = new Map<string, string[]>()
  const walk = (ds: Dir[], inMap: boolean) => {
    for (const x of ds) {
      const isConnection = x.directive === 'proxy_set_header' && (x.args[0] ?? '').toLowerCase() === 'connection'
      const read = x.directive === 'map' || (x.directive === 'geo' && x.args.length >= 2) ? x.args.slice(0, 1) : x.directive === 'geo' ? [] : x.args
      if (!isConnection) {
        let seen: Set<string> | undefined
        for (const a of read) {
          if (!a.includes('$')) continue
          for (const m of a.matchAll(VARIABLE)) {
            const name = m[1] ?? m[2]
            if (seen?.has(name)) continue
            ;(seen ??= new Set()).add(name)
            let list = out.get(name)
            if (!list) out.set(name, (list = []))
            list.push(`${inMap ? 'a map entry' : x.directive} at ${x.file}:${x.line}`)
          }
        }
      }
      if (x.block) walk(x.block, x.directive === 'map')
    }
  }
  walk(tree, false)
  return out
}

export interface NginxModelInput {
  config: NginxConfig
  version: string | null
  versionSource: string
  source: string
  /** Third-party directives declared in .conntune.yaml. */
  declared?: DeclaredDirective[]
}

export function buildNginxModel(input: NginxModelInput): NginxModel {
  const {config} = input
  const version = input.version ?? ''
  const upstreamKeepaliveDefault = versionAtLeast(version, '1.29.7')
  const requestsDefault = versionAtLeast(version, '1.19.10') || !version ? '1000' : '100'
  const truncated: Array<{truncatedAt: number; truncatedChain: string[]}> = []
  const tree = inlineIncludes(config, {onTruncate: (limit, chain) => truncated.push({truncatedAt: limit, truncatedChain: chain})})
  const validation = validateNginx(tree, {version: input.version, declared: input.declared})
  const http = tree.find((d) => d.directive === 'http')
  // A conf.d snippet checked on its own has server{} at the top: it lives in http context.
  const httpBlock = http?.block ?? (tree.some((d) => d.directive === 'server' || d.directive === 'upstream') ? tree : [])
  const entry = config.entry

  const base: Level = {
    keepaliveTimeout: {...defaultSetting('keepalive_timeout', '75s', 75, 'nginx', insertAt(http ?? null, 'http', entry)), header: null},
    keepaliveRequests: defaultSetting('keepalive_requests', requestsDefault, Number(requestsDefault), version ? `nginx ${version}` : 'nginx ≥ 1.19.10; 100 before', insertAt(http ?? null, 'http', entry)),
    proxyHttpVersion: defaultSetting('proxy_http_version', upstreamKeepaliveDefault ? '1.1' : '1.0', null, upstreamKeepaliveDefault ? 'nginx ≥ 1.29.7' : version ? `nginx ${version}` : 'nginx before 1.29.7; 1.1 since', null),
    proxyReadTimeout: defaultSetting('proxy_read_timeout', '60s', 60, 'nginx', null),
    proxySetHeaders: null,
    proxySetHeadersFrom: 'default',
    sets: new SetsInScope(),
  }
  const httpLevel = applyLevel(base, httpBlock, 'http')

  const upstreams: NginxUpstream[] = []
  // By name, for explicit blocks and for the implicit ones proxy_pass creates.
  const explicitByName = new Map<string, NginxUpstream>()
  const implicitByName = new Map<string, NginxUpstream>()
  for (const d of httpBlock) {
    if (d.directive !== 'upstream' || !d.block) continue
    const at = insertAt(d, `upstream ${d.args[0]}`, entry)
    const u: NginxUpstream = {
      name: d.args[0] ?? '',
      implicit: false,
      file: d.file,
      line: d.line,
      col: d.col,
      servers: [],
      unixOnly: false,
      keepalive: upstreamKeepaliveDefault
        ? defaultSetting('keepalive', '32 local', 32, 'nginx ≥ 1.29.7', at)
        : defaultSetting('keepalive', null, 0, version ? `nginx ${version}: no idle connections kept` : 'nginx version unknown; none kept before 1.29.7', at),
      keepaliveTimeout: defaultSetting('keepalive_timeout', '60s', 60, 'nginx', at),
      keepaliveRequests: defaultSetting('keepalive_requests', requestsDefault, Number(requestsDefault), 'nginx', at),
      locations: [],
      observed: NOTHING_OBSERVED,
      locationHttpVersions: [],
      locationConnectionHeaders: [],
    }
    for (const x of d.block) {
      if (x.directive === 'server' && x.args[0]) {
        const a = parseNginxAddress(x.args[0], 80)
        u.servers.push({host: a.host, port: a.port, unix: a.unix, raw: a.raw, file: x.file, line: x.line})
      }
      else if (x.directive === 'keepalive') u.keepalive = explicitSetting(x, x.args.join(' '), /^\d+$/.test(x.args[0] ?? '') ? Number(x.args[0]) : null)
      else if (x.directive === 'keepalive_timeout') u.keepaliveTimeout = explicitSetting(x, x.args[0] ?? '', parseNginxTime(x.args[0] ?? ''))
      else if (x.directive === 'keepalive_requests') u.keepaliveRequests = explicitSetting(x, x.args[0] ?? '', /^\d+$/.test(x.args[0] ?? '') ? Number(x.args[0]) : null)
    }
    u.unixOnly = u.servers.length > 0 && u.servers.every((x) => x.unix !== null)
    upstreams.push(u)
    if (!explicitByName.has(u.name)) explicitByName.set(u.name, u)
  }

  const mapsAndGeos = variableSources(httpBlock)
  // Uses of a map's variable other than as the Connection header: editing the map changes them too.
  // Indexed in one walk of the tree on first need: a walk per map was quadratic on configs with
  // a map per tenant, each sent as some server's Connection header.
  let uses: Map<string, string[]> | undefined
  const otherUses = (name: string): string[] => {
    uses ??= variableUses(tree)
    return uses.get(name) ?? NO_USES
  }

  // The settings already listed in an upstream's locationHttpVersions / locationConnectionHeaders:
  // one upstream behind 100 000 server blocks is the common shape, and includes() was quadratic.
  const settingsSeen = new Map<NginxUpstream, Set<ConfigSetting>>()
  // One setting per proxy_set_header Connection line (and the level it is seen from), shared by the locations it applies to.
  const connectionSettings = new Map<Dir, ConfigSetting>()
  // A level's proxy_set_header list is the same array for every location that inherits it: its
  // Connection line is found once, not searched anew per location (n lines × n locations).
  const connectionOf = new Map<Dir[], Dir | undefined>()
  // keepalive_timeout set in any location (proxying or not) overrides the server's for it.
  const locationTimeouts: Array<{timeout: NginxServer['keepaliveTimeout']; who: string}> = []
  const servers: NginxServer[] = []
  const locations: NginxLocation[] = []
  for (const s of httpBlock) {
    if (s.directive !== 'server' || !s.block) continue
    const index = servers.length
    const level = applyLevel(httpLevel, s.block, 'server')
    const names = s.block.filter((d) => d.directive === 'server_name').flatMap((d) => d.args)
    const listen: NginxListen[] = s.block
      .filter((d) => d.directive === 'listen' && d.args[0])
      .map((d) => {
        const backlog = d.args.find((a) => a.startsWith('backlog='))
        const a = parseNginxAddress(d.args[0], 80)
        return {
          host: a.host,
          port: a.port,
          unix: a.unix,
          raw: a.raw,
          backlog: backlog ? Number(backlog.slice(8)) : null,
          soKeepalive: soKeepalive(d.args.find((a) => a.startsWith('so_keepalive='))),
          ssl: d.args.includes('ssl'),
          http2: d.args.includes('http2'),
          file: d.file,
          line: d.line,
        }
      })
    if (listen.length === 0) listen.push({host: '*', port: 80, unix: null, raw: '*:80 (default)', backlog: null, soKeepalive: null, ssl: false, http2: false, file: s.file, line: s.line})
    const label = `server ${names.filter((n) => n && n !== '_')[0] ?? '_'} (listen ${listen.map((l) => l.raw).join(', ')}) at ${s.file}:${s.line}`
    const serverAt = insertAt(s, 'server', entry)
    servers.push({
      index,
      file: s.file,
      line: s.line,
      col: s.col,
      names,
      listen,
      label,
      rejectOnly: rejectsOnly(s.block),
      keepaliveTimeout: level.keepaliveTimeout.explicit ? level.keepaliveTimeout : {...level.keepaliveTimeout, insertAt: serverAt},
      keepaliveRequests: level.keepaliveRequests.explicit ? level.keepaliveRequests : {...level.keepaliveRequests, insertAt: serverAt},
    })
    walkLocations(s.block, level, index, label)
  }

  function connectionSetting(conn: Dir, from: string): ConfigSetting {
    let s = connectionSettings.get(conn)
    if (!s) {
      s = {...explicitSetting(conn, conn.args[1] ?? '', null, from), name: 'proxy_set_header Connection'}
      connectionSettings.set(conn, s)
    }
    return s
  }


  // The last proxy_set_header Connection of a level's lines, once per list (see connectionOf).
  function lastConnection(headers: Dir[]): Dir | undefined {
    if (connectionOf.has(headers)) return connectionOf.get(headers)
    let found: Dir | undefined
    for (let i = headers.length - 1; i >= 0 && !found; i--) if ((headers[i].args[0] ?? '').toLowerCase() === 'connection') found = headers[i]
    connectionOf.set(headers, found)
    return found
  }

  function walkLocations(block: Dir[], parent: Level, server: number, serverLabel: string, parentPath = ''): void {
    for (const d of block) {
      if ((d.directive !== 'location' && d.directive !== 'if' && d.directive !== 'limit_except') || !d.block) continue
      const level = applyLevel(parent, d.block, d.directive)
      if (level.keepaliveTimeout !== parent.keepaliveTimeout) locationTimeouts.push({timeout: level.keepaliveTimeout, who: `${d.directive} ${d.args.join(' ')} in ${serverLabel}`})
      const pp = d.block.find((x) => x.directive === 'proxy_pass')
      // proxy_pass inside `if` in a location (Puma's and Passenger's documented sites) is that request's proxy config.
      if ((d.directive === 'location' || d.directive === 'if') && pp) {
        const target = parseProxyPass(pp.args[0] ?? '')
        const named = !target.dynamic && target.host && target.port === null ? explicitByName.get(target.host) : undefined
        let upstream = named?.name ?? null
        if (!named && !target.dynamic && (target.host || target.unix)) {
          // proxy_pass host:port without an upstream{} block: nginx makes an implicit upstream that never keeps connections.
          const name = target.unix ? `unix:${target.unix}` : `${target.host}:${target.port ?? (target.scheme === 'https' ? 443 : 80)}`
          let u = implicitByName.get(name)
          if (!u) {
            const addr: NginxUpstreamServer = target.unix
              ? {host: null, port: null, unix: target.unix, raw: `unix:${target.unix}`, file: pp.file, line: pp.line}
              : {host: target.host, port: target.port ?? (target.scheme === 'https' ? 443 : 80), unix: null, raw: name, file: pp.file, line: pp.line}
            u = {
              name,
              implicit: true,
              file: pp.file,
              line: pp.line,
              col: pp.col,
              servers: [addr],
              unixOnly: addr.unix !== null,
              keepalive: defaultSetting('keepalive', null, 0, 'implicit upstream: proxy_pass without an upstream{} block never keeps connections', null),
              keepaliveTimeout: defaultSetting('keepalive_timeout', '60s', 60, 'nginx', null),
              keepaliveRequests: defaultSetting('keepalive_requests', requestsDefault, Number(requestsDefault), 'nginx', null),
              locations: [],
              observed: NOTHING_OBSERVED,
              locationHttpVersions: [],
              locationConnectionHeaders: [],
            }
            upstreams.push(u)
            implicitByName.set(name, u)
          }
          upstream = name
        }
        const conn = level.proxySetHeaders ? lastConnection(level.proxySetHeaders) : undefined
        const locAt = insertAt(d, `location ${d.args.join(' ')}`, entry)
        const connectionHeader: ConfigSetting = conn
          ? connectionSetting(conn, level.proxySetHeadersFrom)
          : level.proxySetHeaders
            ? // Adding a line to a location that only inherits its proxy_set_header lines would drop them (nginx's rule): no place to insert.
              {...defaultSetting('proxy_set_header Connection', upstreamKeepaliveDefault ? '' : 'close', null, `this level's proxy_set_header lines (from ${level.proxySetHeadersFrom}) do not set it, so no outer one applies`, level.proxySetHeadersFrom === d.directive ? locAt : null)}
            : defaultSetting('proxy_set_header Connection', upstreamKeepaliveDefault ? '' : 'close', null, upstreamKeepaliveDefault ? 'nginx ≥ 1.29.7 sends none' : 'nginx before 1.29.7 sends "Connection: close"', locAt)
        const u = named ?? (upstream ? implicitByName.get(upstream) : undefined)
        const httpVersion = level.proxyHttpVersion.explicit ? level.proxyHttpVersion : {...level.proxyHttpVersion, insertAt: locAt}
        const connection = resolveConnection(connectionHeader, mapsAndGeos, level.sets, otherUses)
        const reusesUpstream = !!u && (u.keepalive.num ?? 0) > 0 && httpVersion.value !== '1.0' && connection.closes !== true
        const index = locations.length
        locations.push({
          server,
          serverLabel,
          path: d.directive === 'if' ? `${parentPath} if (${d.args.join(' ')})` : d.args.join(' '),
          file: d.file,
          line: d.line,
          col: d.col,
          proxyPass: {raw: target.raw, scheme: target.scheme, host: target.host, port: target.port, unix: target.unix, dynamic: target.dynamic, file: pp.file, line: pp.line, upstream},
          proxyHttpVersion: httpVersion,
          connectionHeader,
          connection,
          proxyReadTimeout: level.proxyReadTimeout,
          keepaliveTimeout: level.keepaliveTimeout,
          reusesUpstream,
          upstreamKeepalive: u?.keepalive.num ?? 0,
          upstreamImplicit: u?.implicit ?? false,
        })
        if (u) {
          u.locations.push(index)
          let seen = settingsSeen.get(u)
          if (!seen) settingsSeen.set(u, (seen = new Set()))
          if (!seen.has(httpVersion)) u.locationHttpVersions.push(httpVersion)
          if (!seen.has(connectionHeader)) u.locationConnectionHeaders.push(connectionHeader)
          seen.add(httpVersion).add(connectionHeader)
        }
      }
      walkLocations(d.block, level, server, serverLabel, d.directive === 'location' ? d.args.join(' ') : parentPath)
    }
  }

  // Settings are shared objects (see applyLevel), so a line that decides many servers is one key.
  const timeouts = new Map<ConfigSetting, NginxModel['clientKeepalive'][number]>()
  const defaultTimeouts: NginxModel['clientKeepalive'][number] = {timeout: base.keepaliveTimeout, appliesTo: []}
  const addTimeout = (t: NginxServer['keepaliveTimeout'], who: string) => {
    if (!t.explicit) {
      defaultTimeouts.appliesTo.push(who)
      return
    }
    let g = timeouts.get(t)
    if (!g) timeouts.set(t, (g = {timeout: t, appliesTo: []}))
    g.appliesTo.push(who)
  }
  for (const s of servers) if (!s.rejectOnly) addTimeout(s.keepaliveTimeout, s.label)
  for (const l of locationTimeouts) addTimeout(l.timeout, l.who)
  const requests = new Map<ConfigSetting, NginxModel['keepaliveRequests'][number]>()
  const addRequests = (r: ConfigSetting, side: 'client' | 'upstream', who: string) => {
    if (!r.explicit) return
    let g = requests.get(r)
    if (!g) requests.set(r, (g = {...r, side, appliesTo: []}))
    g.appliesTo.push(who)
  }
  for (const s of servers) if (!s.rejectOnly) addRequests(s.keepaliveRequests, 'client', s.label)
  for (const u of upstreams) if (!u.implicit) addRequests(u.keepaliveRequests, 'upstream', `upstream ${u.name}`)
  const clientKeepalive = [...timeouts.values(), ...(defaultTimeouts.appliesTo.length > 0 ? [defaultTimeouts] : [])]

  return {
    present: true,
    ...truncated[0],
    version,
    versionKnown: version !== '',
    versionSource: input.versionSource,
    upstreamKeepaliveDefault,
    entry,
    source: input.source,
    files: config.files.map((f) => f.file),
    servers,
    locations,
    upstreams,
    clientKeepalive,
    keepaliveRequests: [...requests.values()],
    directiveProblems: validation.problems,
    validation: {table: validation.table, note: validation.tableNote},
  }
}

// A server that answers every request with a rejection: `return 444` (close without a
// response) or `return 4xx` at server level runs before any location is chosen; `deny all`
// at server level with no `allow` anywhere denies every location (ngx_http_rewrite_module,
// ngx_http_access_module). Locations that only return 4xx count as rejecting too.
function rejectsOnly(block: Dir[]): boolean {
  const rejects = (d: Dir) => d.directive === 'return' && /^(444|4\d\d)$/.test(d.args[0] ?? '')
  if (block.some(rejects)) return true
  const serving = (ds: Dir[]): boolean => ds.some((d) => ['proxy_pass', 'fastcgi_pass', 'uwsgi_pass', 'scgi_pass', 'grpc_pass', 'memcached_pass', 'allow', 'root', 'alias', 'try_files', 'index'].includes(d.directive) || (d.directive === 'return' && !rejects(d)) || (!!d.block && d.directive !== 'location' && serving(d.block)))
  const locations = block.filter((d) => d.directive === 'location' && d.block)
  if (block.some((d) => d.directive === 'deny' && d.args[0] === 'all') && !serving(block.filter((d) => d.directive !== 'location')) && !locations.some((l) => l.block!.some((d) => d.directive === 'allow'))) return true
  return locations.length > 0 && !serving(block.filter((d) => d.directive !== 'location')) && locations.every((l) => l.block!.some(rejects))
}
