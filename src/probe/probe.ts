// Measure what cannot be read: open one keep-alive HTTP/1.1 connection to a backend, send one
// request, and time how long the server keeps the idle connection before closing it. A raw
// socket, so nothing (no agent, no pool) sits between conntune and what the server does.
import {connect, isIP, type Socket} from 'node:net'
import {UserError} from '../errors.js'
import type {MeasuredBackend} from '../model/measured.js'

export interface ProbeTarget {
  /** As the user wrote it. */
  raw: string
  /** How hops name it: "127.0.0.1:8000", "unix:/run/app.sock". */
  target: string
  host: string | null
  port: number | null
  unix: string | null
  path: string
}

export interface ProbeOptions {
  method: 'HEAD' | 'GET'
  /** Stop waiting for the server to close after this many seconds of idleness. */
  maxIdleSeconds: number
  /** Bound on the whole probe (connect, response, idle wait). */
  timeoutSeconds: number
}

export interface ProbeResult extends MeasuredBackend {
  url: string
  status: number | null
  /** The response said Connection: close. */
  connectionClose: boolean
}

const MAX_HEAD = 64 * 1024
const MAX_BODY = 1024 * 1024
/** A close this soon after the response is "closes after every response", not an idle timeout. */
const IMMEDIATE_MS = 100

/** "http://127.0.0.1:8000/x", "127.0.0.1:8000", "unix:/run/app.sock", "unix:/run/app.sock:/x". */
export function parseProbeTarget(raw: string, pathOverride?: string): ProbeTarget {
  const bad = (why: string) => new UserError(`probe target ${JSON.stringify(raw.slice(0, 80))}: ${why}`)
  let rest = raw
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(raw)
  if (scheme) {
    if (scheme[1].toLowerCase() !== 'http') throw bad('only http:// (and unix:) targets can be probed')
    rest = raw.slice(scheme[0].length)
  }
  if (rest.startsWith('unix:')) {
    const sep = rest.indexOf(':/', 5)
    const sock = sep > 5 ? rest.slice(5, sep) : rest.slice(5)
    if (!sock.startsWith('/')) throw bad('a unix socket needs an absolute path')
    return {raw, target: `unix:${sock}`, host: null, port: null, unix: sock, path: pathOverride ?? (sep > 5 ? rest.slice(sep + 1) : '/')}
  }
  const slash = rest.indexOf('/')
  const authority = slash < 0 ? rest : rest.slice(0, slash)
  const m = /^\[([0-9a-f:.]+)\](?::(\d{1,5}))?$/i.exec(authority) ?? /^([a-z0-9.-]+)(?::(\d{1,5}))?$/i.exec(authority)
  if (!m) throw bad('not host:port')
  const port = m[2] ? Number(m[2]) : 80
  if (port < 1 || port > 65535) throw bad('port out of range')
  const host = m[1].toLowerCase()
  const path = pathOverride ?? (slash < 0 ? '/' : rest.slice(slash))
  if (!path.startsWith('/') || /[\s\u0000-\u001f\u007f]/.test(path)) throw bad('the path must start with / and hold no spaces or control characters')
  return {raw, target: `${host.includes(':') ? `[${host}]` : host}:${port}`, host, port, unix: null, path}
}

/** Loopback or private (RFC 1918, RFC 4193, link-local) addresses and unix sockets: what `audit --probe` may touch. */
export function isPrivateTarget(t: ProbeTarget): boolean {
  if (t.unix) return true
  const h = t.host ?? ''
  if (h === 'localhost') return true
  if (isIP(h) === 4) {
    const [a, b] = h.split('.').map(Number)
    return a === 127 || a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254)
  }
  if (isIP(h) === 6) return h === '::1' || /^f[cd]/i.test(h) || /^fe[89ab]/i.test(h)
  return false
}

interface Head {
  status: number
  headers: Map<string, string>
  bodyStart: number
}

function parseHead(buf: Buffer): Head | null | 'bad' {
  const end = buf.indexOf('\r\n\r\n')
  if (end < 0) return buf.length > MAX_HEAD ? 'bad' : null
  const lines = buf.subarray(0, end).toString('latin1').split('\r\n')
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0])
  if (!m) return 'bad'
  const headers = new Map<string, string>()
  for (const l of lines.slice(1)) {
    const i = l.indexOf(':')
    if (i > 0) headers.set(l.slice(0, i).trim().toLowerCase(), l.slice(i + 1).trim())
  }
  return {status: Number(m[1]), headers, bodyStart: end + 4}
}

/** Where the response ends in buf (offset), null while incomplete, 'eof' when only a close ends it. */
function responseEnd(buf: Buffer, head: Head, method: string): number | null | 'eof' {
  if (method === 'HEAD' || head.status === 204 || head.status === 304 || (head.status >= 100 && head.status < 200)) return head.bodyStart
  const te = head.headers.get('transfer-encoding')
  if (te && /chunked/i.test(te)) {
    let at = head.bodyStart
    for (;;) {
      const nl = buf.indexOf('\r\n', at)
      if (nl < 0) return null
      const size = parseInt(buf.subarray(at, nl).toString('latin1'), 16)
      if (Number.isNaN(size)) return 'eof'
      if (size === 0) {
        const end = buf.indexOf('\r\n\r\n', nl)
        return end < 0 ? null : end + 4
      }
      at = nl + 2 + size + 2
      if (at > buf.length) return null
    }
  }
  const cl = head.headers.get('content-length')
  if (cl !== undefined && /^\d+$/.test(cl)) return buf.length >= head.bodyStart + Number(cl) ? head.bodyStart + Number(cl) : null
  return 'eof'
}

export function probe(t: ProbeTarget, opts: ProbeOptions): Promise<ProbeResult> {
  const started = new Date()
  const base = {url: t.raw, target: t.target, at: started.toISOString(), waitedSeconds: opts.maxIdleSeconds}
  return new Promise((resolve) => {
    let sock: Socket
    let buf = Buffer.alloc(0)
    let head: Head | null = null
    let doneAt: number | null = null
    let settled = false
    const timers: NodeJS.Timeout[] = []
    const finish = (r: Omit<ProbeResult, keyof typeof base>) => {
      if (settled) return
      settled = true
      for (const x of timers) clearTimeout(x)
      sock.destroy()
      resolve({...base, ...r})
    }
    const fail = (error: string) => finish({error, keepsAlive: false, idleSeconds: null, keepAliveHeader: null, status: head?.status ?? null, connectionClose: false})
    const measured = (closed: boolean) => {
      const h = head!
      const connectionClose = /(^|,)\s*close\s*(,|$)/i.test(h.headers.get('connection') ?? '')
      const idleMs = closed ? Date.now() - doneAt! : null
      const keepsAlive = !connectionClose && !(idleMs !== null && idleMs < IMMEDIATE_MS)
      finish({keepsAlive, idleSeconds: keepsAlive && idleMs !== null ? Math.round(idleMs / 100) / 10 : null, keepAliveHeader: h.headers.get('keep-alive') ?? null, status: h.status, connectionClose})
    }
    sock = t.unix ? connect({path: t.unix}) : connect({host: t.host!, port: t.port!})
    timers.push(setTimeout(() => (doneAt !== null ? measured(false) : fail(`no complete response within ${opts.timeoutSeconds} s`)), opts.timeoutSeconds * 1000))
    sock.on('connect', () => {
      const hostHeader = t.unix ? 'localhost' : t.target
      sock.write(`${opts.method} ${t.path} HTTP/1.1\r\nHost: ${hostHeader}\r\nUser-Agent: conntune-probe\r\nAccept: */*\r\nConnection: keep-alive\r\n\r\n`)
    })
    sock.on('data', (chunk: Buffer) => {
      if (doneAt !== null) return // bytes after the response: ignored, the connection is what is timed
      buf = Buffer.concat([buf, chunk])
      if (buf.length > MAX_HEAD + MAX_BODY) return fail('response larger than the probe reads')
      if (!head) {
        const h = parseHead(buf)
        if (h === 'bad') return fail('not an HTTP/1.x response')
        if (!h) return
        head = h
      }
      const end = responseEnd(buf, head, opts.method)
      if (typeof end === 'number') {
        doneAt = Date.now()
        timers.push(setTimeout(() => measured(false), opts.maxIdleSeconds * 1000))
      }
    })
    const closed = () => {
      if (settled) return
      if (doneAt !== null) return measured(true)
      if (head && responseEnd(buf, head, opts.method) === 'eof') {
        // The body ran to the close: the server does not keep this connection.
        doneAt = Date.now()
        return finish({keepsAlive: false, idleSeconds: null, keepAliveHeader: head.headers.get('keep-alive') ?? null, status: head.status, connectionClose: /close/i.test(head.headers.get('connection') ?? '')})
      }
      fail(head ? 'closed before the response was complete' : 'closed before any response')
    }
    sock.on('end', closed)
    sock.on('close', closed)
    sock.on('error', (e: NodeJS.ErrnoException) => (doneAt !== null && e.code === 'ECONNRESET' ? measured(true) : fail(e.code ?? e.message)))
  })
}

export function describeProbe(r: ProbeResult): string {
  if (r.error) return `${r.url}: not measured (${r.error})`
  const ka = r.keepAliveHeader ? `, Keep-Alive: ${r.keepAliveHeader.replace(/[^\x20-\x7e]/g, '?').slice(0, 80)}` : ''
  if (!r.keepsAlive) return `${r.url}: HTTP ${r.status}; the server closes the connection after every response${r.connectionClose ? ' (Connection: close)' : ''}${ka}`
  if (r.idleSeconds === null) return `${r.url}: HTTP ${r.status}; the idle connection was still open after ${r.waitedSeconds} s (the probe stopped waiting)${ka}`
  return `${r.url}: HTTP ${r.status}; the server closed the idle connection after ${r.idleSeconds} s${ka}`
}
