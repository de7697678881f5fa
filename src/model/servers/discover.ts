// Snapshot → the servers on the host: which configs exist, parsed, with effective settings.
// Sources of truth, in order: the server's own `nginx -T` output; the captured files from the
// usual places; on `conntune check`, the files the user named.
import {append} from '../../append.js'
import {posix} from 'node:path'
import {resolveInvocation} from '../../parsers/gunicorn/index.js'
import {resolveGunicorn} from '../../parsers/gunicorn/settings.js'
import {gunicornFromCompose, gunicornFromDockerfile, gunicornFromProcfile, gunicornFromScript, gunicornFromSystemdUnit} from '../../parsers/gunicorn/sources.js'
import {effectiveLighttpd, parseLighttpd} from '../../parsers/lighttpd/index.js'
import {MemoryFileReader, type FileTexts} from '../../parsers/memory-reader.js'
import {DEFAULT_MAX_FILE_BYTES, parseNginx, splitNginxDump} from '../../parsers/nginx/index.js'
import type {FileReader, ParseError} from '../../parsers/types.js'
import {mapPath} from '../../path-map.js'
import {MAIN_CONFIGS, UNIT_DIRS} from '../../snapshot/config-locations.js'
import {LIMITS} from '../../snapshot/kernel-keys.js'
import type {Snapshot} from '../../snapshot/types.js'
import type {Problem} from '../types.js'
import {buildGunicornApp, type GunicornApp} from './gunicorn.js'
import {buildLighttpdModel, type LighttpdModel} from './lighttpd.js'
import {buildNginxModel, type NginxModel} from './nginx.js'
import type {DeclaredDirective} from '../../parsers/nginx/validate.js'

/** What `conntune check` was pointed at: entry files by kind. */
export interface ConfigEntries {
  nginx?: string[]
  lighttpd?: string[]
  gunicornConf?: string[]
  units?: string[]
  procfiles?: string[]
  dockerfiles?: string[]
  composes?: string[]
  /** Shell entry points (docker-entrypoint.sh) that start gunicorn. */
  scripts?: string[]
  /** sysctl files, in the order they apply. */
  sysctl?: string[]
  /** conntune check: where absolute paths are read (--map, --root as `/`), longest prefix first. */
  map?: Array<{from: string; to: string}>
  /** conntune check: absolute includes outside every checked tree and mapping, not read. */
  outside?: Array<{file: string; line: number; path: string}>
}

/** Absolute paths in a repo's configs name the host: read them where --map/--root put them. */
export function mappedReader(inner: FileReader, map: Array<{from: string; to: string}>): FileReader {
  const to = (p: string): string => (p.startsWith('/') ? (mapPath(p, map) ?? p) : p)
  // Checked files are keyed by their place in the checkout, which --root's `/` also covers:
  // what the snapshot holds as written is that file; only what it lacks is a host path.
  return {
    read: (p) => {
      const r = inner.read(p)
      return 'error' in r && r.code === 'ENOENT' ? inner.read(to(p)) : r
    },
    glob: (p) => {
      const r = inner.glob(p)
      return r.length > 0 ? r : inner.glob(to(p))
    },
  }
}

export interface ServerOptions {
  nginxVersion?: string
  lighttpdVersion?: string
  gunicornVersion?: string
  entries?: ConfigEntries
  /** Third-party nginx directives declared in .conntune.yaml. */
  nginxDirectives?: DeclaredDirective[]
  /** check --max-file-size: files were read up to this bound, and the parsers take them whole. */
  maxFileBytes?: number
}

export interface CommentLine {
  file: string
  line: number
  col: number
  text: string
}

export interface Servers {
  nginx: NginxModel | null
  lighttpd: LighttpdModel | null
  gunicorn: GunicornApp[]
  problems: Problem[]
  /** Every comment of every config read, for inline ignores. */
  comments: CommentLine[]
  /** Texts of the files read, for telling own-line comments from trailing ones. */
  texts: Record<string, string>
}

/**
 * The captured texts as the parsers read them. A file cut at the capture bound is not text to
 * parse: half a config read as if whole ends in a misleading "unexpected end of file" deep in
 * it, and what was cut off would be silently missing. It reads as a file that could not be read.
 */
export function fileTexts(snap: Pick<Snapshot, 'files'>, bound: number = LIMITS.configBytes): FileTexts {
  const out: FileTexts = {}
  for (const [p, f] of Object.entries(snap.files)) {
    if (f.truncated) out[p] = {error: `${f.size !== undefined ? `${f.size} bytes, ` : ''}larger than the ${bound}-byte bound for a config file; not read`, code: 'EFBIG'}
    else out[p] = f.text !== undefined ? f.text : {error: f.error ?? 'not captured', code: f.error}
  }
  return out
}

/** `reported`: "file:line" of includes the files source already reported as outside the checked tree. */
function toProblems(errors: ParseError[], reported: ReadonlySet<string> = new Set()): Problem[] {
  return errors
    .filter((e) => e.kind !== 'unresolved' && !(e.kind === 'include' && reported.has(`${e.file}:${e.line}`)))
    .map((e) => ({file: e.file, line: e.line, col: e.col, message: e.message}))
}

function versionFrom(text: string | undefined, re: RegExp): string | null {
  return text ? (re.exec(text)?.[1] ?? null) : null
}

function mergeNginx(models: NginxModel[]): NginxModel | null {
  if (models.length <= 1) return models[0] ?? null
  const [first, ...rest] = models
  const merged: NginxModel = {...first, files: [...first.files], servers: [...first.servers], locations: [...first.locations], upstreams: [...first.upstreams], clientKeepalive: [...first.clientKeepalive], keepaliveRequests: [...first.keepaliveRequests], directiveProblems: [...first.directiveProblems]}
  const files = new Set(merged.files)
  for (const m of rest) {
    const serverOffset = merged.servers.length
    const locationOffset = merged.locations.length
    for (const f of m.files) {
      if (files.has(f)) continue
      files.add(f)
      merged.files.push(f)
    }
    for (const s of m.servers) merged.servers.push({...s, index: s.index + serverOffset})
    for (const l of m.locations) merged.locations.push({...l, server: l.server + serverOffset})
    for (const u of m.upstreams) merged.upstreams.push({...u, locations: u.locations.map((i) => i + locationOffset)})
    append(merged.clientKeepalive, m.clientKeepalive)
    append(merged.keepaliveRequests, m.keepaliveRequests)
    append(merged.directiveProblems, m.directiveProblems)
  }
  return merged
}

export function discoverServers(snap: Snapshot, opts: ServerOptions = {}): Servers {
  const problems: Problem[] = []
  const comments: CommentLine[] = []
  const texts: Record<string, string> = {}
  // check names entry points through the model options; a snapshot may carry them too.
  const entries: ConfigEntries | undefined = opts.entries ?? snap.entries
  const memory = new MemoryFileReader(fileTexts(snap, opts.maxFileBytes))
  const reader = entries?.map?.length ? mappedReader(memory, entries.map) : memory
  for (const [p, f] of Object.entries(snap.files)) if (f.text !== undefined) texts[p] = f.text
  // The parser's own "open() failed" for these would say the same thing again, less usefully.
  const outside = new Set((entries?.outside ?? []).map((o) => `${o.file}:${o.line}`))
  for (const o of entries?.outside ?? []) {
    problems.push({file: o.file, line: o.line, message: `${o.path} is outside the checked tree and was not read: say where it is with --map ${o.path.startsWith('/etc/') ? o.path.split('/').slice(0, 3).join('/') : posix.dirname(o.path)}=DIR (or map: in .conntune.yaml), or --root DIR`})
  }

  // nginx
  const nginxModels: NginxModel[] = []
  const v = snap.commands?.['nginx -V']
  const nginxVersion = opts.nginxVersion ?? versionFrom(v?.stderr, /nginx version: [^/\s]+\/(\d+\.\d+\.\d+)/)
  const nginxVersionSource = opts.nginxVersion ? '--nginx-version' : nginxVersion ? 'nginx -V' : 'unknown (pass --nginx-version)'
  const dump = snap.commands?.['nginx -T']
  const nginxRuns: Array<{entry: string; reader: FileReader; source: string}> = []
  if (entries?.nginx) {
    for (const e of entries.nginx) nginxRuns.push({entry: e, reader, source: e})
  } else if (dump?.exitCode === 0 && dump.stdout) {
    const split = splitNginxDump(dump.stdout, 'nginx -T')
    append(problems, toProblems(split.errors))
    if (split.value.entry) {
      Object.assign(texts, split.value.files)
      nginxRuns.push({entry: split.value.entry, reader: new MemoryFileReader(split.value.files), source: 'nginx -T'})
    }
  } else {
    const main = MAIN_CONFIGS.nginx.find((p) => snap.files[p]?.text !== undefined)
    if (main) nginxRuns.push({entry: main, reader, source: main})
    if (dump?.exitCode && dump.exitCode !== 0) problems.push({file: 'nginx -T', message: `exited ${dump.exitCode}: ${(dump.stderr ?? '').trim().split('\n').pop() ?? ''}; read ${main ?? 'no config'} instead`})
  }
  for (const run of nginxRuns) {
    const r = parseNginx(run.entry, run.reader, {spans: false, ...(opts.maxFileBytes ? {maxFileBytes: Math.max(opts.maxFileBytes, DEFAULT_MAX_FILE_BYTES)} : {})})
    append(problems, toProblems(r.errors, outside))
    for (const f of r.value.files) for (const c of f.comments) comments.push({file: f.file, line: c.line, col: c.col, text: c.text})
    if (r.value.files.length === 0) continue
    const model = buildNginxModel({config: r.value, version: nginxVersion, versionSource: nginxVersionSource, source: run.source, declared: opts.nginxDirectives})
    if (model.truncatedAt) {
      const chain = (model.truncatedChain ?? []).join(' -> ')
      problems.push({file: run.entry, message: `include expansion stopped at its budget of ${model.truncatedAt} directives and includes, expanding ${chain}; the rest was not read`})
    }
    nginxModels.push(model)
  }

  // lighttpd
  let lighttpd: LighttpdModel | null = null
  const lv = snap.commands?.['lighttpd -v']
  const lighttpdVersion = opts.lighttpdVersion ?? versionFrom(lv?.stdout, /lighttpd\/(\d+\.\d+\.\d+)/)
  const lighttpdEntries = entries?.lighttpd ? entries.lighttpd : MAIN_CONFIGS.lighttpd.filter((p) => snap.files[p]?.text !== undefined).slice(0, 1)
  for (const entry of lighttpdEntries) {
    const r = parseLighttpd(entry, reader, {...(lighttpdVersion ? {version: lighttpdVersion} : {}), ...(opts.maxFileBytes ? {maxFileBytes: Math.max(opts.maxFileBytes, 32 * 1024 * 1024)} : {})})
    append(problems, toProblems(r.errors, outside))
    for (const c of r.value.comments) comments.push({file: c.file, line: c.line, col: c.col, text: c.text})
    const model = buildLighttpdModel({
      effective: effectiveLighttpd(r.value),
      entry,
      files: r.value.files,
      version: lighttpdVersion,
      versionSource: opts.lighttpdVersion ? '--lighttpd-version' : lighttpdVersion ? 'lighttpd -v' : 'unknown (pass --lighttpd-version)',
    })
    // Several lighttpd entries (check mode) are reported scope by scope, gathered in place: a
    // copy of what came before per entry was O(n²) for a repository of n services.
    const prev = lighttpd as LighttpdModel | null
    if (!prev) lighttpd = {...model, scopes: [...model.scopes], files: [...model.files], valueProblems: [...model.valueProblems]}
    else {
      append(prev.scopes, model.scopes)
      append(prev.files, model.files)
      append(prev.valueProblems, model.valueProblems)
    }
  }

  // gunicorn: every unit, Procfile and Dockerfile that starts it, and standalone config files
  const gunicorn: GunicornApp[] = []
  const version = opts.gunicornVersion
  const fromInvocations = (invs: ReturnType<typeof gunicornFromSystemdUnit>, label: (i: number) => string) => {
    append(problems, toProblems(invs.errors))
    invs.value.forEach((inv, i) => {
      const r = resolveInvocation(inv, {reader, ...(version ? {version} : {})})
      append(problems, toProblems(r.errors))
      for (const c of r.value.comments ?? []) comments.push({file: c.file, line: c.line, col: c.col, text: c.text})
      gunicorn.push(buildGunicornApp(label(i), inv.file, inv.line, r.value))
    })
  }
  const units = entries?.units ? entries.units : Object.keys(snap.files).filter((p) => UNIT_DIRS.some((d) => p.startsWith(`${d}/`)) && p.endsWith('.service'))
  for (const u of units) {
    const text = reader.read(u)
    if ('text' in text) fromInvocations(gunicornFromSystemdUnit(text.text, u, {reader}), () => posix.basename(u))
  }
  for (const p of entries?.procfiles ?? []) {
    const text = reader.read(p)
    if ('text' in text) fromInvocations(gunicornFromProcfile(text.text, p), (i) => `${p} (process ${i + 1})`)
  }
  for (const p of entries?.dockerfiles ?? []) {
    const text = reader.read(p)
    if ('text' in text) fromInvocations(gunicornFromDockerfile(text.text, p), () => p)
  }
  for (const p of entries?.composes ?? []) {
    const text = reader.read(p)
    if ('text' in text) {
      const r = gunicornFromCompose(text.text, p, {reader})
      fromInvocations(r, (i) => `${p} service ${r.value[i].name}`)
    }
  }
  for (const p of entries?.scripts ?? []) {
    const text = reader.read(p)
    if ('text' in text) fromInvocations(gunicornFromScript(text.text, p), () => p)
  }
  // check names every file itself; an audit adds named gunicorn configs to what it finds.
  // Config files already read for an app, in a set: a scan of every app per file was O(n²)
  // for a repository of n services.
  const read = new Set(gunicorn.map((g) => g.configFile))
  const found = Object.keys(snap.files).filter((p) => (p === '/etc/gunicorn.conf.py' || p.startsWith('/etc/gunicorn.d/')) && !read.has(p))
  const confs = entries?.units !== undefined ? (entries.gunicornConf ?? []) : [...found, ...(entries?.gunicornConf ?? [])]
  for (const p of confs) {
    if (read.has(p)) continue
    const text = reader.read(p)
    if (!('text' in text)) {
      problems.push({file: p, message: `cannot read: ${text.error}`})
      continue
    }
    const r = resolveGunicorn({configFile: {path: p, text: text.text}, ...(version ? {version} : {})})
    append(problems, toProblems(r.errors))
    for (const c of r.value.comments ?? []) comments.push({file: c.file, line: c.line, col: c.col, text: c.text})
    const app = buildGunicornApp(p, p, 1, r.value)
    gunicorn.push(app)
    read.add(app.configFile)
  }

  return {nginx: mergeNginx(nginxModels), lighttpd, gunicorn, problems, comments, texts}
}
