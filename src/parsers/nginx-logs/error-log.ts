// One nginx error-log line → its time, signature, upstream and request method.
// Format (ngx_log_error_core + ngx_http_log_error): "YYYY/MM/DD HH:MM:SS [level] PID#TID:
// *CONN message while ACTION, client: A, server: S, request: "M URI V", upstream:
// "SCHEME://PEER/URI", host: "H"". The time is the host's local time, hence utcOffsetMinutes.
import {classify, type Signature} from './signatures.js'

export interface ErrorLogEvent {
  /** ms since the epoch, or null when the line's time could not be read. */
  time: number | null
  signature: Signature
  /** The peer nginx talked to: "127.0.0.1:8000", "[::1]:8000", "unix:/run/app.sock"; null if absent. */
  upstream: string | null
  method: string | null
}

const HEAD = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2}) \[[a-z]+\] /

/** "http://127.0.0.1:8000/a" or "http://unix:/run/app.sock:/a" → the peer part. */
export function upstreamPeer(url: string): string | null {
  const m = /^[a-z][a-z0-9+.-]*:\/\/(.*)$/i.exec(url)
  const rest = m ? m[1] : url
  if (rest.startsWith('unix:')) {
    // ngx_http_log_error puts ":" between a unix peer's name and the URI.
    const end = rest.indexOf(':/', 5)
    return end > 5 ? rest.slice(0, end) : rest
  }
  const slash = rest.indexOf('/')
  const peer = slash === -1 ? rest : rest.slice(0, slash)
  return peer.length > 0 ? peer.toLowerCase() : null
}

export function parseErrorLogLine(line: string, utcOffsetMinutes: number): ErrorLogEvent | null {
  const signature = classify(line)
  if (!signature) return null
  const h = HEAD.exec(line)
  let time: number | null = null
  if (h) {
    const t = Date.UTC(+h[1], +h[2] - 1, +h[3], +h[4], +h[5], +h[6])
    time = Number.isNaN(t) ? null : t - utcOffsetMinutes * 60_000
  }
  const up = /, upstream: "([^"]*)"/.exec(line)
  const req = /, request: "([A-Z]+) /.exec(line)
  return {time, signature, upstream: up ? upstreamPeer(up[1]) : null, method: req ? req[1] : null}
}
