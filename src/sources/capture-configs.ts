// Captures server configuration files as raw text into a snapshot. No parsing happens here:
// include lines are only scanned with a pattern, so that files outside the usual trees that
// a config includes are captured too; the parsers on the analysis side decide what they mean.
import {posix} from 'node:path'
import picomatch from 'picomatch'
import {oneByte} from '../text/one-byte.js'
import {LIMITS} from '../snapshot/kernel-keys.js'
import {CAPTURE_LIMITS, CONFIG_TREES, GUNICORN_FILES, MAIN_CONFIGS, UNIT_DIRS} from '../snapshot/config-locations.js'
import type {Snapshot} from '../snapshot/types.js'
import type {RootFs} from './rootfs.js'
import {lineNumberer} from '../text/lines.js'
import {append} from '../append.js'

/** Where captured files go; `maxBytes` (default LIMITS.configBytes) bounds each one (check --max-file-size). */
export type Sink = Pick<Snapshot, 'files' | 'dirs'> & {maxBytes?: number}

function captureFile(fs: RootFs, sink: Sink, path: string, maxBytes: number = sink.maxBytes ?? LIMITS.configBytes): string | undefined {
  if (sink.files[path]) return sink.files[path].text
  const f = fs.readFile(path, maxBytes)
  sink.files[path] = f
  noteTreeFile(sink.files, path)
  return f.text
}

const TREE_PREFIXES = {nginx: CONFIG_TREES.nginx.map((t) => `${t}/`), lighttpd: CONFIG_TREES.lighttpd.map((t) => `${t}/`)}
const inTree = (kind: 'nginx' | 'lighttpd', f: string) => TREE_PREFIXES[kind].some((t) => f.startsWith(t))

/**
 * The captured files under a kind's usual trees (/etc/nginx…), where followIncludes starts.
 * Found once per snapshot and kept up as files are captured: `check` follows includes from
 * every entry point, and scanning every file for each of 2 500 entries was quadratic.
 */
const treeFiles = new WeakMap<Sink['files'], Record<'nginx' | 'lighttpd', Set<string>>>()

function treeFilesOf(files: Sink['files'], kind: 'nginx' | 'lighttpd'): Set<string> {
  let t = treeFiles.get(files)
  if (!t) {
    t = {nginx: new Set(), lighttpd: new Set()}
    for (const f of Object.keys(files)) for (const k of ['nginx', 'lighttpd'] as const) if (inTree(k, f)) t[k].add(f)
    treeFiles.set(files, t)
  }
  return t[kind]
}

function noteTreeFile(files: Sink['files'], path: string): void {
  const t = treeFiles.get(files)
  if (t) for (const k of ['nginx', 'lighttpd'] as const) if (inTree(k, path)) t[k].add(path)
}

/** Captures a directory tree (bounded), recording listings so globs can be expanded later. */
function captureTree(fs: RootFs, sink: Sink, dir: string, budget: {files: number}, depth = 0): void {
  if (depth > 16 || sink.dirs[dir]) return
  const listing = fs.listDir(dir)
  sink.dirs[dir] = listing
  for (const name of listing.entries ?? []) {
    const p = posix.join(dir, name)
    const kind = fs.kind(p)
    if (kind === 'dir') captureTree(fs, sink, p, budget, depth + 1)
    else if (kind === 'file' && budget.files-- > 0) captureFile(fs, sink, p)
  }
}

const GLOB = /[*?[]/

/** Captures the files an include pattern names (a plain path, or a glob within one directory); returns them. */
export function captureIncluded(fs: RootFs, sink: Sink, path: string): string[] {
  if (!GLOB.test(path)) return captureLiteral(fs, sink, path)

  const dir = posix.dirname(path)
  if (GLOB.test(dir)) return [] // a glob in a directory part: rare; the parser will report what is missing
  if (!sink.dirs[dir]) sink.dirs[dir] = fs.listDir(dir)
  const match = picomatch(posix.basename(path), {dot: false})
  // A matched name is literal: "app[1].conf" globbed again would match itself forever.
  return (sink.dirs[dir].entries ?? []).filter((name) => match(name)).flatMap((name) => captureLiteral(fs, sink, posix.join(dir, name)))
}

function captureLiteral(fs: RootFs, sink: Sink, name: string): string[] {
  // The key every directive of the file is named by, from here to the report (see one-byte.ts).
  const path = oneByte(name)
  if (fs.kind(path) !== 'file') return []
  captureFile(fs, sink, path)
  return [path]
}

// Anywhere a directive can start (after `{`, `;` or a newline); a match inside a comment only
// captures one file too many, which the parser then ignores.
const NGINX_INCLUDE = /(?:^|[\s;{}])include[ \t]+(?:"([^"]+)"|'([^']+)'|([^;\s]+))[ \t]*;/gm
const LIGHTTPD_INCLUDE = /(?:^|[\s{}])include[ \t]+"([^"]+)"/gm

/** An absolute include conntune check may not read where it is written (see contain.ts). */
export interface OutsideInclude {
  file: string
  line: number
  path: string
}

export interface IncludeView {
  /** Host path of an absolute include → where it is read (a --map or --root directory); null: not mapped. */
  translate(abs: string): string | null
  /** Unmapped absolute includes, with where they are written. */
  outside: OutsideInclude[]
}

/** Follows include lines (by pattern) from the main config and its trees, a bounded number of rounds; returns the files reached. */
export function followIncludes(fs: RootFs, sink: Sink, kind: 'nginx' | 'lighttpd', main: string, view?: IncludeView): Set<string> {
  const pattern = kind === 'nginx' ? NGINX_INCLUDE : LIGHTTPD_INCLUDE
  const confDir = posix.dirname(main)
  // A main read by the caller after the list was made (audit --nginx-conf twice) joins it here.
  const trees = treeFilesOf(sink.files, kind)
  if (inTree(kind, main) && sink.files[main]) trees.add(main)
  let frontier = [main, ...trees]
  const seen = new Set<string>()
  // A pattern met again names the same files, already in a frontier: files that each
  // include the whole directory would otherwise cost files × matches lookups.
  const patterns = new Set<string>()
  for (let round = 0; round < CAPTURE_LIMITS.includeRounds && frontier.length > 0; round++) {
    const next: string[] = []
    for (const file of frontier) {
      const text = sink.files[file]?.text
      if (seen.has(file) || text === undefined) continue
      seen.add(file)
      const lineOf = lineNumberer(text)
      for (const m of text.matchAll(pattern)) {
        const raw = m[1] ?? m[2] ?? m[3]
        if (!raw || raw.includes('$')) continue
        let target = posix.isAbsolute(raw) ? raw : posix.join(confDir, raw)
        if (view && posix.isAbsolute(raw)) {
          const mapped = view.translate(posix.normalize(raw))
          if (mapped === null) {
            view.outside.push({file, line: lineOf(m.index + m[0].indexOf('include')), path: raw})
            continue
          }
          target = mapped
        }
        if (patterns.has(target)) continue
        patterns.add(target)
        append(next, captureIncluded(fs, sink, target))
      }
    }
    frontier = next
  }
  seen.delete(main)
  return seen
}

const CONFIG_FLAG = /(?:^|\s)(?:-c|--config)(?:=|\s+)(?:"([^"]+)"|'([^']+)'|(\S+))/g

/**
 * The units worth reading: every unit in /etc and /run (the admin's and transient ones), and
 * the vendor units that are enabled (linked from a *.wants/*.requires directory). Reading all
 * few hundred vendor units on every audit would cost more than it finds.
 */
function candidateUnits(fs: RootFs, sink: Sink): string[] {
  const names = new Set<string>()
  for (const dir of UNIT_DIRS.slice(0, 2)) {
    const listing = fs.listDir(dir)
    if (listing.error === 'ENOENT') continue
    sink.dirs[dir] = listing
    for (const name of listing.entries ?? []) {
      if (name.endsWith('.service')) names.add(name)
      else if (/\.(wants|requires)$/.test(name)) for (const n of fs.listDir(posix.join(dir, name)).entries ?? []) if (n.endsWith('.service')) names.add(n)
    }
  }
  const paths: string[] = []
  for (const name of [...names].slice(0, CAPTURE_LIMITS.unitFiles)) {
    // A template instance (app@8000.service) runs its template's file.
    const file = templateOf(name)
    const found = UNIT_DIRS.map((d) => posix.join(d, file)).find((p) => fs.kind(p) === 'file')
    if (found) paths.push(found)
  }
  return paths
}

/** systemd units that run gunicorn, their drop-ins, and the config and environment files they name. */
function captureGunicorn(fs: RootFs, sink: Sink): void {
  for (const path of candidateUnits(fs, sink)) {
    const f = fs.readFile(path, CAPTURE_LIMITS.unitBytes)
    if (f.text === undefined || !/gunicorn/.test(f.text)) continue
    sink.files[path] = f
    const name = posix.basename(path)
    const texts = [f.text]
    for (const dir of UNIT_DIRS) for (const dropIn of captureIncluded(fs, sink, posix.join(dir, `${name}.d`, '*.conf'))) texts.push(sink.files[dropIn]?.text ?? '')
    const all = texts.join('\n')
    const workdir = /^WorkingDirectory=\s*-?(\S+)/m.exec(all)?.[1]
    for (const m of all.matchAll(CONFIG_FLAG)) {
      const p = m[1] ?? m[2] ?? m[3]
      if (p.startsWith('python:')) continue // a module, not a file
      const abs = posix.isAbsolute(p) ? p : workdir ? posix.join(workdir, p) : null
      if (abs) captureIncluded(fs, sink, abs)
    }
    if (workdir) captureIncluded(fs, sink, posix.join(workdir, 'gunicorn.conf.py'))
    for (const m of all.matchAll(/^EnvironmentFile=\s*-?(\S+)/gm)) captureIncluded(fs, sink, m[1])
  }
  for (const p of GUNICORN_FILES) {
    const kind = fs.kind(p)
    if (kind === 'file') captureFile(fs, sink, p)
    else if (kind === 'dir') captureTree(fs, sink, p, {files: 200})
  }
}

export function captureConfigs(fs: RootFs, sink: Sink, opts: {nginxConfPath?: string} = {}): void {
  for (const kind of ['nginx', 'lighttpd'] as const) {
    const budget = {files: CAPTURE_LIMITS.filesPerTree}
    for (const tree of CONFIG_TREES[kind]) if (fs.kind(tree) === 'dir') captureTree(fs, sink, tree, budget)
    const main =
      (kind === 'nginx' ? opts.nginxConfPath : undefined) ?? MAIN_CONFIGS[kind].find((p) => sink.files[p]?.text !== undefined)
    if (main) {
      captureFile(fs, sink, main)
      followIncludes(fs, sink, kind, main)
    }
  }
  captureGunicorn(fs, sink)
}

/** `name.replace(/@[^.]+\.service$/, '@.service')`, which is O(n²) on a long name of @s. */
export function templateOf(name: string): string {
  if (!name.endsWith('.service')) return name
  const stem = name.slice(0, -'.service'.length)
  const at = stem.indexOf('@', stem.lastIndexOf('.') + 1)
  return at === -1 || at === stem.length - 1 ? name : `${stem.slice(0, at)}@.service`
}
