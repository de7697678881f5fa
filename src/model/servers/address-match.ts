// Does a client's target address reach a server's listening address on the same host?
// Wildcard binds (0.0.0.0, ::, *) accept every local address; localhost, 127.0.0.0/8 and
// ::1 are all loopback; an IPv6 wildcard accepts IPv4 too (Linux default bindv6only=0);
// unix sockets match by path.

export interface Endpoint {
  host: string | null
  port: number | null
  unix: string | null
}

const WILDCARD4 = new Set(['0.0.0.0', '*', ''])
const WILDCARD6 = new Set(['::', '[::]'])

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.') || host === 'ip6-localhost'
}

export function endpointMatches(target: Endpoint, listener: Endpoint): boolean {
  if (target.unix || listener.unix) return !!target.unix && target.unix === listener.unix
  if (target.port === null || listener.port === null || target.port !== listener.port) return false
  const t = (target.host ?? '').toLowerCase()
  const l = (listener.host ?? '').toLowerCase()
  if (WILDCARD4.has(l)) return !t.includes(':') || t === '::ffff:' || isLoopback(t)
  if (WILDCARD6.has(l)) return true
  if (t === l) return true
  return isLoopback(t) && isLoopback(l) && (t === 'localhost' || l === 'localhost' || t.includes(':') === l.includes(':'))
}

export function endpointText(e: Endpoint): string {
  if (e.unix) return `unix:${e.unix}`
  const host = e.host && e.host.includes(':') ? `[${e.host}]` : e.host
  return `${host}:${e.port}`
}
