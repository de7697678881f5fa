// Where `include "x"` reads from (config_parse_file): relative names are taken against the
// directory of the main config file (not of the including file); names starting with "/",
// "./" or "../" against the process's working directory. Globs are expanded like glob(3) with
// GLOB_BRACE, and a glob that matches nothing is fine while a missing plain file is an error.
import {posix} from 'node:path'
import type {FileReader} from '../types.js'
import {append} from '../../append.js'
import {trimTrailing} from '../../text/trim.js'

/** The directory part of the -f path, with its trailing "/", or '' when it has none. */
export function baseDir(entry: string): string {
  const i = entry.lastIndexOf('/')
  return i < 0 ? '' : entry.slice(0, i + 1)
}

export function resolveInclude(arg: string, basedir: string, cwd: string | undefined, entryAbsolute: boolean): string {
  const fromCwd = basedir === '' || arg.startsWith('/') || arg.startsWith('./') || arg.startsWith('../')
  let p = fromCwd ? arg : `${trimTrailing(basedir, '/')}/${arg}`
  if (!p.startsWith('/')) {
    if (cwd !== undefined) p = posix.join(cwd, p)
    else if (entryAbsolute) p = `/${p}`
  }
  return p === '' ? p : posix.normalize(p)
}

/** lighttpd's own test for "this is a pattern, so no match is not an error". */
export function hasGlobMeta(p: string): boolean {
  return /[*?[\]{}]/.test(p)
}

/** GLOB_BRACE: "a{b,c{d,e}}f" → abf, acdf, acef; unbalanced braces stay literal. */
export function expandBraces(pattern: string, limit = 1024): string[] {
  const open = pattern.indexOf('{')
  if (open < 0) return [pattern]
  let depth = 0
  let close = -1
  const commas: number[] = []
  for (let i = open; i < pattern.length; i++) {
    const c = pattern[i]
    if (c === '{') depth++
    else if (c === '}' && --depth === 0) { close = i; break }
    else if (c === ',' && depth === 1) commas.push(i)
  }
  if (close < 0) return [pattern]
  const head = pattern.slice(0, open)
  const tail = pattern.slice(close + 1)
  const cuts = [open, ...commas, close]
  const out: string[] = []
  for (let k = 0; k + 1 < cuts.length; k++) {
    for (const alt of expandBraces(head + pattern.slice(cuts[k] + 1, cuts[k + 1]) + tail, limit)) {
      if (out.length >= limit) return out
      out.push(alt)
    }
  }
  return out
}

/**
 * Files an include reads, in lighttpd's order: each brace alternative globbed and sorted on
 * its own, in the order the alternatives are written.
 */
export function matchInclude(reader: FileReader, pattern: string): string[] {
  const out: string[] = []
  for (const alt of expandBraces(pattern)) {
    if (/[*?[]/.test(alt)) append(out, reader.glob(alt))
    else if (exists(reader, alt)) out.push(alt)
  }
  return out
}

/** glob(3) lists a plain name when it exists, readable or not. */
function exists(reader: FileReader, path: string): boolean {
  const r = reader.read(path)
  if ('text' in r) return true
  return !(r.code === 'ENOENT' || (r.code === undefined && /no such file/i.test(r.error)))
}
