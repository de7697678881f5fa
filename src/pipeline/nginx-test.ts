// `check --nginx-test`: the installed nginx's own verdict (`nginx -t`) on a staged copy of
// exactly the nginx files the check read. nginx -t is not read-only: it opens every log file
// (creating it), creates the temp and cache directories (and chowns them, as root), loads
// modules (running their code) and certificates. So the copy is rewritten, by the parser's
// source spans, wherever running it would touch the host, and nginx runs as `nobody` when
// conntune is root: a rewrite that misses something then fails on a permission instead of
// changing the host. Edits never add or remove a line, so nginx's line numbers are the repo's.
import {execFile} from 'node:child_process'
import {chownSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join, relative, resolve} from 'node:path'
import {EXIT, UserError} from '../errors.js'
import {PACKAGE_ROOT} from '../paths.js'
import {isInside, mapPath, type PathMapping} from '../path-map.js'
import {inlineIncludes, parseNginx, resolveIncludePath, walkNginx} from '../parsers/nginx/index.js'
import type {NginxDirective} from '../parsers/nginx/index.js'
import {MemoryFileReader} from '../parsers/memory-reader.js'
import {fileTexts, mappedReader} from '../model/servers/discover.js'
import {findProgram} from '../sources/commands.js'
import {escapeTerminal} from '../text/escape.js'
import {lineNumberer} from '../text/lines.js'
import {versionAtLeast} from '../version.js'
import type {Snapshot} from '../snapshot/types.js'
import type {AuditResult} from './audit.js'
import {append} from '../append.js'
import {trimTrailing} from '../text/trim.js'

const TIMEOUT_MS = 10_000
const MAX_OUTPUT = 64 * 1024
const MAX_LINES = 20
/** nginx -t runs per check, and the time they may take together. */
const MAX_RUNS = 50
const TOTAL_MS = 120_000

/** The http temp directories every nginx build has a compiled-in default for (nginx -V --http-*-temp-path). */
const HTTP_TEMP_PATHS = ['client_body_temp_path', 'proxy_temp_path', 'fastcgi_temp_path', 'uwsgi_temp_path', 'scgi_temp_path']
const DIR_PATHS = new Set([...HTTP_TEMP_PATHS, 'proxy_cache_path', 'fastcgi_cache_path', 'uwsgi_cache_path', 'scgi_cache_path'])
const LOGS = new Set(['error_log', 'access_log'])
const RUN_FILES = new Set(['pid', 'lock_file'])
// What nginx loads at configuration time: a stand-in keeps the check about the config, not
// about certificates that live only on the servers.
const CERTS = new Set(['ssl_certificate', 'ssl_trusted_certificate', 'ssl_client_certificate', 'proxy_ssl_certificate', 'proxy_ssl_trusted_certificate', 'grpc_ssl_certificate', 'grpc_ssl_trusted_certificate', 'uwsgi_ssl_certificate', 'uwsgi_ssl_trusted_certificate'])
const KEYS = new Set(['ssl_certificate_key', 'proxy_ssl_certificate_key', 'grpc_ssl_certificate_key', 'uwsgi_ssl_certificate_key'])
const STAND_INS = join(PACKAGE_ROOT, 'templates', 'nginx-test')
// Directives that run code while nginx reads the config, in builds that have them (OpenResty
// compiles Lua in; perl and njs are common modules): a pull request's config must not run here.
const RUNS_CODE = new Set(['load_module', 'init_by_lua', 'init_by_lua_block', 'init_by_lua_file', 'perl_modules', 'perl_require', 'perl', 'perl_set', 'js_import', 'js_include', 'js_path', 'js_preload_object', 'ssl_engine'])
// What nginx -t needs from this machine rather than from the config: a name its resolver knows,
// a user or group that exists here.
const THIS_HOST = /^(?:host not found in |getpwnam\(|getgrnam\()/

export interface Verdict {
  file: string
  line?: number
  message: string
}

export interface NginxTestResult {
  /** The entry configs nginx -t ran on. */
  ran: string[]
  /** nginx refused the configuration: invalid input. */
  refused: Verdict[]
  /** nginx stopped on what the checked files do not hold (a GeoIP database, a name only the deployment's DNS knows): not judged. */
  incomplete: Verdict[]
  /** What the staged copy changed, and nginx's warnings. */
  notes: string[]
}

interface Edit {
  start: number
  end: number
  with: string
}

export interface NginxTestInput {
  snapshot: Pick<Snapshot, 'files'>
  entries: string[]
  map: PathMapping[]
  /** Absolute includes the files source could not place (not read). */
  outside: Array<{file: string; line: number; path: string}>
  /** Where paths in messages are shown relative to. */
  cwd: string
}

const isMain = (parsed: NginxDirective[]) => parsed.some((d) => d.directive === 'events' || d.directive === 'http' || d.directive === 'stream')

/** `nobody` from /etc/passwd (65534 where it is missing): who nginx -t runs as when conntune is root. */
function nobody(): {uid: number; gid: number} {
  try {
    const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('nobody:'))
    const [, , uid, gid] = line?.split(':') ?? []
    if (uid && gid && /^\d+$/.test(uid) && /^\d+$/.test(gid)) return {uid: Number(uid), gid: Number(gid)}
  } catch {
    // fall through
  }
  return {uid: 65534, gid: 65534}
}

function run(program: string, args: string[], as: {uid: number; gid: number} | null): Promise<{code: number; stderr: string}> {
  return new Promise((resolve) => {
    const child = execFile(program, args, {timeout: TIMEOUT_MS, maxBuffer: MAX_OUTPUT, encoding: 'utf8', env: {PATH: '/usr/sbin:/usr/bin:/sbin:/bin'}, ...(as ?? {})}, (error, _stdout, stderr) => {
      const e = error as (NodeJS.ErrnoException & {killed?: boolean; code?: number | string}) | null
      if (e?.killed) resolve({code: -1, stderr: `nginx: [emerg] timed out after ${TIMEOUT_MS / 1000} s`})
      else if (e && typeof e.code !== 'number') resolve({code: e.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER' ? 1 : -1, stderr: e.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER' ? String(stderr) : `nginx: [emerg] could not run nginx: ${e.code ?? e.message}`})
      else resolve({code: e ? Number(e.code) : 0, stderr: String(stderr)})
    })
    child.stdin?.end()
  })
}

/** A token as nginx reads it back: quoted, with the characters nginx unescapes escaped. */
const quote = (path: string) => `"${path.replace(/["\\]/g, '\\$&')}"`

/** Same length in lines: every character but newlines becomes a space. */
const blank = (text: string) => text.replace(/[^\n]/g, ' ')

/**
 * Stages the nginx files of a check and runs `nginx -t` on each main entry (one with an
 * events, http or stream block: a lone server{} file is not a config nginx loads by itself).
 */
export async function nginxTest(input: NginxTestInput): Promise<NginxTestResult> {
  const nginx = findProgram('nginx')
  if (!nginx) throw new UserError('--nginx-test: nginx is not installed here (looked on PATH and in /usr/sbin, /usr/local/sbin, /sbin)')
  // A mapped file is named by its host path in the parse; people know it by its place in the checkout.
  const onDisk = (p: string) => (p in input.snapshot.files ? p : (mapPath(p, input.map) ?? p))
  const shown = (p: string) => {
    const d = onDisk(p)
    return d.startsWith(input.cwd + '/') ? relative(input.cwd, d) : d
  }
  const memory = new MemoryFileReader(fileTexts(input.snapshot))
  const reader = input.map.length > 0 ? mappedReader(memory, input.map) : memory
  const version = /nginx\/(\d+\.\d+\.\d+)/.exec((await run(nginx, ['-v'], null)).stderr)?.[1] ?? null
  const as = process.getuid?.() === 0 ? nobody() : null
  const result: NginxTestResult = {ran: [], refused: [], incomplete: [], notes: []}
  const stage = mkdtempSync(join(tmpdir(), 'conntune-nginx-t-'))
  const own = (p: string) => {
    if (as) chownSync(p, as.uid, as.gid)
  }
  own(stage)
  // resolve('/', …) clamps `..`: no file name or include argument can place a copy outside the stage.
  const staged = (p: string) => join(stage, 'root', resolve('/', p))
  try {
    for (const d of ['logs', 'paths', 'run', 'certs']) {
      mkdirSync(join(stage, d))
      own(join(stage, d))
    }
    for (const f of ['dummy.crt', 'dummy.key', 'dhparam.pem']) {
      copyFileSync(join(STAND_INS, f), join(stage, 'certs', f))
      own(join(stage, 'certs', f))
    }
    let counter = 0
    const fresh = (dir: string, ext = '') => join(stage, dir, `${counter++}${ext}`)
    // Keyed by span: an insertion (start = end) and a replacement may share a start.
    const edits = new Map<string, Map<string, Edit>>()
    const edit = (file: string, e: Edit) => {
      let m = edits.get(file)
      if (!m) edits.set(file, (m = new Map()))
      const key = `${e.start}-${e.end}`
      if (!m.has(key)) m.set(key, e)
    }
    const texts = new Map<string, string>()
    const written = new Set<string>()
    const notes = new Set<string>()
    const mains: string[] = []
    const hasPid = new Set<string>()

    for (const entry of input.entries) {
      const r = parseNginx(entry, reader, {spans: true})
      const files = r.value.files
      if (files.length === 0 || !isMain(files[0].parsed)) continue
      mains.push(entry)
      for (const f of files) {
        const t = reader.read(f.file)
        if ('text' in t) texts.set(f.file, t.text)
        // Includes are references in each file's own tree. Every one points into the stage as an
        // absolute path (relative ones resolve against the entry's directory, nginx's conf_prefix),
        // so no `../` can lead nginx to a host file and echo its lines back as "unknown directive".
        walkNginx(f.parsed, (d) => {
          const arg = d.source?.args[0]
          if (d.directive === 'include' && arg && d.args[0]) edit(f.file, {start: arg.start, end: arg.end, with: quote(staged(resolveIncludePath(d.args[0], `${dirname(entry)}/`)))})
        })
      }
      const tree = inlineIncludes(r.value)
      walkNginx(tree, (d, parents) => {
        const s = d.source
        const arg = s?.args[0]
        if (!s) return
        const at = `${shown(d.file)}:${d.line}`
        const value = d.args[0] ?? ''
        if (RUNS_CODE.has(d.directive)) {
          notes.add(`${at}: ${d.directive} left out of the nginx -t copy (it runs code while nginx reads the config)`)
          edit(d.file, {start: s.start, end: s.end, with: blank(texts.get(d.file)?.slice(s.start, s.end) ?? '')})
        } else if (LOGS.has(d.directive) && arg && !/^(off|stderr|syslog:|memory:)/.test(value)) {
          edit(d.file, {start: arg.start, end: arg.end, with: quote(fresh('logs', '.log'))})
        } else if (RUN_FILES.has(d.directive) && arg) {
          if (d.directive === 'pid' && parents.length === 0) hasPid.add(entry)
          edit(d.file, {start: arg.start, end: arg.end, with: quote(fresh('run'))})
        } else if (d.directive === 'listen' && arg && value.startsWith('unix:')) {
          // nginx -t binds its listening sockets: a unix one is a file it creates (and removes) on the host.
          edit(d.file, {start: arg.start, end: arg.end, with: quote(`unix:${fresh('run', '.sock')}`)})
        } else if (DIR_PATHS.has(d.directive) && arg) {
          edit(d.file, {start: arg.start, end: arg.end, with: quote(fresh('paths'))})
        } else if ((CERTS.has(d.directive) || KEYS.has(d.directive) || d.directive === 'ssl_dhparam') && arg && !value.includes('$') && !/^(data|engine):/.test(value)) {
          const file = KEYS.has(d.directive) ? 'dummy.key' : d.directive === 'ssl_dhparam' ? 'dhparam.pem' : 'dummy.crt'
          notes.add('certificates, keys and DH parameters are replaced by stand-ins in the nginx -t copy (it checks the config, not files that live only on the servers)')
          edit(d.file, {start: arg.start, end: arg.end, with: quote(join(stage, 'certs', file))})
        }
        if (d.directive === 'http' && d.block && s) {
          // The compiled-in temp directories and access log apply unless http{} itself sets them.
          const set = new Set(d.block.map((x) => x.directive))
          const add = [...HTTP_TEMP_PATHS.filter((n) => !set.has(n)).map((n) => `${n} ${quote(fresh('paths'))};`), ...(set.has('access_log') ? [] : [`access_log ${quote(fresh('logs', '.log'))};`])]
          const text = texts.get(d.file) ?? ''
          if (add.length > 0 && text[s.end - 1] === '}') edit(d.file, {start: s.end - 1, end: s.end - 1, with: ` ${add.join(' ')} `})
        }
      })
    }
    // nginx -t writes the pid file to check it can (ngx_init_cycle): the compiled-in one is /run's.
    for (const entry of mains) if (!hasPid.has(entry)) edit(entry, {start: 0, end: 0, with: `pid ${quote(fresh('run'))}; `})
    for (const o of input.outside) {
      if (texts.has(o.file)) throw new UserError(`${shown(o.file)}:${o.line}: --nginx-test: include ${o.path} is outside the checked files, so nginx -t would judge a different config; say where it is with --map or --root`)
    }
    append(result.notes, notes)
    if (mains.length === 0) {
      result.notes.push('nginx -t: no main nginx config (with an events, http or stream block) among the files; nothing run')
      return result
    }
    for (const [file, text] of texts) {
      // From the end, and at one offset the replacement before the insertion, so neither moves the other.
      const list = [...(edits.get(file)?.values() ?? [])].sort((a, b) => b.start - a.start || b.end - a.end)
      let out = text
      for (const e of list) out = out.slice(0, e.start) + e.with + out.slice(e.end)
      // nginx finds a mapped file by its host path and a checkout file by its own: a glob names
      // files by their place in the checkout, a single include by the host path, so both get a copy.
      for (const place of placesOf(file, input.map)) {
        const to = staged(place)
        for (let dir = dirname(to); dir.length > stage.length; dir = dirname(dir)) {
          mkdirSync(dir, {recursive: true})
          own(dir)
        }
        writeFileSync(to, out, {mode: 0o600})
        own(to)
        written.add(to)
      }
    }
    const locate = (name: string) => {
      const re = new RegExp(`\\$(?:${name}\\b|\\{${name}\\})`)
      for (const [file, text] of texts) {
        const m = re.exec(text)
        if (m) return {file, line: lineNumberer(text)(m.index)}
      }
      return null
    }
    const flags = version && versionAtLeast(version, '1.19.5') ? ['-e', 'stderr'] : []
    // Bounded in all, not only per run: a crafted tree of thousands of main configs, each
    // waiting on a resolver, would otherwise hold a CI job for hours.
    const deadline = Date.now() + TOTAL_MS
    for (const [i, entry] of mains.entries()) {
      if (i >= MAX_RUNS || Date.now() > deadline) {
        result.incomplete.push({file: shown(entry), message: `not run: nginx -t ran on ${i} main configs${i >= MAX_RUNS ? '' : ` in ${TOTAL_MS / 1000} s`}, its bound; ${mains.length - i} not checked`})
        break
      }
      result.ran.push(shown(entry))
      const r = await run(nginx, ['-t', '-q', ...flags, '-p', `${stage}/`, '-c', staged(entry)], as)
      readVerdict(r.stderr, r.code, {stage, root: join(stage, 'root'), entry, shown, locate, written}, result)
    }
  } finally {
    rmSync(stage, {recursive: true, force: true})
  }
  return result
}

/** Where nginx may look for a file: its own path, the checkout path a host path maps to, the host paths mapped onto it. */
export function placesOf(file: string, map: PathMapping[]): Set<string> {
  const out = new Set([file])
  const mapped = mapPath(file, map)
  if (mapped) out.add(mapped)
  for (const m of map) {
    if (m.to !== '/' && isInside(file, m.to)) out.add(`${m.from === '/' ? '' : m.from}${file.slice(trimTrailing(m.to, '/').length)}` || '/')
  }
  return out
}

interface Places {
  stage: string
  root: string
  entry: string
  shown: (p: string) => string
  /** Where a variable is first used: nginx names no line for an unknown variable (it resolves them after parsing). */
  locate?: (variable: string) => {file: string; line: number} | null
  /** The files written into the stage: a missing one is a file the check did not read either. */
  written?: ReadonlySet<string>
}

/** nginx's [emerg]/[alert]/[crit] lines as verdicts, its [warn] lines as notes, stage paths turned back into the repo's. */
export function readVerdict(stderr: string, code: number, at: Places, into: NginxTestResult): void {
  const back = (s: string) => s.replaceAll(at.root, '').replaceAll(`${at.stage}/`, '')
  const unstage = (p: string) => at.shown(p.startsWith(at.root + '/') ? p.slice(at.root.length) : p)
  let judged = false
  for (const raw of stderr.split('\n').slice(0, 200)) {
    // `nginx: [emerg] …` before the error log opens, `2026/12/02 21:45:35 [emerg] 8653#8653: …` after (-e stderr).
    const m = /^(?:nginx: |\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d )\[(emerg|alert|crit|error|warn)\] (?:\d+#\d+: )?(.*?)(?: in (\/\S+):(\d+))?$/.exec(raw.trim())
    if (!m) continue
    const [, level, text, file, line] = m
    if (/^could not open error log file|the "user" directive makes sense only if/.test(text)) continue
    const message = escapeTerminal(back(text)).slice(0, 300)
    const variable = !file ? /^unknown "(\w+)" variable$/.exec(text)?.[1] : undefined
    const found = variable ? at.locate?.(variable) : null
    const where = found ? {file: at.shown(found.file), line: found.line} : {file: file ? unstage(file) : at.shown(at.entry), ...(line ? {line: Number(line)} : {})}
    if (level === 'warn') {
      if (into.notes.length < MAX_LINES) into.notes.push(`${where.file}${where.line ? `:${where.line}` : ''}: nginx -t: warning: ${message}`)
      continue
    }
    judged = true
    // nginx opens its listening sockets last, after the whole config parsed and merged; as
    // nobody (or without the deployment's addresses) bind() fails where the servers would not.
    if (/^bind\(\) to \S+ failed/.test(text)) {
      into.notes.push(`nginx -t accepted the configuration up to its listening sockets, which it cannot open here (${message}); only the module start-up checks after that did not run`)
      continue
    }
    // A file nginx needed that is not among the checked files (outside the stage) was not judged.
    const needs = /"(\/[^"]+)"/.exec(text)?.[1]
    const unread = needs !== undefined && (!needs.startsWith(at.stage) || (at.written !== undefined && !at.written.has(needs)))
    const target = (unread && /open\(\)|cannot load|BIO_new_file|No such file|failed \(2:/.test(text)) || THIS_HOST.test(text) ? into.incomplete : into.refused
    if (target.length < MAX_LINES) target.push({...where, message})
  }
  if (code !== 0 && !judged) into.refused.push({file: at.shown(at.entry), message: escapeTerminal(back(stderr.trim().split('\n')[0] ?? '') || `nginx -t exited ${code}`).slice(0, 300)})
}

/**
 * nginx's verdict joins the check's: a refusal is invalid input (exit 2, over findings), a
 * config nginx could not judge leaves the check incomplete (exit 3 where it would pass). Each
 * line goes to stderr like the check's other invalid-input lines, whatever the report format.
 */
export function applyNginxTest(result: AuditResult, tested: NginxTestResult): void {
  result.nginxTest = tested
  const line = (v: Verdict, what: string) => `conntune: ${v.file}${v.line ? `:${v.line}` : ''}: ${what}: ${v.message}\n`
  for (const n of tested.notes) process.stderr.write(`conntune: note: ${n}\n`)
  for (const v of tested.incomplete) process.stderr.write(line(v, 'nginx -t could not judge this here (it needs a file outside the checked files, or this machine)'))
  for (const v of tested.refused) process.stderr.write(line(v, 'nginx -t'))
  if (tested.refused.length > 0) result.exitCode = EXIT.invalid
  else if (tested.incomplete.length > 0 && result.exitCode === EXIT.ok) result.exitCode = EXIT.incomplete
}
