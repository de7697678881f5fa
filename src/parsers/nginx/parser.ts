// One file's text -> directives, the way ngx_conf_parse() consumes statements: blocks nest,
// a `}` outside any block and an end of file inside one are errors. Includes are not
// followed here (see includes.ts); every file parses on its own, as nginx parses it.
import {ParseError} from '../types.js'
import type {ParseResult} from '../types.js'
import {NginxLexer} from './lexer.js'
import type {NginxStatement} from './lexer.js'
import {isLuaBlockDirective, readLuaBlock} from './lua.js'
import type {NginxDirective, NginxParsedText, NginxSpan} from './types.js'

export const DEFAULT_MAX_FILE_BYTES = 8 * 1024 * 1024
/** Deeper nesting than any real config; keeps every recursive walk over the tree safe. */
export const MAX_BLOCK_DEPTH = 100
/** After this many errors a file is garbage; stop rather than list every character. */
export const MAX_ERRORS_PER_FILE = 100

export interface ParseTextOptions {
  maxFileBytes?: number
  /** Keep source spans (for fixers editing text in place). Default true; audits turn them off to save memory. */
  spans?: boolean
}

/** A reason this text is not worth tokenizing (too large, binary), or null. */
export function unreadableText(text: string, file: string, maxFileBytes: number): ParseError | null {
  const at = {file, line: 1, col: 1}
  if (text.length > maxFileBytes || Buffer.byteLength(text, 'utf8') > maxFileBytes) {
    return new ParseError('limit', at, `file is larger than ${maxFileBytes} bytes`)
  }
  if (text.includes('\0')) return new ParseError('io', at, 'binary file')
  return null
}

interface Frame {
  list: NginxDirective[]
  owner: NginxDirective | null
  /** Contents are read (to stay in step with the braces) but not kept. */
  discard: boolean
}

/**
 * A directive name as the string table's own copy, one per name per file. The lexer's word,
 * once looked up in a table by name, would turn in place into a pointer to that copy, and V8
 * builds two-byte strings from such pointers: every origin naming the directive's context
 * ("set in location at …") took two bytes a character.
 */
function nameOf(names: Map<string, string>, word: string): string {
  let name = names.get(word)
  if (name === undefined) {
    name = Object.keys({[word]: 0})[0]
    names.set(name, name)
  }
  return name
}

function directiveOf(lx: NginxLexer, st: NginxStatement, file: string, spans: boolean, names: Map<string, string>): NginxDirective {
  // Loops rather than destructuring and map(): this runs once per directive of every config.
  const n = st.count
  const values = lx.values
  const name = nameOf(names, values[0])
  const args: string[] = new Array(n - 1)
  for (let i = 1; i < n; i++) args[i - 1] = values[i]
  const line = lx.wordLines[0]
  const col = lx.wordCols[0]
  if (!spans) return {directive: name, args, file, line, col}
  const raw: NginxSpan['args'] = new Array(n - 1)
  for (let i = 1; i < n; i++) raw[i - 1] = {start: lx.wordStarts[i], end: lx.wordEnds[i], quoted: lx.wordQuoted[i]}
  return {
    directive: name,
    args,
    file,
    line,
    col,
    source: {
      start: lx.wordStarts[0],
      // A recovered statement (no `;`) ends where its words do, not past the `}`.
      end: st.end === ';' || st.end === '{' ? st.next : st.at.offset,
      termLine: st.at.line,
      termCol: st.at.col,
      args: raw,
    },
  }
}

export function parseNginxText(text: string, file: string, opts: ParseTextOptions = {}): ParseResult<NginxParsedText> {
  const bad = unreadableText(text, file, opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES)
  if (bad) return {value: {parsed: [], comments: []}, errors: [bad]}

  const spans = opts.spans ?? true
  const lx = new NginxLexer(text, file)
  const names = new Map<string, string>()
  const root: NginxDirective[] = []
  const stack: Frame[] = [{list: root, owner: null, discard: false}]
  let depthReported = false

  for (;;) {
    if (lx.errors.length >= MAX_ERRORS_PER_FILE) {
      lx.error(lx.mark(), `more than ${MAX_ERRORS_PER_FILE} errors; stopped reading`, 'limit')
      break
    }
    const st = lx.next()
    const top = stack[stack.length - 1]

    if (st.end === ';') {
      if (st.count > 0 && !top.discard) top.list.push(directiveOf(lx, st, file, spans, names))
      continue
    }

    if (st.end === '{') {
      if (st.count === 0) {
        // `{` with no directive (already reported): read the block, keep nothing of it.
        stack.push({list: [], owner: null, discard: true})
        continue
      }
      const d = directiveOf(lx, st, file, spans, names)
      if (isLuaBlockDirective(d.directive)) {
        const lua = readLuaBlock(lx, st.at)
        d.args.push(lua.body)
        if (d.source) d.source.end = lua.end
        if (!top.discard) top.list.push(d)
        continue
      }
      d.block = []
      if (!top.discard) top.list.push(d)
      let discard = top.discard
      if (stack.length > MAX_BLOCK_DEPTH && !discard) {
        if (!depthReported) lx.error(st.at, `blocks nested deeper than ${MAX_BLOCK_DEPTH} levels`, 'limit')
        depthReported = true
        discard = true
      }
      stack.push({list: d.block, owner: d, discard})
      continue
    }

    if (st.end === '}') {
      // With words, the lexer reported `unexpected "}"`; keep the statement as if it had its `;`.
      if (st.count > 0 && !top.discard) top.list.push(directiveOf(lx, st, file, spans, names))
      if (stack.length === 1) {
        if (st.count === 0) lx.error(st.at, 'unexpected "}"')
        continue
      }
      const closed = stack.pop()
      if (closed?.owner?.source) closed.owner.source.end = st.next
      continue
    }

    // End of file.
    if (st.count > 0 && !top.discard) top.list.push(directiveOf(lx, st, file, spans, names))
    if (stack.length > 1 && !st.eofError) lx.error(st.at, 'unexpected end of file, expecting "}"')
    break
  }

  return {value: {parsed: root, comments: lx.comments}, errors: lx.errors}
}
