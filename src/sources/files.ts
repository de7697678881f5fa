// The files source, for `conntune check` on a repository: the files named (or found under the
// directories named), each with its kind detected by name and content, plus the files their
// includes reach. No /proc: the kernel side is judged from sysctl files alone.
import {lstatSync, readdirSync, statSync} from 'node:fs'
import {basename, dirname, join, resolve} from 'node:path'
import {yamlSync} from '../yaml-sync.js'
import {UserError} from '../errors.js'
import {LIMITS} from '../snapshot/kernel-keys.js'
import {SNAPSHOT_FORMAT, SNAPSHOT_VERSION, type Snapshot} from '../snapshot/types.js'
import {captureIncluded, followIncludes, type IncludeView, type OutsideInclude} from './capture-configs.js'
import {checkBoundary, isInside, OUTSIDE, parseMapping, treeOf, type PathMapping} from './contain.js'
import {RootFs} from './rootfs.js'
import {lineNumberer} from '../text/lines.js'
import type {Problem} from '../model/types.js'
import {tooLarge} from './read-regular.js'
import {compareCodePoints} from '../text/order.js'

export const CONFIG_KINDS = ['nginx', 'lighttpd', 'gunicorn', 'sysctl', 'systemd', 'procfile', 'dockerfile', 'compose', 'script'] as const
export type ConfigKind = (typeof CONFIG_KINDS)[number]

const SKIP_DIRS = new Set(['.git', 'node_modules', '.venv', 'venv', '__pycache__', '.tox', 'dist', 'build'])
/** Backups (conntune fix's own included), patch leftovers and editor files are not configuration. */
const SKIP_FILES = /\.(bak|orig|rej|swp|swo|tmp|dpkg-old|dpkg-dist|rpmsave|rpmnew)$|~$/
// Candidates by name (mayBeConfig), as many as the nginx parser follows includes.
const MAX_FILES = 100_000

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory()
  } catch {
    return false
  }
}

// Content sniffers, tried on whole files. `^\s*` under the m flag runs over blank lines from every
// line start, and `[^;]*;` to the end of the file from every word that starts a line when no `;`
// follows: both O(n²) on a crafted file. So leading blanks are a line's own (the same verdict:
// a match whose `\s*` crossed lines also matches from the line it ends on), and what follows a
// word is found by looking ahead once (looksLikeNginx).
const NGINX_WORD = /^[^\S\n\r\u2028\u2029]*(?:(http|events|upstream|server|location|map|stream)\b|(?:listen|proxy_pass|server_name|keepalive_timeout|root|include|worker_processes)\s)/gm
const LIGHTTPD_CONTENT = /^[^\S\n\r\u2028\u2029]*(?:server\.[a-z-]+|\$(?:HTTP|SERVER|REQUEST_HEADER)\[|var\.[A-Za-z_]+|mod_[a-z]+)\s*(?:[+:]?=|\[|\s)/m
const SYSCTL_LINE = /^\s*-?(?:net|kernel|vm|fs|user|dev|abi|debug|crypto)[./][\w./*-]*\s*=/
/** Compose file names (the Compose specification's compose.yaml, docker-compose.yml, overrides and *.compose.yml). */
const COMPOSE_NAME = /^(?:docker-)?compose(?:\.[\w-]+)?\.ya?ml$|\.compose\.ya?ml$/
// A setting assigned at a line start, annotated or not; an annotation stays on its line (Python
// needs brackets to continue one), so `[^=\n]`, not `[^=]`, which scans to the end from each.
const GUNICORN_NAMES = /^[^\S\n\r\u2028\u2029]*(?:bind|workers|worker_class|keepalive|threads|timeout|graceful_timeout|backlog|worker_connections)[^\S\n\r\u2028\u2029]*(?::[^=\n\r\u2028\u2029]+)?=/gm

/**
 * Does some line start with an nginx block (`server … {`: its first `;` or `{` after the word
 * is a `{`) or a common directive (`listen …;`: a `;` follows)? The next `;` and `{` are found
 * forward only, so the whole file is scanned once.
 */
export function looksLikeNginx(text: string): boolean {
  const lastSemi = text.lastIndexOf(';')
  let semi = -1
  let brace = -1
  const next = (ch: string, from: number, at: number): number => {
    if (at >= from || at === Infinity) return at
    const i = text.indexOf(ch, from)
    return i === -1 ? Infinity : i
  }
  for (const m of text.matchAll(NGINX_WORD)) {
    const end = m.index! + m[0].length
    if (m[1] === undefined) {
      if (lastSemi >= end) return true
      continue
    }
    semi = next(';', end, semi)
    brace = next('{', end, brace)
    if (brace < semi) return true
  }
  return false
}

/** What kind of configuration a file is, by its name first and its content second. */
export function detectKind(path: string, text: string): ConfigKind | null {
  const name = basename(path)
  const parent = basename(dirname(path))
  if (/^Procfile(\..+)?$/.test(name)) return /\bgunicorn\b/.test(text) ? 'procfile' : null
  if (/^Dockerfile(\..+)?$|\.dockerfile$|^Containerfile$/i.test(name)) return /\bgunicorn\b/.test(text) ? 'dockerfile' : null
  if (name.endsWith('.service')) return /\bgunicorn\b/.test(text) ? 'systemd' : null
  if (COMPOSE_NAME.test(name)) return /\bgunicorn\b/.test(text) ? 'compose' : null
  // Shell entry points (docker-entrypoint.sh, start.sh) that start gunicorn.
  if (name.endsWith('.sh') || /^docker-entrypoint/.test(name)) return /\bgunicorn\b/.test(text) && /^#!.*\b(sh|bash|dash|ash)\b|\bexec\b/m.test(text) ? 'script' : null
  if (name.endsWith('.py')) return /gunicorn/i.test(name) || (text.match(GUNICORN_NAMES) ?? []).length >= 2 ? 'gunicorn' : null
  if (name === 'sysctl.conf' || parent === 'sysctl.d') return 'sysctl'
  if (name === 'nginx.conf' || /nginx/.test(path) || parent === 'sites-available' || parent === 'sites-enabled') {
    if (looksLikeNginx(text)) return 'nginx'
  }
  if (name === 'lighttpd.conf' || /lighttpd/.test(path)) {
    if (LIGHTTPD_CONTENT.test(text)) return 'lighttpd'
  }
  if (!/\.(conf|cfg|inc|nginx|vhost)$/.test(name) && name !== 'nginx.conf') return null
  const lines = text.split('\n').filter((l) => l.trim() && !/^\s*[#;]/.test(l))
  if (lines.length > 0 && lines.every((l) => SYSCTL_LINE.test(l))) return 'sysctl'
  if (looksLikeNginx(text)) return 'nginx'
  if (LIGHTTPD_CONTENT.test(text)) return 'lighttpd'
  return null
}

/**
 * Whether detectKind could say anything of a file by this name, whatever it holds: the walk
 * reads only these. A repository's sources, data and images are neither read nor counted (a
 * 6 MB CSV used to stop the check at the file bound, and 5 000 source files hid the configs
 * after them). Kept in step with detectKind by a property test.
 */
export function mayBeConfig(path: string): boolean {
  const name = basename(path)
  const parent = basename(dirname(path))
  return (
    /^(?:Procfile|Dockerfile|Containerfile)(\..+)?$|\.dockerfile$|^docker-entrypoint/i.test(name) ||
    /\.(?:service|sh|py|conf|cfg|inc|nginx|vhost)$/.test(name) ||
    COMPOSE_NAME.test(name) ||
    parent === 'sysctl.d' ||
    parent === 'sites-available' ||
    parent === 'sites-enabled' ||
    /nginx|lighttpd/.test(path)
  )
}

export interface CheckedFiles {
  snapshot: Snapshot
  /** Files in the directories named that exist but could not be read: the check is incomplete. */
  unreadable: Problem[]
  entries: {
    nginx: string[]
    lighttpd: string[]
    gunicornConf: string[]
    units: string[]
    procfiles: string[]
    dockerfiles: string[]
    composes: string[]
    scripts: string[]
    sysctl: string[]
    /** Where absolute paths of the checked configs are read (--map, --root): parsers follow them the same way. */
    map: PathMapping[]
    /** Absolute includes that no --map or --root places inside the checked trees: not read. */
    outside: OutsideInclude[]
  }
  /** Every file read with its kind. */
  kinds: Record<string, ConfigKind>
  /** Files named or found that were not checked, and why. */
  skipped: SkippedFile[]
}

/**
 * A Procfile, Dockerfile or unit by its name that does not run gunicorn: a valid file of a
 * kind conntune reads, with nothing in it for conntune (a worker, a Node app). Skipped, not an error.
 */
function notGunicorn(path: string): string | null {
  const name = basename(path)
  if (/^Procfile(\..+)?$/.test(name)) return 'a Procfile that does not run gunicorn'
  if (/^Dockerfile(\..+)?$|\.dockerfile$|^Containerfile$/i.test(name)) return 'a Dockerfile that does not run gunicorn'
  if (name.endsWith('.service')) return 'a systemd unit that does not run gunicorn'
  if (COMPOSE_NAME.test(name)) return 'a Compose file that does not run gunicorn'
  if (name.endsWith('.sh')) return 'a shell script that does not start gunicorn'
  return null
}

/** env_file: paths of every service (string, list, or {path} items); nothing when the YAML is invalid. */
function composeEnvFiles(text: string): string[] {
  let doc: unknown
  try {
    doc = yamlSync().parse(text, {maxAliasCount: 100})
  } catch {
    return []
  }
  const services = (doc as {services?: Record<string, {env_file?: unknown}>} | null)?.services
  if (!services || typeof services !== 'object') return []
  const out: string[] = []
  for (const svc of Object.values(services).slice(0, 1000)) {
    const ef = svc?.env_file
    for (const item of Array.isArray(ef) ? ef : ef === undefined ? [] : [ef]) {
      const path = typeof item === 'string' ? item : typeof item === 'object' && item && typeof (item as {path?: unknown}).path === 'string' ? (item as {path: string}).path : null
      if (path) out.push(path)
    }
  }
  return out.slice(0, 100)
}

export interface SkippedFile {
  file: string
  reason: string
}

/** Names that look like configuration: a skipped one is worth listing, a README is not. */
const CONFIG_LIKE = /\.(conf|cfg|inc|nginx|vhost|py|service)$|^(Procfile|Dockerfile|Containerfile)(\..+)?$|^nginx\.conf$/

/** Read errors that say nothing about the content (a refusal like binary or outside is a verdict). */
const UNREAD = /^E(ACCES|PERM|IO|NXIO|AGAIN|FBIG|MFILE|NFILE|NOMEM|BUSY|STALE)$/

function reasonFor(error: string): string {
  if (error === OUTSIDE) return 'a link that leaves the checked tree (not read)'
  if (error === 'ELOOP') return 'a symlink loop'
  if (error === 'binary' || error.startsWith('non-text')) return error === 'binary' ? 'binary content (not read)' : `${error} (not read)`
  return `cannot read: ${error}`
}

function walk(fs: RootFs, dir: string, out: string[], skipped: SkippedFile[], dirs: Snapshot['dirs'], keep: (path: string) => boolean, top = true): void {
  let names: string[]
  try {
    names = readdirSync(dir).sort()
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message
    if (top) throw new UserError(`${dir}: cannot read directory: ${code}`)
    // Below a named directory: the check goes on, incomplete (the model reports snapshot.dirs errors).
    dirs[dir] = {error: code}
    return
  }
  for (const n of names) {
    if (out.length >= MAX_FILES) {
      skipped.push({file: dir, reason: `more than ${MAX_FILES} files: the rest of this directory was not read`})
      return
    }
    const p = join(dir, n)
    let st
    try {
      st = lstatSync(p)
    } catch {
      continue // vanished while listing
    }
    // Links are judged where they lead (contain.ts); directory links are not walked, so a
    // link to `..` cannot make the walk go round.
    if (st.isSymbolicLink()) {
      const r = fs.resolve(p)
      if ('error' in r) {
        if (r.error !== 'ENOENT') skipped.push({file: p, reason: reasonFor(r.error)})
        continue
      }
      const kind = fs.kind(p)
      if (kind === 'dir') skipped.push({file: p, reason: 'a link to a directory (not followed; name the directory itself)'})
      else if (kind === 'file' && !SKIP_FILES.test(n) && keep(p)) out.push(p)
      continue
    }
    if (st.isDirectory()) {
      if (!SKIP_DIRS.has(n) && !n.startsWith('.')) walk(fs, p, out, skipped, dirs, keep, false)
    } else if (st.isFile()) {
      if (!SKIP_FILES.test(n)) {
        if (keep(p)) out.push(p)
      }
      else if (CONFIG_LIKE.test(n.replace(SKIP_FILES, ''))) skipped.push({file: p, reason: 'a backup or editor file'})
    } else if (CONFIG_LIKE.test(n)) skipped.push({file: p, reason: 'not a regular file'})
  }
}

/** --map flags (relative to where conntune runs) and .conntune.yaml `map:` (relative to that file). */
export function checkMappings(flags: string[], project: {file: string; config: {map?: Record<string, string>}} | null, cwd = process.cwd()): PathMapping[] {
  const out: PathMapping[] = []
  for (const spec of flags) {
    const m = parseMapping(spec, cwd)
    if (!m) throw new UserError(`--map ${spec}: expected PREFIX=DIR with an absolute PREFIX, e.g. /etc/nginx=deploy/nginx`)
    out.push(m)
  }
  for (const [from, to] of Object.entries(project?.config.map ?? {})) {
    const m = parseMapping(`${from}=${to}`, dirname(project!.file))
    if (m && !out.some((o) => o.from === m.from)) out.push(m)
  }
  for (const m of out) if (!isDir(m.to)) throw new UserError(`--map ${m.from}=${m.to}: no such directory`)
  return out
}

export interface CollectOptions {
  kind?: ConfigKind
  skipUnknown?: boolean
  toolVersion: string
  /** --root DIR: absolute paths in the configs are read under DIR. */
  root?: string
  /** --map PREFIX=DIR (and .conntune.yaml map:), already resolved against where they were given. */
  map?: PathMapping[]
  /** The checked tree; default the current directory. */
  cwd?: string
  /** check --max-file-size: the bound on one file (default LIMITS.configBytes, at most MAX_FILE_SIZE). */
  maxFileBytes?: number
}

/** The most --max-file-size may raise the per-file bound to: reading stays bounded. */
export const MAX_FILE_SIZE = 1024 * 1024 * 1024

/** "64MiB", "50M", "512k", "8388608": bytes (K/M/G as 1024 powers), within 1 KiB..MAX_FILE_SIZE. */
export function parseFileSize(text: string): number {
  const m = /^(\d+)\s*(?:(k|m|g)(?:i?b)?|b)?$/i.exec(text.trim())
  const n = m ? Number(m[1]) * 1024 ** ({k: 1, m: 2, g: 3}[(m[2] ?? '').toLowerCase() as 'k' | 'm' | 'g'] ?? 0) : NaN
  if (!Number.isSafeInteger(n) || n < 1024 || n > MAX_FILE_SIZE) throw new UserError(`--max-file-size ${text}: expected a size from 1KiB to 1GiB, e.g. 64MiB`)
  return n
}

export function collectFiles(paths: string[], opts: CollectOptions): CheckedFiles {
  const cwd = opts.cwd ?? process.cwd()
  const files: Snapshot['files'] = {}
  const dirs: Snapshot['dirs'] = {}
  const cap = opts.maxFileBytes ?? LIMITS.configBytes
  const sink = {files, dirs, maxBytes: cap}
  const kinds: Record<string, ConfigKind> = {}
  const skipped: SkippedFile[] = []
  const unreadable: Problem[] = []
  const named: string[] = []
  const found: string[] = []
  // The checked trees: where conntune runs, and what was named outside it.
  const trees = [cwd]
  const absolute = paths.map((p) => resolve(cwd, p))
  for (const abs of absolute) if (!isInside(abs, cwd) && !isInside(treeOf(abs), treeOf(cwd))) trees.push(isDir(abs) ? abs : dirname(abs))
  const map = [...(opts.map ?? []), ...(opts.root ? [{from: '/', to: resolve(cwd, opts.root)}] : [])].map((m) => ({from: m.from, to: treeOf(m.to)}))
  const boundary = checkBoundary({trees, map})
  const fs = new RootFs('/', boundary)
  const view: IncludeView = {translate: (abs) => boundary.rebase(abs), outside: []}
  for (const [i, p] of paths.entries()) {
    const abs = absolute[i]
    const r = fs.resolve(abs)
    if ('error' in r) {
      if (r.error === OUTSIDE) throw new UserError(`${p}: a symlink that leads outside the checked tree (${treeOf(cwd)}); name the file itself, or use --root/--map`)
      throw new UserError(`${p}: ${r.error === 'ENOENT' ? 'no such file or directory' : r.error}`)
    }
    if (isDir(r.real)) {
      // --kind makes every file found that kind: then names say nothing.
      walk(fs, abs, found, skipped, dirs, opts.kind ? () => true : mayBeConfig)
    } else named.push(abs)
  }
  // pre-commit passes every changed file: membership by set, not by scanning the list per file.
  const isNamed = new Set(named)
  for (const path of [...named, ...found]) {
    const f = fs.readFile(path, cap)
    files[path] = f
    if (f.text === undefined) {
      if (isNamed.has(path)) throw new UserError(`${path}: cannot read: ${f.error === OUTSIDE ? 'a symlink that leads outside the checked tree' : f.error}`)
      // A file that is there but could not be read (EACCES, EIO) might be configuration: the
      // check is incomplete. What is refused on purpose (outside, binary, loops) is only listed.
      if (UNREAD.test(f.error ?? 'EIO')) unreadable.push({file: path, message: `cannot read: ${f.error ?? 'EIO'}; not checked`})
      else skipped.push({file: path, reason: reasonFor(f.error ?? 'EIO')})
      delete files[path]
      continue
    }
    if (f.truncated) throw new UserError(`${path}: ${tooLarge(f.size, cap)}${cap < MAX_FILE_SIZE ? ' (check --max-file-size raises it)' : ''}`)
    const kind = opts.kind ?? detectKind(path, f.text)
    const skip = kind ? null : notGunicorn(path)
    if (kind) kinds[path] = kind
    else if (skip) {
      skipped.push({file: path, reason: skip})
      delete files[path]
    } else if (isNamed.has(path) && !opts.skipUnknown) throw new UserError(`${path}: cannot tell what kind of configuration this is; name it with --kind (${CONFIG_KINDS.join(', ')})`)
    else {
      if (!isNamed.has(path) && CONFIG_LIKE.test(basename(path))) skipped.push({file: path, reason: 'kind not recognised (name it with --kind)'})
      delete files[path]
    }
  }

  const of = (k: ConfigKind) => Object.keys(kinds).filter((p) => kinds[p] === k)
  // nginx/lighttpd entry points: a main config (http{}/events{} for nginx) and any file no
  // other checked file includes; relative includes resolve against the entry's directory.
  const entryFor = (k: 'nginx' | 'lighttpd') => {
    const all = of(k)
    const mains = k === 'nginx' ? all.filter((p) => /^[^\S\n\r\u2028\u2029]*(?:http|events)\s*\{/m.test(files[p].text ?? '')) : all.filter((p) => basename(p) === 'lighttpd.conf')
    const covered = new Set<string>()
    for (const m of mains) for (const p of followIncludes(fs, sink, k, m, view)) covered.add(p)
    const isMain = new Set(mains)
    const loose = all.filter((p) => !isMain.has(p) && !covered.has(p))
    for (const l of loose) followIncludes(fs, sink, k, l, view)
    return [...mains, ...loose]
  }
  const nginx = entryFor('nginx')
  const lighttpd = entryFor('lighttpd')
  // gunicorn config files named by units/Procfiles/Dockerfiles are read through the reader.
  for (const u of [...of('systemd'), ...of('procfile'), ...of('dockerfile'), ...of('compose'), ...of('script')]) {
    const lineOf = lineNumberer(files[u].text ?? '')
    for (const m of (files[u].text ?? '').matchAll(/(?:^|\s)(?:-c|--config)(?:=|\s+)["']?([^\s"']+)/g)) {
      if (m[1].startsWith('python:')) continue
      const target = m[1].startsWith('/') ? view.translate(m[1]) : resolve(dirname(u), m[1])
      if (target === null) view.outside.push({file: u, line: lineOf(m.index), path: m[1]})
      else captureIncluded(fs, sink, target)
    }
  }
  // A unit's EnvironmentFile= is an absolute host path (systemd.exec(5)): read where --map or
  // --root places it, like an absolute include; without either it is reported as not read.
  for (const u of of('systemd')) {
    const text = files[u].text ?? ''
    const lineOf = lineNumberer(text)
    for (const m of text.matchAll(/^[ \t]*EnvironmentFile[ \t]*=[ \t]*-?([^\s]+)/gm)) {
      if (!m[1].startsWith('/')) continue
      const target = view.translate(m[1])
      if (target === null) view.outside.push({file: u, line: lineOf(m.index), path: m[1]})
      else captureIncluded(fs, sink, target)
    }
  }
  // Compose services read the project's .env (interpolation) and their env_file: files.
  for (const c of of('compose')) {
    const dir = dirname(c)
    captureIncluded(fs, sink, join(dir, '.env'))
    for (const p of composeEnvFiles(files[c].text ?? '')) captureIncluded(fs, sink, resolve(dir, p))
  }
  const snapshot: Snapshot = {
    format: SNAPSHOT_FORMAT,
    version: SNAPSHOT_VERSION,
    collector: {tool: 'conntune', version: opts.toolVersion, source: 'files'},
    collectedAt: new Date().toISOString(),
    host: {name: 'files'},
    kernel: {release: null},
    sysctl: {},
    proc: {},
    files,
    dirs,
  }
  return {
    snapshot,
    kinds,
    skipped,
    unreadable,
    entries: {
      nginx,
      lighttpd,
      gunicornConf: of('gunicorn'),
      units: of('systemd'),
      procfiles: of('procfile'),
      dockerfiles: of('dockerfile'),
      composes: of('compose'),
      scripts: of('script'),
      // systemd-sysctl orders by file name with strcmp, whatever the directory (sysctl.d(5)).
      sysctl: of('sysctl').sort((a, b) => compareCodePoints(basename(a), basename(b)) || compareCodePoints(a, b)),
      map,
      outside: view.outside,
    },
  }
}
