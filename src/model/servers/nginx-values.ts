// nginx's value syntaxes (ngx_parse_time, ngx_parse_size, listen, proxy_pass URLs).

const TIME_UNITS: Record<string, number> = {ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, M: 2592000, y: 31536000}

/** "75s", "75", "1m30s", "500ms" → seconds; null when not a valid nginx time. */
export function parseNginxTime(text: string): number | null {
  if (/^\d+$/.test(text)) return Number(text)
  let total = 0
  let rest = text
  let matched = false
  while (rest.length > 0) {
    const m = /^(\d+)(ms|s|m|h|d|w|M|y)/.exec(rest)
    if (!m) return null
    total += Number(m[1]) * TIME_UNITS[m[2]]
    rest = rest.slice(m[0].length)
    matched = true
  }
  return matched ? total : null
}

export interface NginxAddress {
  /** "127.0.0.1", "::1", "*", a name, or null for unix sockets. */
  host: string | null
  port: number | null
  unix: string | null
  /** As written. */
  raw: string
}

/** A listen/server address: "8080", "127.0.0.1:8080", "[::1]:80", "*:80", "localhost", "unix:/run/app.sock". */
export function parseNginxAddress(raw: string, defaultPort: number | null): NginxAddress {
  if (raw.startsWith('unix:')) return {host: null, port: null, unix: raw.slice(5), raw}
  let m = /^\[([^\]]+)\](?::(\d+))?$/.exec(raw)
  if (m) return {host: m[1].toLowerCase(), port: m[2] ? Number(m[2]) : defaultPort, unix: null, raw}
  if (/^\d+$/.test(raw)) return {host: '*', port: Number(raw), unix: null, raw}
  m = /^([^:]+)(?::(\d+))?$/.exec(raw)
  if (m) return {host: m[1].toLowerCase(), port: m[2] ? Number(m[2]) : defaultPort, unix: null, raw}
  return {host: raw, port: defaultPort, unix: null, raw}
}

export interface ProxyTarget {
  raw: string
  scheme: string
  /** Host part as written (an upstream name, a host name or an address). */
  host: string | null
  port: number | null
  unix: string | null
  /** The URL contains variables: resolved at request time, unknown here. */
  dynamic: boolean
}

/** proxy_pass http://backend, https://10.0.0.2:8443/api/, http://unix:/run/app.sock:/, $scheme://$host */
export function parseProxyPass(raw: string): ProxyTarget {
  const m = /^([a-z]+):\/\/(.*)$/i.exec(raw)
  if (!m) return {raw, scheme: '', host: null, port: null, unix: null, dynamic: raw.includes('$')}
  const scheme = m[1].toLowerCase()
  const rest = m[2]
  if (rest.startsWith('unix:')) {
    const path = rest.slice(5).split(':')[0]
    return {raw, scheme, host: null, port: null, unix: path, dynamic: path.includes('$')}
  }
  const hostPort = rest.split('/')[0]
  const dynamic = hostPort.includes('$')
  const a = parseNginxAddress(hostPort, null)
  return {raw, scheme, host: a.host, port: a.port, unix: null, dynamic}
}
