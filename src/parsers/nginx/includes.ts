// Following `include` the way nginx does (ngx_conf_include): a relative path is joined to
// the config prefix (the directory of the main file, not of the including file); a path
// with `*`, `?` or `[` is a glob, sorted, and may match nothing; any other path must open.
// Files are listed once each, breadth-first, as crossplane lists them, so include indices
// line up with `crossplane parse`. nginx has no cycle guard (it recurses until it crashes);
// conntune reports cycles and over-deep nesting instead.
import {MAX_INCLUDE_DEPTH} from '../../limits.js'
import {posix} from 'node:path'
import {ParseError} from '../types.js'
import type {FileReader, ParseErrorKind, ParseResult} from '../types.js'
import {escapeControls} from './lexer.js'
import {DEFAULT_MAX_FILE_BYTES, parseNginxText} from './parser.js'
import {walkNginx} from './tree.js'
import type {NginxConfig, NginxDirective, NginxFile} from './types.js'
import {append} from '../../append.js'

export interface ParseNginxOptions {
  /** Keep source spans on directives (for fixers). Default true. */
  spans?: boolean
  /** nginx's conf_prefix; default: the entry file's directory. */
  prefix?: string
  /** Default MAX_INCLUDE_DEPTH (32), as far as the collectors follow includes. */
  maxIncludeDepth?: number
  /** Default 8 MiB. */
  maxFileBytes?: number
  /**
   * Default 100 000. Shared hosting keeps a file per site (sites-enabled/*.conf), tens of
   * thousands of them; each costs its own bytes only, and the edge budget below stops globs
   * that multiply.
   */
  maxFiles?: number
  /**
   * Include edges (file -> included file) in all, default 100 000: 5000 files that each glob
   * the whole directory would be 25 million edges for the checks below to walk.
   */
  maxIncludeEdges?: number
}

const ERRNO: Record<string, number> = {
  EPERM: 1, ENOENT: 2, EACCES: 13, ENOTDIR: 20, EISDIR: 21, EMFILE: 24, ENAMETOOLONG: 36, ELOOP: 40,
}

export function dirOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/') + 1)
}

/** ngx_get_full_name(): absolute paths stay, others are appended to the prefix as they are. */
export function resolveIncludePath(arg: string, prefix: string): string {
  return arg.startsWith('/') ? arg : prefix + arg
}

/** nginx decides with strpbrk(path, "*?[") on the full path. */
export function isGlobPath(path: string): boolean {
  return /[*?[]/.test(path)
}

/** glob(3) in nginx's C locale sorts by bytes. */
export function sortBytes(paths: string[]): string[] {
  return [...paths].sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')))
}

/** `include` directives in document order (the order nginx meets them). */
export function includeDirectives(parsed: NginxDirective[]): NginxDirective[] {
  const out: NginxDirective[] = []
  walkNginx(parsed, (d) => {
    if (d.directive === 'include') out.push(d)
  })
  return out
}

function termOf(d: NginxDirective): {file: string; line: number; col: number} {
  return {file: d.file, line: d.source?.termLine ?? d.line, col: d.source?.termCol ?? d.col}
}

function readFailure(path: string, error: string, code: string | undefined): {kind: ParseErrorKind; message: string} {
  const n = code !== undefined ? ERRNO[code] : undefined
  const kind: ParseErrorKind = code === 'ENOENT' ? 'include' : code === 'EFBIG' ? 'limit' : 'io'
  return {kind, message: escapeControls(`open() "${path}" failed (${n !== undefined ? `${n}: ` : ''}${error})`)}
}

export function parseNginx(entry: string, reader: FileReader, opts: ParseNginxOptions = {}): ParseResult<NginxConfig> {
  let prefix = opts.prefix ?? dirOf(entry)
  if (prefix !== '' && !prefix.endsWith('/')) prefix += '/'
  const maxDepth = opts.maxIncludeDepth ?? MAX_INCLUDE_DEPTH
  const maxFileBytes = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES
  const maxFiles = opts.maxFiles ?? 100_000
  const maxEdges = opts.maxIncludeEdges ?? 100_000
  let edges = 0
  // The tree cannot change during one parse: a pattern met again matches the same files.
  const globbed = new Map<string, string[]>()

  const read = (path: string): {text: string} | {error: string; code?: string} => {
    const r = reader.read(path)
    // nginx opens the path as written (`/etc/nginx/../x`); a snapshot may key it normalized.
    if ('error' in r && r.code === 'ENOENT' && posix.normalize(path) !== path) {
      const n = reader.read(posix.normalize(path))
      if ('text' in n) return n
    }
    return r
  }

  const files: NginxFile[] = []
  const texts: string[] = []
  const depth: number[] = []
  const indexOf = new Map<string, number>()
  const includeErrors: ParseError[][] = []
  const flagged = new Set<NginxDirective>()
  const flag = (i: number, d: NginxDirective, kind: ParseErrorKind, message: string): void => {
    if (flagged.has(d)) return
    flagged.add(d)
    includeErrors[i].push(new ParseError(kind, termOf(d), message))
  }
  const add = (path: string, text: string, d: number): number => {
    const i = files.length
    files.push({file: path, status: 'ok', errors: [], parsed: [], comments: []})
    texts.push(text)
    depth.push(d)
    includeErrors.push([])
    indexOf.set(path, i)
    return i
  }

  const first = read(entry)
  if ('error' in first) {
    const f = readFailure(entry, first.error, first.code)
    const err = new ParseError(f.kind === 'include' ? 'io' : f.kind, {file: entry, line: 1, col: 1}, f.message)
    return {
      value: {entry, files: [{file: entry, status: 'failed', errors: [err], parsed: [], comments: []}]},
      errors: [err],
    }
  }
  add(entry, first.text, 0)

  let tooManyFiles = false
  let tooManyEdges = false
  for (let i = 0; i < files.length; i++) {
    const file = files[i]
    const r = parseNginxText(texts[i], file.file, {maxFileBytes, spans: opts.spans ?? true})
    texts[i] = ''
    file.parsed = r.value.parsed
    file.comments = r.value.comments
    file.errors = r.errors

    for (const d of includeDirectives(file.parsed)) {
      if (d.block !== undefined) {
        flag(i, d, 'include', 'directive "include" is not terminated by ";"')
        continue
      }
      if (d.args.length !== 1) {
        flag(i, d, 'include', 'invalid number of arguments in "include" directive')
        continue
      }
      d.includes = []
      if (depth[i] >= maxDepth) {
        flag(i, d, 'include', `includes nested deeper than ${maxDepth} levels`)
        continue
      }
      const full = resolveIncludePath(d.args[0], prefix)
      const glob = isGlobPath(full)
      let paths = glob ? globbed.get(full) : [full]
      if (paths === undefined) {
        paths = sortBytes(reader.glob(full))
        globbed.set(full, paths)
      }
      if (edges + paths.length > maxEdges) {
        // Once: the run is partial either way, and one line per file would flood the report.
        if (!tooManyEdges) flag(i, d, 'limit', escapeControls(`more than ${maxEdges} includes in all; "${d.args[0]}" and later includes not followed`))
        tooManyEdges = true
        continue
      }
      edges += paths.length
      for (const p of paths) {
        const known = indexOf.get(p)
        if (known !== undefined) {
          d.includes.push(known)
          continue
        }
        if (files.length >= maxFiles) {
          if (!tooManyFiles) flag(i, d, 'limit', `more than ${maxFiles} included files`)
          tooManyFiles = true
          break
        }
        const got = read(p)
        if ('error' in got) {
          const f = readFailure(p, got.error, got.code)
          flag(i, d, f.kind, f.message)
          continue
        }
        d.includes.push(add(p, got.text, depth[i] + 1))
      }
    }
  }

  checkIncludeGraph(files, maxDepth, flagged, flag)

  for (let i = 0; i < files.length; i++) {
    const f = files[i]
    f.errors = [...f.errors, ...includeErrors[i]].sort((a, b) => a.line - b.line || a.col - b.col)
    f.status = f.errors.length > 0 ? 'failed' : 'ok'
  }
  return {value: {entry, files}, errors: errorsInNginxOrder(files)}
}

interface Edge {
  to: number
  via: NginxDirective
}

function edgesOf(file: NginxFile): Edge[] {
  const out: Edge[] = []
  for (const d of includeDirectives(file.parsed)) for (const to of d.includes ?? []) out.push({to, via: d})
  return out
}

/**
 * Cycles (a back edge in a depth-first walk from the entry) and chains longer than
 * maxDepth along the longest path, which is the path nginx's recursion would take too.
 */
function checkIncludeGraph(
  files: NginxFile[],
  maxDepth: number,
  flagged: ReadonlySet<NginxDirective>,
  flag: (i: number, d: NginxDirective, kind: ParseErrorKind, message: string) => void,
): void {
  const edges = files.map(edgesOf)
  const color = new Uint8Array(files.length) // 0 new, 1 on the path, 2 done
  const back = new Set<Edge>()
  const postorder: number[] = []
  const path: Array<{node: number; next: number}> = [{node: 0, next: 0}]
  color[0] = 1
  while (path.length > 0) {
    const top = path[path.length - 1]
    const out = edges[top.node]
    if (top.next >= out.length) {
      color[top.node] = 2
      postorder.push(top.node)
      path.pop()
      continue
    }
    const e = out[top.next++]
    if (color[e.to] === 1) {
      back.add(e)
      // One message per directive: building the chain for every back edge of a wide glob
      // would cost the path length each time.
      if (flagged.has(e.via)) continue
      const from = path.findIndex((p) => p.node === e.to)
      const chain = [...path.slice(from).map((p) => files[p.node].file), files[e.to].file]
      flag(top.node, e.via, 'include', escapeControls(`include cycle: ${chain.join(' -> ')}`))
    } else if (color[e.to] === 0) {
      color[e.to] = 1
      path.push({node: e.to, next: 0})
    }
  }

  const longest = new Array<number>(files.length).fill(0)
  for (let k = postorder.length - 1; k >= 0; k--) {
    const u = postorder[k]
    for (const e of edges[u]) {
      if (back.has(e)) continue
      if (longest[u] === maxDepth) flag(u, e.via, 'include', `includes nested deeper than ${maxDepth} levels`)
      longest[e.to] = Math.max(longest[e.to], longest[u] + 1)
    }
  }
}

/**
 * All errors in the order nginx would meet them: it reads an included file completely at
 * the include, so an error there comes before anything later in the including file.
 */
function errorsInNginxOrder(files: NginxFile[]): ParseError[] {
  const out: ParseError[] = []
  if (files.length === 0) return out
  const seen = new Set<number>([0])
  interface Frame {
    errors: ParseError[]
    includes: NginxDirective[]
    e: number
    d: number
    pending: number[]
    p: number
  }
  const frame = (i: number): Frame => ({
    errors: files[i].errors,
    includes: includeDirectives(files[i].parsed).sort((a, b) => {
      const x = termOf(a)
      const y = termOf(b)
      return x.line - y.line || x.col - y.col
    }),
    e: 0,
    d: 0,
    pending: [],
    p: 0,
  })
  const stack: Frame[] = [frame(0)]
  while (stack.length > 0) {
    const f = stack[stack.length - 1]
    if (f.p < f.pending.length) {
      const next = f.pending[f.p++]
      if (!seen.has(next)) {
        seen.add(next)
        stack.push(frame(next))
      }
      continue
    }
    const err = f.errors[f.e]
    const inc = f.includes[f.d]
    if (err === undefined && inc === undefined) {
      stack.pop()
      continue
    }
    if (inc === undefined || (err !== undefined && (err.line - termOf(inc).line || err.col - termOf(inc).col) <= 0)) {
      out.push(err)
      f.e++
    } else {
      f.pending = inc.includes ?? []
      f.p = 0
      f.d++
    }
  }
  // Files no walk reached (none today) still report.
  for (let i = 0; i < files.length; i++) if (!seen.has(i)) append(out, files[i].errors)
  return out
}
