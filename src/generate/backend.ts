// `--backend KIND@ADDRESS`: what nginx proxies to, and how long that backend keeps an idle
// connection when nobody changed it (FACTS.md "The alignment rule", "gunicorn").
import {UserError} from '../errors.js'

export const BACKEND_KINDS = ['gunicorn', 'uvicorn', 'node'] as const
export type BackendKind = (typeof BACKEND_KINDS)[number]

export interface BackendSpec {
  kind: BackendKind
  /** As nginx's `server` and gunicorn's `bind` write it: "127.0.0.1:8000", "[::1]:3000", "unix:/run/app.sock". */
  address: string
  /** The TCP port, or null for a unix socket. */
  port: number | null
}

export const DEFAULT_BACKEND = 'gunicorn@127.0.0.1:8000'

/** The idle timeout a backend keeps when left at its default, with where that comes from. */
export const BACKEND_DEFAULT_IDLE: Record<Exclude<BackendKind, 'gunicorn'>, {seconds: number; setting: string; note: string}> = {
  uvicorn: {seconds: 5, setting: 'uvicorn --timeout-keep-alive', note: 'uvicorn --timeout-keep-alive defaults to 5 s'},
  node: {seconds: 5, setting: 'server.keepAliveTimeout', note: 'Node.js server.keepAliveTimeout defaults to 5 s (65 s from Node 26)'},
}

/** "gunicorn@127.0.0.1:8000", "node@[::1]:3000", "uvicorn@unix:/run/app.sock", or a bare address (gunicorn). */
export function parseBackend(raw: string): BackendSpec {
  const at = raw.indexOf('@')
  const kindText = at >= 0 ? raw.slice(0, at) : 'gunicorn'
  const address = at >= 0 ? raw.slice(at + 1) : raw
  if (!(BACKEND_KINDS as readonly string[]).includes(kindText)) {
    throw new UserError(`--backend ${raw}: unknown backend kind "${kindText}" (one of ${BACKEND_KINDS.join(', ')})`)
  }
  const kind = kindText as BackendKind
  if (address.startsWith('unix:')) {
    // nginx ends a unix path at ':' in proxy_pass; a path with spaces or ';' breaks the config.
    if (!/^unix:\/[^\s;:{}"']+$/.test(address)) throw new UserError(`--backend ${raw}: a unix socket is unix:/absolute/path (no spaces, ':' or ';')`)
    return {kind, address, port: null}
  }
  const m = /^\[([0-9a-fA-F:.]+)\]:(\d+)$/.exec(address) ?? /^([A-Za-z0-9.-]+):(\d+)$/.exec(address)
  const port = m ? Number(m[2]) : NaN
  if (!m || port < 1 || port > 65535) throw new UserError(`--backend ${raw}: the address is HOST:PORT, [IPv6]:PORT or unix:/path`)
  return {kind, address, port}
}
