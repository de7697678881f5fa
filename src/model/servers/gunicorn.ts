// gunicorn invocations (systemd units, Procfiles, Dockerfiles, config files) → one app each,
// with its effective settings, worker family and whether it keeps idle connections at all.
import type {GunicornConfig, GunicornSetting} from '../../parsers/gunicorn/settings.js'
import {defaultSetting, type ConfigSetting} from './setting.js'

export interface GunicornBind {
  host: string | null
  port: number | null
  unix: string | null
  raw: string
}

export interface GunicornApp {
  /** The unit, Procfile entry or config file that runs it. */
  name: string
  file: string
  line: number
  app: string | null
  bind: GunicornBind[]
  workerClass: string
  workerFamily: string
  /** The sync worker closes after every response: no idle connections, no keep-alive race. */
  keepsIdleConnections: boolean | 'unknown'
  /** Seconds an idle connection is kept (null: the worker decides, or none is kept). */
  idleSeconds: number | null
  keepalive: ConfigSetting
  timeout: ConfigSetting
  backlog: ConfigSetting
  workers: ConfigSetting
  threads: ConfigSetting
  configFile: string | null
  /** nginx locations on this host that proxy to one of its binds (filled in by the host model). */
  proxiedBy: Array<{location: string; file: string; line: number; reuses: boolean; proxyReadTimeout: number | null}>
  notes: string[]
  unresolved: Array<{name?: string; file: string; line: number; reason: string}>
}

function parseBind(raw: string): GunicornBind {
  if (raw.startsWith('unix:')) return {host: null, port: null, unix: raw.slice(5), raw}
  if (raw.startsWith('fd://')) return {host: null, port: null, unix: null, raw}
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(raw) ?? /^([^:]*)(?::(\d+))?$/.exec(raw)
  if (!m) return {host: raw, port: null, unix: null, raw}
  // gunicorn: "host" alone means port 8000; ":8000"/"0.0.0.0:8000" as written.
  return {host: m[1] || '0.0.0.0', port: m[2] ? Number(m[2]) : 8000, unix: null, raw}
}

function toSetting(s: GunicornSetting | undefined, name: string, insert: ConfigSetting['insertAt']): ConfigSetting {
  if (!s) return defaultSetting(name, null, null, 'gunicorn', insert)
  const text = Array.isArray(s.value) ? s.value.join(', ') : s.value === null || s.value === undefined ? null : String(s.value)
  const num = typeof s.value === 'number' ? s.value : null
  if (s.origin.kind === 'default') return {...defaultSetting(name, text, num, 'gunicorn', insert), ...(s.unresolved ? {unresolved: s.unresolved} : {})}
  const where: Record<string, string> = {env: 'environment', file: 'config file', cmd_args: 'GUNICORN_CMD_ARGS', argv: 'command line'}
  return {
    name,
    value: text,
    num,
    explicit: true,
    origin: `${where[s.origin.kind]} at ${s.origin.file}:${s.origin.line}${s.env ? ` (${s.env})` : ''}`,
    file: s.origin.file,
    line: s.origin.line,
    col: s.origin.col ?? 1,
    insertAt: null,
    ...(s.unresolved ? {unresolved: s.unresolved} : {}),
  }
}

export function buildGunicornApp(name: string, file: string, line: number, cfg: GunicornConfig): GunicornApp {
  const insert = cfg.configFile?.loaded
    ? {file: cfg.configFile.path, line: 1, col: 1, context: 'gunicorn.conf.py'}
    : {file, line, col: 1, context: 'command line'}
  const bindValue = cfg.settings.bind?.value
  const binds = (Array.isArray(bindValue) ? bindValue : typeof bindValue === 'string' ? [bindValue] : ['127.0.0.1:8000']).map(String)
  return {
    name,
    file,
    line,
    app: cfg.app ?? null,
    bind: binds.map(parseBind),
    workerClass: cfg.worker.effective,
    workerFamily: cfg.worker.family,
    keepsIdleConnections: cfg.worker.keepsIdleConnections,
    idleSeconds: cfg.worker.keepsIdleConnections === false ? null : (cfg.worker.idleTimeout?.seconds ?? null),
    keepalive: toSetting(cfg.settings.keepalive, 'keepalive', insert),
    timeout: toSetting(cfg.settings.timeout, 'timeout', insert),
    backlog: toSetting(cfg.settings.backlog, 'backlog', insert),
    workers: toSetting(cfg.settings.workers, 'workers', insert),
    threads: toSetting(cfg.settings.threads, 'threads', insert),
    configFile: cfg.configFile?.loaded ? cfg.configFile.path : null,
    proxiedBy: [],
    notes: cfg.worker.notes,
    unresolved: cfg.unresolved,
  }
}
