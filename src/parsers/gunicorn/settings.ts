// gunicorn's effective settings, resolved as gunicorn/app/base.py loads them, low to high:
// defaults (some read from WEB_CONCURRENCY, PORT, FORWARDED_ALLOW_IPS when gunicorn starts),
// the config file (-c on the command line, else -c in GUNICORN_CMD_ARGS, else
// ./gunicorn.conf.py if it exists), GUNICORN_CMD_ARGS, then the command line. Each later
// source replaces a setting whole: `-b` on the command line drops every bind of the file.
import {ParseError, type ParseResult} from '../types.js'
import {configLocation, parseGunicornArgv, type ArgvSetting, type GunicornArgv} from './argv.js'
import {parseGunicornConfPy, type GunicornConfPy} from './conf-py.js'
import {shlexSplit} from './shell-words.js'
import {CURRENT_RELEASE, HOOK, parseVersion, settingsFor, type SettingSpec} from './settings-table.js'
import {normalisePath, pyInt10, validate, type RawValue} from './validators.js'
import {pyRepr} from './py-values.js'
import type {EnvUse} from './py-expr.js'
import {own} from '../../own.js'
import {append} from '../../append.js'

export type SettingOrigin =
  | {kind: 'default'}
  | {kind: 'env' | 'file' | 'cmd_args' | 'argv'; file: string; line: number; col?: number}

export interface GunicornSetting {
  name: string
  value: unknown
  origin: SettingOrigin
  /** Why the value may not be what gunicorn uses (the value shown is then the assumed one) */
  unresolved?: string
  /** The config file computed it from the environment: which variables, set where or assumed */
  env?: string
}

export interface WorkerInfo {
  /** worker_class as configured */
  configured: string
  /** The class gunicorn loads (after aliases and the threads > 1 switch) */
  effective: string
  family: 'sync' | 'gthread' | 'gevent' | 'gevent_pywsgi' | 'eventlet' | 'tornado' | 'asgi' | 'uvicorn' | 'aiohttp' | 'custom'
  /** threads > 1 with the sync worker: gunicorn runs gthread instead */
  switchedToGthread: boolean
  /** Does the worker keep a connection open after a response, waiting for the next request? */
  keepsIdleConnections: boolean | 'unknown'
  /** Seconds an idle keep-alive connection is kept, and which setting decides it */
  idleTimeout?: {seconds: number | null; source: 'keepalive' | 'worker'}
  notes: string[]
}

export interface GunicornConfig {
  app?: string
  settings: Record<string, GunicornSetting>
  unresolved: Array<{name?: string; file: string; line: number; reason: string}>
  sources: string[]
  /** The config file gunicorn loads (or would look for) */
  configFile?: {path: string; from: 'argv' | 'cmd_args' | 'default'; loaded: boolean}
  worker: WorkerInfo
  /** The gunicorn release whose settings table was used */
  version: string
  /** Comments of the config file, with lines (for inline ignores) */
  comments?: Array<{file: string; line: number; col: number; text: string}>
}

export interface ResolveInput {
  argv?: {words: string[]; file: string; line: number; cols?: number[]; unresolved?: Array<{index: number; reason: string}>}
  env?: Record<string, {value: string; file: string; line: number}>
  /** False when variables not listed in env may be set at run time (Procfile, Docker) */
  envComplete?: boolean
  configFile?: {path: string; text: string} | {path: string; error: string; code?: string}
  /** The process's working directory (relative -c paths, the default ./gunicorn.conf.py, chdir) */
  cwd?: string
  version?: string
}

const SUPPORTED_WORKERS: Record<string, string> = {
  sync: 'gunicorn.workers.sync.SyncWorker',
  eventlet: 'gunicorn.workers.geventlet.EventletWorker',
  gevent: 'gunicorn.workers.ggevent.GeventWorker',
  gevent_wsgi: 'gunicorn.workers.ggevent.GeventPyWSGIWorker',
  gevent_pywsgi: 'gunicorn.workers.ggevent.GeventPyWSGIWorker',
  tornado: 'gunicorn.workers.gtornado.TornadoWorker',
  gthread: 'gunicorn.workers.gthread.ThreadWorker',
}
const ASGI_ALIAS_SINCE = '24.0.0'

export function resolveGunicorn(input: ResolveInput): ParseResult<GunicornConfig> {
  const errors: ParseError[] = []
  const version = input.version && parseVersion(input.version) ? input.version : CURRENT_RELEASE
  const specs = settingsFor(version)
  const env = input.env ?? {}
  const envComplete = input.envComplete ?? true
  const cfg: GunicornConfig = {
    settings: Object.create(null) as Record<string, GunicornSetting>,
    unresolved: [],
    sources: [],
    worker: {configured: 'sync', effective: SUPPORTED_WORKERS.sync, family: 'sync', switchedToGthread: false, keepsIdleConnections: false, notes: []},
    version,
  }
  if (!input.version) cfg.sources.push(`gunicorn version not given: settings of ${CURRENT_RELEASE} assumed`)
  const envOrigin = (name: string): SettingOrigin => ({kind: 'env', file: env[name].file, line: env[name].line})

  // 1. Defaults, some of them taken from the environment when gunicorn starts.
  for (const spec of specs.values()) {
    let raw: RawValue = {from: 'cli', value: null}
    let origin: SettingOrigin = {kind: 'default'}
    let unresolved: string | undefined
    if (spec.default === HOOK) {
      cfg.settings[spec.name] = {name: spec.name, value: HOOK, origin}
      continue
    }
    const e = spec.envDefault ? env[spec.envDefault] : undefined
    if (spec.envDefault === 'WEB_CONCURRENCY' && e) {
      const n = pyInt10(e.value)
      if (n === null) {
        errors.push(new ParseError('syntax', {file: e.file, line: e.line, col: 1}, `WEB_CONCURRENCY=${JSON.stringify(e.value)} is not an integer: gunicorn fails at start (ValueError: invalid literal for int())`))
      } else {
        raw = {from: 'py', value: {t: 'int', v: n}}
        origin = envOrigin('WEB_CONCURRENCY')
      }
    } else if (spec.envDefault === 'PORT' && e) {
      raw = {from: 'py', value: {t: 'list', items: [{t: 'str', v: `0.0.0.0:${e.value}`}]}}
      origin = envOrigin('PORT')
    } else if (spec.envDefault === 'FORWARDED_ALLOW_IPS' && e) {
      raw = {from: 'py', value: {t: 'str', v: e.value}}
      origin = envOrigin('FORWARDED_ALLOW_IPS')
    }
    if (origin.kind === 'default') {
      if (spec.name === 'chdir') raw = {from: 'cli', value: input.cwd ?? null}
      else raw = {from: 'py', value: jsToPy(spec.default)}
      if (spec.envDefault && spec.envDefault !== 'FORWARDED_ALLOW_IPS' && !envComplete) {
        unresolved = `${spec.envDefault} may be set in the environment at run time (it would replace this default)`
      }
    }
    const v = spec.name === 'chdir' || spec.name === 'user' || spec.name === 'group'
      ? {ok: true as const, value: raw.value === null ? null : (raw as {value: unknown}).value}
      : validate(spec, raw, {cwd: input.cwd})
    cfg.settings[spec.name] = {name: spec.name, value: v.ok ? v.value : spec.default, origin, ...(unresolved ? {unresolved} : {})}
  }

  // 2. The command line and GUNICORN_CMD_ARGS, both read by gunicorn's argparse parser.
  let argv: GunicornArgv | undefined
  if (input.argv) {
    const r = parseGunicornArgv(input.argv.words, {file: input.argv.file, line: input.argv.line, cols: input.argv.cols, version, unresolved: input.argv.unresolved})
    append(append(errors, r.errors), r.value.warnings)
    argv = r.value
    cfg.sources.push(`argv: ${input.argv.file}:${input.argv.line}`)
  }
  let cmdArgs: GunicornArgv | undefined
  const cmdEnv = env['GUNICORN_CMD_ARGS']
  if (cmdEnv) {
    const split = shlexSplit(cmdEnv.value)
    if ('error' in split) {
      errors.push(new ParseError('syntax', {file: cmdEnv.file, line: cmdEnv.line, col: 1}, `GUNICORN_CMD_ARGS: ${split.error} (gunicorn fails at start: shlex.split raises ValueError)`))
    } else {
      const r = parseGunicornArgv(split.words, {file: cmdEnv.file, line: cmdEnv.line, version})
      append(append(errors, r.errors), r.value.warnings)
      cmdArgs = r.value
      for (const p of r.value.positionals) {
        errors.push(new ParseError('unresolved', {file: cmdEnv.file, line: cmdEnv.line, col: 1}, `GUNICORN_CMD_ARGS: positional '${p.value}' is ignored by gunicorn (the app must be on the command line)`))
      }
      cfg.sources.push(`cmd_args: GUNICORN_CMD_ARGS at ${cmdEnv.file}:${cmdEnv.line}`)
    }
  }

  // 3. The config file.
  const loc = configLocation(argv, cmdArgs)
  let conf: GunicornConfPy | undefined
  if (loc.value.startsWith('python:')) {
    const at = loc.setting ? originOf(loc.from === 'argv' ? input.argv! : cmdEnvAsSource(cmdEnv!), loc.setting) : undefined
    cfg.unresolved.push({name: 'config', file: at?.file ?? '', line: at?.line ?? 0, reason: `config module '${loc.value.slice(7)}' is imported from Python's path; not read, its settings are unknown`})
  } else {
    const rel = loc.value.startsWith('file:') ? loc.value.slice(5) : loc.value
    const path = rel.startsWith('/') || !input.cwd ? rel : normalisePath(`${input.cwd}/${rel}`)
    cfg.configFile = {path, from: loc.from, loaded: false}
    const given = input.configFile
    if (given && 'text' in given) {
      // os.environ lookups in the file see what the unit/env file/compose file sets; a variable
      // not set there may still come at run time unless the environment is known complete.
      const r = parseGunicornConfPy(given.text, given.path, {env: (n) => (env[n] ? env[n] : envComplete ? null : undefined)})
      append(errors, r.errors)
      conf = r.value
      cfg.configFile = {path: given.path, from: loc.from, loaded: true}
      cfg.sources.push(`file: ${given.path}`)
      cfg.comments = r.value.comments.map((c) => ({file: given.path, line: c.line, col: c.col, text: c.text}))
      if (r.errors.some((e) => e.kind === 'syntax')) {
        cfg.sources.push(`${given.path} has Python syntax errors: gunicorn would not start ("Failed to read config file")`)
      }
    } else if (loc.from !== 'default') {
      const at = loc.setting ? originOf(loc.from === 'argv' ? input.argv! : cmdEnvAsSource(cmdEnv!), loc.setting) : undefined
      if (given && 'error' in given) {
        errors.push(new ParseError('include', {file: at?.file ?? given.path, line: at?.line ?? 1, col: at?.col ?? 1}, `config file ${given.path}: ${given.error} (gunicorn exits: the file named by -c must exist)`))
      } else {
        cfg.unresolved.push({name: 'config', file: at?.file ?? path, line: at?.line ?? 0, reason: `config file ${path} was not read; its settings are unknown`})
      }
    } else if (given && 'error' in given && given.code !== 'ENOENT') {
      errors.push(new ParseError('io', {file: given.path, line: 1, col: 1}, `default config file ${given.path}: ${given.error}`))
    }
  }
  if (conf) applyConfFile(conf, specs, cfg, errors, input.cwd)

  // 4. GUNICORN_CMD_ARGS, then 5. the command line.
  if (cmdArgs && cmdEnv) applyArgv(cmdArgs, specs, cfg, errors, 'cmd_args', cmdEnvAsSource(cmdEnv), input.cwd)
  if (argv && input.argv) applyArgv(argv, specs, cfg, errors, 'argv', input.argv, input.cwd)

  // The app: the first positional, else wsgi_app (from the config file).
  if (argv?.app) cfg.app = argv.app.value
  else if (typeof cfg.settings['wsgi_app']?.value === 'string') cfg.app = cfg.settings['wsgi_app'].value as string
  else if (input.argv && !argv?.exits && cfg.settings['paste']?.value == null && !cfg.unresolved.some((u) => u.name === 'config' || u.name === 'wsgi_app' || !u.name)) {
    errors.push(new ParseError('syntax', {file: input.argv.file, line: input.argv.line, col: 1}, 'no application module (gunicorn exits: "No application module specified.")'))
  }

  cfg.worker = effectiveWorkerClass(cfg.settings, version)
  return {value: cfg, errors}
}

function cmdEnvAsSource(e: {value: string; file: string; line: number}): {file: string; line: number} {
  return {file: e.file, line: e.line}
}

function originOf(src: {file: string; line: number; cols?: number[]}, s: ArgvSetting): {file: string; line: number; col?: number} {
  const col = src.cols?.[s.index]
  return col !== undefined ? {file: src.file, line: src.line, col} : {file: src.file, line: src.line}
}

function applyArgv(
  parsed: GunicornArgv, specs: Map<string, SettingSpec>, cfg: GunicornConfig, errors: ParseError[],
  kind: 'argv' | 'cmd_args', src: {file: string; line: number; cols?: number[]}, cwd?: string,
): void {
  for (const s of Object.values(parsed.settings)) {
    const spec = specs.get(s.name)
    if (!spec) continue
    const at = originOf(src, s)
    const origin: SettingOrigin = {kind, ...at}
    if (s.unresolved) {
      cfg.settings[s.name] = {name: s.name, value: s.value, origin, unresolved: s.unresolved}
      cfg.unresolved.push({name: s.name, file: at.file, line: at.line, reason: s.unresolved})
      continue
    }
    const v = validate(spec, {from: 'cli', value: s.value}, {cwd})
    if (!v.ok) {
      errors.push(new ParseError('syntax', {file: at.file, line: at.line, col: at.col ?? 1}, `invalid value for ${s.name} (${s.flag}): ${v.message} (gunicorn refuses to start)`))
      continue
    }
    cfg.settings[s.name] = {name: s.name, value: v.value, origin}
  }
}

function applyConfFile(conf: GunicornConfPy, specs: Map<string, SettingSpec>, cfg: GunicornConfig, errors: ParseError[], cwd?: string): void {
  const file = conf.file
  for (const [name, b] of Object.entries(conf.names)) {
    const spec = specs.get(name)
    if (!spec) continue
    const origin: SettingOrigin = {kind: 'file', file, line: b.line, col: b.col}
    if (b.state === 'unknown') {
      const reason = `${b.reason}; the lower-precedence value is assumed`
      cfg.settings[name] = {...cfg.settings[name], unresolved: `${file}:${b.line}: ${reason}`}
      cfg.unresolved.push({name, file, line: b.line, reason: b.reason})
      continue
    }
    const v = validate(spec, {from: 'py', value: b.value}, {cwd})
    if (!v.ok) {
      errors.push(new ParseError('syntax', {file, line: b.line, col: b.col}, `invalid value for ${name} = ${pyRepr(b.value)}: ${v.message} (gunicorn refuses to start: "Invalid value for ${name}")`))
      continue
    }
    const setting: GunicornSetting = {name, value: v.value, origin, ...(b.env ? {env: describeEnv(b.env)} : {})}
    if (b.maybe && b.maybe.length > 0) {
      setting.unresolved = b.maybe.map((m) => m.reason).join('; ')
      for (const m of b.maybe) cfg.unresolved.push({name, file, line: m.line, reason: m.reason})
    }
    cfg.settings[name] = setting
  }
  // Assignments that look like settings but never reach the module, and dynamic code.
  for (const u of conf.unresolved) {
    if (!u.name || conf.names[u.name]) continue
    cfg.unresolved.push({name: u.name, file, line: u.line, reason: u.reason})
  }
  for (const d of conf.dynamic) cfg.unresolved.push({file, line: d.line, reason: d.reason})
}

/** "KEEP_ALIVE=75 (app.service:7)" or "KEEP_ALIVE not set: the file's default "5" assumed". */
function describeEnv(uses: EnvUse[]): string {
  const seen = new Set<string>()
  const out: string[] = []
  for (const u of uses) {
    if (seen.has(u.name)) continue
    seen.add(u.name)
    if (u.set) out.push(`${u.name}=${JSON.stringify(u.set.value)} from ${u.set.file}:${u.set.line}`)
    else if (u.assumed) out.push(`${u.name} not set where conntune can see: the file's default ${u.default} is assumed`)
    else out.push(`${u.name} not set: the file's default ${u.default}`)
  }
  return out.join('; ')
}

function jsToPy(v: unknown): import('./py-values.js').PyValue {
  if (v === null || v === undefined) return {t: 'none'}
  if (typeof v === 'boolean') return {t: 'bool', v}
  if (typeof v === 'number') return Number.isInteger(v) ? {t: 'int', v: BigInt(v)} : {t: 'float', v}
  if (typeof v === 'string') return {t: 'str', v}
  if (Array.isArray(v)) return {t: 'list', items: v.map(jsToPy)}
  return {t: 'dict', entries: Object.entries(v as Record<string, unknown>).map(([k, x]) => [{t: 'str', v: k}, jsToPy(x)])}
}

const CLASS_FAMILY: Array<[RegExp, WorkerInfo['family']]> = [
  [/^gunicorn\.workers\.sync\.SyncWorker$/, 'sync'],
  [/^gunicorn\.workers\.gthread\.ThreadWorker$/, 'gthread'],
  [/^gunicorn\.workers\.ggevent\.GeventPyWSGIWorker$/, 'gevent_pywsgi'],
  [/^gunicorn\.workers\.ggevent\.GeventWorker$/, 'gevent'],
  [/^gunicorn\.workers\.geventlet\.EventletWorker$/, 'eventlet'],
  [/^gunicorn\.workers\.gtornado\.TornadoWorker$/, 'tornado'],
  [/^gunicorn\.workers\.gasgi\.ASGIWorker$/, 'asgi'],
  [/^uvicorn(_worker)?\.(workers\.)?Uvicorn(H11)?Worker$/, 'uvicorn'],
  [/^aiohttp\.(web_)?worker\.Gunicorn(UVLoop)?WebWorker$/, 'aiohttp'],
]

/**
 * The worker class gunicorn runs (config.py Config.worker_class + util.load_class) and what it
 * does with idle connections. Takes the resolved settings (worker_class, threads, keepalive,
 * worker_connections).
 */
export function effectiveWorkerClass(settings: Record<string, GunicornSetting>, version: string = CURRENT_RELEASE): WorkerInfo {
  const notes: string[] = []
  const raw = settings['worker_class']?.value
  const threads = typeof settings['threads']?.value === 'number' ? (settings['threads'].value as number) : 1
  const keepalive = typeof settings['keepalive']?.value === 'number' ? (settings['keepalive'].value as number) : null
  const connections = typeof settings['worker_connections']?.value === 'number' ? (settings['worker_connections'].value as number) : 1000
  const configured = typeof raw === 'string' ? raw : String(raw)
  let uri = configured
  const isSync = uri.endsWith('SyncWorker') || uri === 'sync'
  const switchedToGthread = isSync && threads > 1
  if (switchedToGthread) {
    uri = SUPPORTED_WORKERS.gthread
    notes.push(`threads = ${threads} with the sync worker: gunicorn runs the gthread worker instead`)
  }
  let effective = uri
  if (uri.startsWith('egg:')) {
    const [dist, name] = uri.slice(4).split('#')
    const bundled = dist === 'gunicorn' && name ? own(SUPPORTED_WORKERS, name) : undefined
    if (bundled) effective = bundled
    else notes.push(`entry point ${uri}: the class depends on installed packages`)
  } else if (!uri.includes('.')) {
    const name = uri.replace(/^#+/, '')
    const bundled = own(SUPPORTED_WORKERS, name)
    if (bundled) effective = bundled
    else if (name === 'asgi' && compareVer(version, ASGI_ALIAS_SINCE) >= 0) effective = 'gunicorn.workers.gasgi.ASGIWorker'
    else notes.push(`'${name}' is not a worker gunicorn ${version} bundles; it is looked up as a 'gunicorn.workers' entry point`)
  }
  const family = CLASS_FAMILY.find(([re]) => re.test(effective))?.[1] ?? 'custom'
  const info: WorkerInfo = {configured, effective, family, switchedToGthread, keepsIdleConnections: 'unknown', notes}
  const doubtful = ['worker_class', 'threads'].filter((n) => settings[n]?.unresolved)
  const ka = keepalive
  switch (family) {
    case 'sync':
      info.keepsIdleConnections = false
      notes.push('the sync worker closes the connection after every response; keepalive is ignored')
      break
    case 'gthread': {
      const room = connections - threads
      info.keepsIdleConnections = ka !== null && ka > 0 && room > 0
      info.idleTimeout = {seconds: ka, source: 'keepalive'}
      if (ka === 0) notes.push('keepalive = 0 disables keep-alive')
      if (room <= 0) notes.push(`worker_connections (${connections}) - threads (${threads}) leaves no room for idle keep-alive connections`)
      break
    }
    case 'gevent':
    case 'eventlet':
    case 'asgi':
    case 'uvicorn':
    case 'aiohttp':
      info.keepsIdleConnections = ka === null ? 'unknown' : ka > 0
      info.idleTimeout = {seconds: ka, source: 'keepalive'}
      if (family === 'uvicorn') notes.push("uvicorn's worker passes keepalive as its timeout_keep_alive (a subclass's CONFIG_KWARGS may override it)")
      if (ka === 0) notes.push('keepalive = 0 disables keep-alive')
      break
    case 'gevent_pywsgi':
      info.keepsIdleConnections = true
      info.idleTimeout = {seconds: null, source: 'worker'}
      notes.push("gevent's pywsgi server handles connections; gunicorn's keepalive is not applied")
      break
    case 'tornado':
      info.keepsIdleConnections = ka === null ? 'unknown' : ka > 0
      info.idleTimeout = {seconds: null, source: 'worker'}
      notes.push("tornado's HTTPServer decides the idle timeout; gunicorn's keepalive only turns keep-alive off when 0")
      break
    default:
      notes.push(`custom worker class ${effective}: keep-alive behaviour unknown`)
  }
  if (doubtful.length > 0) {
    // The class shown is the assumed one; the real one may differ.
    info.keepsIdleConnections = 'unknown'
    notes.push(`${doubtful.join(' and ')} not known for sure: the worker class above is assumed`)
  }
  if (settings['keepalive']?.unresolved && info.idleTimeout) notes.push('keepalive not known for sure: the idle timeout above is assumed')
  return info
}

function compareVer(a: string, b: string): number {
  const x = parseVersion(a) ?? [0, 0, 0]
  const y = parseVersion(b) ?? [0, 0, 0]
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] - y[i]
  return 0
}
