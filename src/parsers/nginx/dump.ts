// Splitting `nginx -T` output back into files. nginx prints every file once, in the order it
// first opened them, as "# configuration file PATH:\n" + the file's bytes + "\n"
// (ngx_conf_add_dump / ngx_test_config). A file may itself contain a line that looks like
// such a header (a saved dump, a commented example), so a header is only taken as real when
// nginx would have opened that file next: replaying the includes read so far says which
// file that is. Anything else is part of the file being read. (A file that holds the exact
// header nginx prints next is ambiguous; a later header for the same path wins.)
import picomatch from 'picomatch'
import {ParseError} from '../types.js'
import type {ParseResult} from '../types.js'
import {dirOf, includeDirectives, isGlobPath, resolveIncludePath} from './includes.js'
import {parseNginxText} from './parser.js'

export interface NginxDump {
  entry: string
  files: Record<string, string>
}

const HEADER = /^# configuration file (.+):$/

interface Header {
  path: string
  /** Offset of the header line. */
  at: number
  /** Offset of the file text that follows it. */
  body: number
  line: number
}

function findHeaders(text: string): Header[] {
  const out: Header[] = []
  let at = 0
  let line = 1
  while (at <= text.length) {
    let nl = text.indexOf('\n', at)
    if (nl < 0) nl = text.length
    const m = HEADER.exec(text.slice(at, nl))
    if (m) out.push({path: m[1], at, body: Math.min(nl + 1, text.length), line})
    at = nl + 1
    line++
  }
  return out
}

/** A file's text: nginx appended one "\n" after it. */
function bodyOf(text: string, from: number, to: number): string {
  const s = text.slice(from, to)
  return s.endsWith('\n') ? s.slice(0, -1) : s
}

/** Include arguments, resolved, in the order nginx processes them. */
function includesOf(text: string, file: string, prefix: string): string[] {
  const parsed = parseNginxText(text, file).value.parsed
  return includeDirectives(parsed)
    .filter((d) => d.block === undefined && d.args.length === 1)
    .map((d) => resolveIncludePath(d.args[0], prefix))
}

interface Open {
  path: string
  includes: string[] | null
  /** Next include to look at; a glob stays current, it may open more files. */
  cursor: number
}

export function splitNginxDump(text: string, source = 'nginx -T output'): ParseResult<NginxDump> {
  const headers = findHeaders(text)
  if (headers.length === 0) {
    const emerg = text.split('\n').find((l) => /\[emerg\]|test failed/.test(l))
    const why = emerg ? `: ${emerg.trim()}` : ''
    return {
      value: {entry: '', files: {}},
      errors: [new ParseError('syntax', {file: source, line: 1, col: 1}, `no "# configuration file PATH:" header found${why}`)],
    }
  }

  const [first, ...rest] = headers
  const prefix = dirOf(first.path)
  const matchers = new Map<string, (p: string) => boolean>()
  const matches = (glob: string, path: string): boolean => {
    let m = matchers.get(glob)
    if (!m) {
      m = picomatch(glob, {dot: false, nobrace: true, noextglob: true})
      matchers.set(glob, m)
    }
    return m(path)
  }

  const files: Record<string, string> = {}
  const seen = new Set<string>([first.path])
  const stack: Open[] = [{path: first.path, includes: null, cursor: 0}]
  let current = first

  /** Which open file's include would open `path` next, or -1 if nginx would open something else. */
  const opener = (path: string, currentText: string): {frame: number; cursor: number} | -1 => {
    for (let f = stack.length - 1; f >= 0; f--) {
      const o = stack[f]
      const incs = o.includes ?? includesOf(currentText, o.path, prefix)
      for (let k = o.cursor; k < incs.length; k++) {
        const inc = incs[k]
        if (isGlobPath(inc)) {
          if (!seen.has(path) && matches(inc, path)) return {frame: f, cursor: k}
          continue
        }
        if (seen.has(inc)) continue
        // A plain include of a file not yet printed: that file must come next.
        return inc === path ? {frame: f, cursor: k} : -1
      }
    }
    return -1
  }

  /**
   * nginx prints a path once. When it has another header further on and no header in
   * between could be real, this one is text inside the current file (a pasted dump).
   */
  const deferToLater = (j: number): boolean => {
    const path = rest[j].path
    const later = rest.findIndex((h, k) => k > j && h.path === path)
    if (later < 0) return false
    for (let k = j + 1; k < later; k++) {
      const mid = rest[k]
      if (mid.path === path || seen.has(mid.path)) continue
      if (opener(mid.path, bodyOf(text, current.body, mid.at)) !== -1) return false
    }
    return true
  }

  for (let j = 0; j < rest.length; j++) {
    const h = rest[j]
    if (seen.has(h.path)) continue
    const currentText = bodyOf(text, current.body, h.at)
    const hit = opener(h.path, currentText)
    if (hit === -1 || deferToLater(j)) continue
    files[current.path] = currentText
    const top = stack[stack.length - 1]
    if (top.includes === null) top.includes = includesOf(currentText, top.path, prefix)
    stack.length = hit.frame + 1
    stack[hit.frame].cursor = hit.cursor
    stack.push({path: h.path, includes: null, cursor: 0})
    seen.add(h.path)
    current = h
  }
  files[current.path] = bodyOf(text, current.body, text.length)

  return {value: {entry: first.path, files}, errors: []}
}
