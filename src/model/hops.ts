// The request path as hops: (client, server) pairs with both sides' idle timeouts. On a hop
// that reuses idle connections the server must keep them longer than the client, or the
// client sends a request on a connection the server is closing and the proxy answers 502
// (FACTS.md "The alignment rule").
import type {HopLogs} from './evidence.js'
import type {Frontend} from './frontends.js'
import {endpointMatches, endpointText, type Endpoint} from './servers/address-match.js'
import {ListenerIndex} from './servers/endpoint-index.js'
import type {GunicornApp} from './servers/gunicorn.js'
import type {LighttpdModel} from './servers/lighttpd.js'
import {NOTHING_OBSERVED, type NginxModel, type NginxUpstream} from './servers/nginx.js'
import {defaultSetting, locText, type ConfigSetting} from './servers/setting.js'
import type {Destination} from './types.js'

/** A backend on another host, described in .conntune.yaml. */
export interface DeclaredBackend {
  address: string
  kind: string
  name?: string
  idleTimeout?: number
  keepsIdleConnections?: boolean
  file: string
}

export interface HopEnd {
  kind: 'frontend' | 'nginx' | 'lighttpd' | 'gunicorn' | 'declared' | 'probed' | 'unknown'
  /** How findings name it: "upstream app at FILE:LINE", "gunicorn app.service". */
  name: string
  /** Seconds an idle connection is kept by this end, with where that comes from. */
  idle: ConfigSetting
  file: string | null
  line: number | null
}

export interface Hop {
  /**
   * frontend: a balancer that pools connections → the first server; flow: an L4 balancer that
   * only tracks flows (the end client owns the connection) → the first server; upstream: nginx → backend.
   */
  kind: 'frontend' | 'flow' | 'upstream'
  /** The address the client connects to. */
  target: string
  client: HopEnd
  server: HopEnd
  /** Idle connections are reused on this hop (the client pools them and the server keeps them). */
  reuse: boolean
  /** Why (or why not), in words. */
  reuseReason: string
  /** nginx ≥ 1.29.7 turned reuse on by default for this upstream (no keepalive line). */
  reuseByUpgradeDefault: boolean
  /** nginx proxy_read_timeout toward this backend (shortest over the locations), seconds. */
  proxyReadTimeout: number | null
  /** gunicorn's worker timeout, when the server is gunicorn. */
  serverTimeout: ConfigSetting | null
  /**
   * The worker timeout bounds how long one request may run: only with the sync worker. For
   * gthread, gevent, eventlet and ASGI workers it is a heartbeat (gunicorn docs,
   * settings#timeout). null when the worker class is not known.
   */
  serverTimeoutKills: boolean | null
  /** Sockets observed toward the target. */
  observed: {timeWait: number; total: number; percent: number}
  /** nginx's logs toward the target (filled in by the host model, evidence.ts). */
  logs?: HopLogs
}

/** gunicorn kills a worker silent for `timeout` seconds; only the sync worker is silent while a request runs. */
function timeoutKills(app: GunicornApp): boolean | null {
  if (app.workerFamily === 'sync') return true
  return app.workerFamily === 'custom' ? null : false
}

function parseAddress(raw: string): Endpoint {
  if (raw.startsWith('unix:')) return {host: null, port: null, unix: raw.slice(5)}
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(raw) ?? /^([^:]+):(\d+)$/.exec(raw)
  return m ? {host: m[1].toLowerCase(), port: Number(m[2]), unix: null} : {host: raw.toLowerCase(), port: 80, unix: null}
}

function frontendSetting(f: Frontend): ConfigSetting {
  return {name: 'idle timeout', value: `${f.idleTimeout}s`, num: f.idleTimeout, explicit: true, origin: f.source, file: null, line: null, col: null, insertAt: null}
}

interface Inputs {
  frontend: Frontend | null
  nginx: NginxModel | null
  lighttpd: LighttpdModel | null
  apps: GunicornApp[]
  declared: DeclaredBackend[]
  destinations: Destination[]
}

type Listener = {kind: 'gunicorn'; app: GunicornApp} | {kind: 'nginx'; server: NginxModel['servers'][number]} | {kind: 'lighttpd'; lighttpd: LighttpdModel}

/** Everything listening on this host, in the order resolveBackend prefers it: gunicorn, nginx, lighttpd. */
function listenerIndex(inp: Inputs): ListenerIndex<Listener> {
  const index = new ListenerIndex<Listener>()
  for (const app of inp.apps) for (const b of app.bind) index.add(b, {kind: 'gunicorn', app})
  for (const server of inp.nginx?.servers ?? []) for (const l of server.listen) index.add(l, {kind: 'nginx', server})
  if (inp.lighttpd?.present) for (const x of inp.lighttpd.listen) index.add({host: x.host, port: x.port, unix: null}, {kind: 'lighttpd', lighttpd: inp.lighttpd})
  return index
}

type Backend = {end: HopEnd; keeps: boolean | 'unknown'; timeout: ConfigSetting | null; kills?: boolean | null}

/** What listens at an address on this host (or is declared for another host). */
function resolveBackend(target: Endpoint, inp: Inputs, listeners: ListenerIndex<Listener>): Backend | null {
  const found = listeners.first(target)
  if (found?.kind === 'gunicorn') {
    const app = found.app
    const idle: ConfigSetting =
      app.idleSeconds !== null
        ? {...app.keepalive, num: app.idleSeconds}
        : {...app.keepalive, num: app.keepsIdleConnections === false ? 0 : null, unresolved: app.keepsIdleConnections === false ? undefined : `the ${app.workerFamily} worker decides its idle timeout`}
    return {end: {kind: 'gunicorn', name: `gunicorn ${app.name} (${app.workerFamily} worker)`, idle, file: app.file, line: app.line}, keeps: app.keepsIdleConnections, timeout: app.timeout, kills: timeoutKills(app)}
  }
  if (found?.kind === 'nginx') {
    const s = found.server
    return {end: {kind: 'nginx', name: s.label, idle: s.keepaliveTimeout, file: s.file, line: s.line}, keeps: (s.keepaliveTimeout.num ?? 1) > 0, timeout: null}
  }
  if (found?.kind === 'lighttpd') {
    const lt = found.lighttpd
    const idle = lt.scopes[0].keepAliveIdle
    return {end: {kind: 'lighttpd', name: `lighttpd ${lt.entry}`, idle, file: lt.entry, line: 1}, keeps: (idle.num ?? 1) > 0 && (lt.scopes[0].keepAliveRequests.num ?? 1) > 0, timeout: null}
  }
  // Declared backends come from the user's .conntune.yaml: few, and matched both ways.
  for (const d of inp.declared) {
    if (!endpointMatches(target, parseAddress(d.address)) && !endpointMatches(parseAddress(d.address), target)) continue
    const idle: ConfigSetting =
      d.idleTimeout !== undefined
        ? {name: 'idleTimeout', value: `${d.idleTimeout}s`, num: d.idleTimeout, explicit: true, origin: `declared in ${d.file}`, file: d.file, line: null, col: null, insertAt: null}
        : defaultSetting('idleTimeout', null, null, `not declared in ${d.file}`, null)
    return {end: {kind: 'declared', name: `${d.kind} ${d.name ?? d.address} (declared in ${d.file})`, idle, file: d.file, line: null}, keeps: d.keepsIdleConnections ?? d.idleTimeout !== 0, timeout: null}
  }
  return null
}

type Observed = Hop['observed']

// Shared by every hop whose backend is unknown (nothing writes to a setting).
const UNKNOWN_IDLE: ConfigSetting = Object.freeze(defaultSetting('idle timeout', null, null, 'unknown', null))

/** Sockets toward each upstream server, from one pass over the destinations. */
function observedByServer(nginx: NginxModel, destinations: Destination[]): Map<Endpoint, Observed> {
  const out = new Map<Endpoint, Observed>()
  if (destinations.length === 0) return out
  const servers = new ListenerIndex<Endpoint>()
  for (const u of nginx.upstreams) if (u.locations.length > 0) for (const srv of u.servers) servers.add(srv, srv)
  for (const d of destinations) {
    for (const srv of servers.all({host: d.ip, port: d.port, unix: null})) {
      const o = out.get(srv) ?? NOTHING_OBSERVED
      out.set(srv, {timeWait: o.timeWait + d.timeWait, total: o.total + d.total, percent: Math.max(o.percent, d.percent)})
    }
  }
  return out
}

function upstreamHops(u: NginxUpstream, nginx: NginxModel, inp: Inputs, listeners: ListenerIndex<Listener>, observed: Map<Endpoint, Observed>): Hop[] {
  const locations = u.locations.map((i) => nginx.locations[i])
  const pooled = !u.implicit && (u.keepalive.num ?? 0) > 0
  const reusingLocations = locations.filter((l) => l.reusesUpstream)
  // A loop, not Math.min(...list): one upstream behind 150 000 locations is past what a spread passes.
  let shortestRead: number | null = null
  for (const l of locations) {
    const n = l.proxyReadTimeout.num
    if (n !== null && (shortestRead === null || n < shortestRead)) shortestRead = n
  }
  const client: HopEnd = {
    kind: 'nginx',
    name: `nginx upstream ${u.name} (${u.implicit ? `proxy_pass at ${u.file}:${u.line}` : `${u.file}:${u.line}`})`,
    idle: u.keepaliveTimeout,
    file: u.file,
    line: u.line,
  }
  return u.servers.map((srv) => {
    const target = endpointText(srv)
    const backend = resolveBackend(srv, inp, listeners)
    const keeps = backend?.keeps ?? 'unknown'
    let reason: string
    if (u.implicit) reason = 'proxy_pass without an upstream{} block: nginx keeps no idle connections'
    else if (!pooled) reason = `upstream ${u.name} keeps no idle connections (${u.keepalive.origin})`
    else if (reusingLocations.length === 0) reason = `no location proxying to ${u.name} sends HTTP/1.1 with the Connection header cleared`
    else if (keeps === false) reason = `${backend!.end.name} closes after every response`
    else reason = `nginx pools up to ${u.keepalive.num} idle connections (${u.keepalive.origin}) and ${reusingLocations.length} location(s) reuse them`
    const reuse = pooled && reusingLocations.length > 0 && keeps !== false
    return {
      kind: 'upstream' as const,
      target,
      client,
      server: backend?.end ?? {kind: 'unknown' as const, name: target, idle: UNKNOWN_IDLE, file: null, line: null},
      reuse,
      reuseReason: reason,
      reuseByUpgradeDefault: reuse && !u.keepalive.explicit && nginx.upstreamKeepaliveDefault,
      proxyReadTimeout: shortestRead,
      serverTimeout: backend?.timeout ?? null,
      serverTimeoutKills: backend?.kills ?? null,
      observed: observed.get(srv) ?? NOTHING_OBSERVED,
    }
  })
}

/** The first server behind the load balancer: what faces clients on this host. */
function frontendHops(inp: Inputs): Hop[] {
  const f = inp.frontend
  if (!f) return []
  // A TCP pass-through balancer pools nothing: the end client owns the connection, and the
  // balancer only forgets idle flows (FACTS.md "L4 balancers and NAT are not pools").
  const kind = f.pools ? ('frontend' as const) : f.tracksFlows ? ('flow' as const) : null
  if (!kind) return []
  const client: HopEnd = {kind: 'frontend', name: `${f.name} load balancer`, idle: frontendSetting(f), file: null, line: null}
  const base = {kind, client, reuseByUpgradeDefault: false, proxyReadTimeout: null, serverTimeout: null, serverTimeoutKills: null, observed: NOTHING_OBSERVED}
  const hops: Hop[] = []
  if (inp.nginx) {
    for (const g of inp.nginx.clientKeepalive) {
      const keeps = (g.timeout.num ?? 1) > 0
      hops.push({...base, target: g.appliesTo.join('; '), server: {kind: 'nginx', name: g.appliesTo.length === 1 ? g.appliesTo[0] : `${g.appliesTo.length} nginx servers/locations`, idle: g.timeout, file: g.timeout.file, line: g.timeout.line}, reuse: keeps, reuseReason: keeps ? `${kind === 'flow' ? 'clients reuse connections through the balancer' : 'the load balancer pools connections'} and nginx keeps them` : 'nginx has keep-alive off'})
    }
  }
  if (inp.lighttpd?.present) {
    for (const sc of inp.lighttpd.scopes) {
      const keeps = (sc.keepAliveIdle.num ?? 1) > 0 && (sc.keepAliveRequests.num ?? 1) > 0
      hops.push({...base, target: sc.label, server: {kind: 'lighttpd', name: `lighttpd ${sc.label === 'global' ? inp.lighttpd.entry : sc.label}`, idle: sc.keepAliveIdle, file: sc.keepAliveIdle.file ?? sc.file, line: sc.keepAliveIdle.line ?? sc.line}, reuse: keeps, reuseReason: keeps ? `${kind === 'flow' ? 'clients reuse connections through the balancer' : 'the load balancer pools connections'} and lighttpd keeps them` : 'lighttpd has keep-alive off'})
    }
  }
  // gunicorn faces the load balancer only when nothing on this host proxies to it.
  const proxied = (app: GunicornApp) => app.proxiedBy.length > 0 || (inp.lighttpd?.proxies ?? []).some((p) => app.bind.some((b) => endpointMatches({host: p.host, port: p.port, unix: null}, b)))
  if (!inp.nginx && !inp.lighttpd?.present) {
    for (const app of inp.apps.filter((a) => !proxied(a))) {
      const keeps = app.keepsIdleConnections !== false
      const idle: ConfigSetting = {...app.keepalive, num: app.idleSeconds ?? (keeps ? null : 0)}
      hops.push({...base, target: app.bind.map((b) => b.raw).join(', '), server: {kind: 'gunicorn', name: `gunicorn ${app.name} (${app.workerFamily} worker)`, idle, file: app.keepalive.file ?? app.file, line: app.keepalive.line ?? app.line}, reuse: keeps, reuseReason: keeps ? `${kind === 'flow' ? 'clients reuse connections through the balancer' : 'the load balancer pools connections'} and gunicorn keeps them` : `the ${app.workerFamily} worker closes after every response`, serverTimeout: app.timeout, serverTimeoutKills: timeoutKills(app)})
    }
  }
  return hops
}

export function buildHops(inp: Inputs): Hop[] {
  const hops = frontendHops(inp)
  if (!inp.nginx) return hops
  const listeners = listenerIndex(inp)
  const observed = observedByServer(inp.nginx, inp.destinations)
  for (const u of inp.nginx.upstreams) if (u.locations.length > 0) for (const h of upstreamHops(u, inp.nginx, inp, listeners, observed)) hops.push(h)
  return hops
}

export {locText}
