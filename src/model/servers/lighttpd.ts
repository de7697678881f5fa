// lighttpd configuration → effective keep-alive settings per scope (global, and each
// conditional block that sets them), with version-dependent defaults (FACTS.md "lighttpd").
import type {LighttpdEffective, LighttpdSetting, LighttpdValue} from '../../parsers/lighttpd/types.js'
import {versionAtLeast} from '../../version.js'
import {defaultSetting, type ConfigSetting} from './setting.js'

export interface LighttpdScope {
  /** "global", or the condition path: $SERVER["socket"] == ":443" */
  label: string
  file: string
  line: number
  keepAliveIdle: ConfigSetting
  keepAliveRequests: ConfigSetting
  readIdle: ConfigSetting
  writeIdle: ConfigSetting
}

export interface LighttpdModel {
  present: true
  version: string
  versionKnown: boolean
  versionSource: string
  entry: string
  files: string[]
  /** Global first, then each conditional block that sets a keep-alive or idle setting. */
  scopes: LighttpdScope[]
  listen: Array<{host: string; port: number | null; file: string | null; line: number | null}>
  listenBacklog: ConfigSetting
  /** mod_proxy targets (proxy.server hosts), for the request path. */
  proxies: Array<{host: string; port: number; file: string; line: number}>
  /** include_shell output is unknown: settings it makes are invisible here. */
  shellIncludes: Array<{command: string; file: string; line: number}>
  /** Integer options given a string lighttpd refuses ("abc", "10x", "-5"): it will not start. */
  valueProblems: Array<{name: string; value: string; file: string; line: number; message: string}>
}

// Integer options lighttpd 1.4.69 declares T_CONFIG_SHORT (0..65535) or T_CONFIG_INT.
const INTEGER_OPTIONS: Record<string, number> = {
  'server.max-keep-alive-idle': 65535,
  'server.max-keep-alive-requests': 65535,
  'server.max-read-idle': 65535,
  'server.max-write-idle': 65535,
  'server.port': 65535,
  'server.listen-backlog': 2147483647,
}

/**
 * A string given for an integer option, read as lighttpd reads it (configfile-glue.c:
 * strtol, base 10, leading blanks and a sign allowed, nothing after the digits, in range);
 * null when lighttpd refuses it ("got a string but expected a short").
 */
export function lighttpdIntegerString(text: string, max: number): number | null {
  if (!/^[ \t\n\v\f\r]*[+-]?\d+$/.test(text)) return null
  const n = Number(text.trim())
  return n >= 0 && n <= max ? n : null
}

function valueText(v: LighttpdValue): string | null {
  if (v.type === 'string') return v.value
  if (v.type === 'integer') return String(v.value)
  return null
}

function fromSetting(name: string, s: LighttpdSetting): ConfigSetting {
  const text = valueText(s.value)
  // A string lighttpd refuses has no value: the server does not start (valueProblems says so).
  const num = s.value.type === 'integer' ? s.value.value : text !== null ? lighttpdIntegerString(text, INTEGER_OPTIONS[name] ?? 2147483647) : null
  return {
    name,
    value: text,
    num,
    explicit: true,
    origin: `set at ${s.file}:${s.line}`,
    file: s.file,
    line: s.line,
    col: 1,
    insertAt: null,
    ...(s.value.type === 'unresolved' ? {unresolved: s.value.reason} : {}),
  }
}

function collectArrayStrings(v: LighttpdValue, out: string[][] = [], path: string[] = []): string[][] {
  if (v.type === 'array') for (const item of v.items) collectArrayStrings(item.value, out, item.key ? [...path, item.key] : path)
  else if (v.type === 'string' || v.type === 'integer') out.push([...path, String(v.value)])
  return out
}

export function buildLighttpdModel(input: {effective: LighttpdEffective; entry: string; files: string[]; version: string | null; versionSource: string}): LighttpdModel {
  const {effective: eff, entry} = input
  const version = input.version ?? ''
  const requestsDefault = !version || versionAtLeast(version, '1.4.65') ? 1000 : versionAtLeast(version, '1.4.46') ? 100 : 16
  const at = {file: entry, line: 1, col: 1, context: 'global'}
  const defaults = {
    idle: defaultSetting('server.max-keep-alive-idle', '5', 5, 'lighttpd', at),
    requests: defaultSetting('server.max-keep-alive-requests', String(requestsDefault), requestsDefault, version ? `lighttpd ${version}` : 'lighttpd ≥ 1.4.65; 100 from 1.4.46, 16 before', at),
    read: defaultSetting('server.max-read-idle', '60', 60, 'lighttpd', at),
    write: defaultSetting('server.max-write-idle', '360', 360, 'lighttpd', at),
  }
  const pick = (settings: Record<string, LighttpdSetting>, key: string, fallback: ConfigSetting) => (settings[key] ? fromSetting(key, settings[key]) : fallback)
  const global: LighttpdScope = {
    label: 'global',
    file: entry,
    line: 1,
    keepAliveIdle: pick(eff.global, 'server.max-keep-alive-idle', defaults.idle),
    keepAliveRequests: pick(eff.global, 'server.max-keep-alive-requests', defaults.requests),
    readIdle: pick(eff.global, 'server.max-read-idle', defaults.read),
    writeIdle: pick(eff.global, 'server.max-write-idle', defaults.write),
  }
  const scopes = [global]
  const keys = ['server.max-keep-alive-idle', 'server.max-keep-alive-requests', 'server.max-read-idle', 'server.max-write-idle']
  for (const c of eff.conditions) {
    if (!keys.some((k) => c.settings[k])) continue
    const cc = c as typeof c & {file?: string; line?: number}
    scopes.push({
      label: c.path.join(' → '),
      file: cc.file ?? entry,
      line: cc.line ?? 1,
      keepAliveIdle: pick(c.settings, keys[0], global.keepAliveIdle),
      keepAliveRequests: pick(c.settings, keys[1], global.keepAliveRequests),
      readIdle: pick(c.settings, keys[2], global.readIdle),
      writeIdle: pick(c.settings, keys[3], global.writeIdle),
    })
  }

  const listen: LighttpdModel['listen'] = []
  const port = eff.global['server.port']
  const bind = eff.global['server.bind']
  listen.push({host: bind ? (valueText(bind.value) ?? '*') : '*', port: port ? Number(valueText(port.value)) : 80, file: port?.file ?? bind?.file ?? null, line: port?.line ?? bind?.line ?? null})
  for (const c of eff.conditions) {
    const m = /^\$SERVER\["socket"\] == "(.*)"$/.exec(c.path[c.path.length - 1] ?? '')
    if (!m) continue
    const sock = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(m[1])
    if (sock) listen.push({host: sock[1] ?? (sock[2] || '*'), port: Number(sock[3]), file: (c as {file?: string}).file ?? null, line: (c as {line?: number}).line ?? null})
  }

  const proxies: LighttpdModel['proxies'] = []
  for (const scope of [{settings: eff.global}, ...eff.conditions]) {
    const ps = scope.settings['proxy.server']
    if (!ps) continue
    // proxy.server = ("" => (("host" => "127.0.0.1", "port" => 8000)))
    const flat = collectArrayStrings(ps.value)
    const hosts = flat.filter((p) => p[p.length - 2] === 'host').map((p) => p[p.length - 1])
    const ports = flat.filter((p) => p[p.length - 2] === 'port').map((p) => Number(p[p.length - 1]))
    hosts.forEach((h, i) => proxies.push({host: h, port: ports[i] ?? 80, file: ps.file, line: ps.line}))
  }

  const valueProblems: LighttpdModel['valueProblems'] = []
  for (const scope of [{settings: eff.global}, ...eff.conditions]) {
    for (const [name, max] of Object.entries(INTEGER_OPTIONS)) {
      const set = scope.settings[name]
      if (!set || set.value.type !== 'string' || lighttpdIntegerString(set.value.value, max) !== null) continue
      const kind = max === 65535 ? 'a short' : 'an integer'
      valueProblems.push({name, value: set.value.value, file: set.file, line: set.line, message: `${name} = "${set.value.value}": got a string but expected ${kind} (a whole number 0..${max}, written without quotes)`})
    }
  }

  const backlog = eff.global['server.listen-backlog']
  return {
    present: true,
    version,
    versionKnown: version !== '',
    versionSource: input.versionSource,
    entry,
    files: input.files,
    scopes,
    listen,
    listenBacklog: backlog ? fromSetting('server.listen-backlog', backlog) : defaultSetting('server.listen-backlog', '1024', 1024, 'lighttpd', at),
    proxies,
    shellIncludes: eff.shellIncludes.map((s) => ({command: s.command, file: s.file, line: s.line})),
    valueProblems,
  }
}
