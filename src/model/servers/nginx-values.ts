// nginx's value syntaxes as the model reads them (times, listen, proxy_pass URLs).

import {ngxParseTime} from '../../parsers/nginx/values.js'

/**
 * "75s", "75", "1m30s", "500ms" → seconds; null when nginx would refuse it (ngx_parse_time:
 * msec slots such as keepalive_timeout refuse y and M; `isSec` slots refuse ms).
 */
export function parseNginxTime(text: string, isSec = false): number | null {
  const v = ngxParseTime(text, isSec)
  return v === null ? null : isSec ? v : v / 1000
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
