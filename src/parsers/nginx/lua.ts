// `*_by_lua_block { ... }` bodies are Lua, not nginx syntax: a `}` inside a Lua string or
// comment must not close the block. This follows lua-nginx-module's own block lexer
// (ngx_http_lua_conf_read_lua_token): Lua strings "..." '...' with backslash escapes,
// long brackets [[...]] / [==[...]==], comments -- and --[[...]], and { } nesting.
// The body is kept opaque, as crossplane does: one string argument, braces excluded.
import type {Mark, NginxLexer} from './lexer.js'

export interface LuaBlock {
  body: string
  /** Offset just past the closing `}` (the text's end if it never closed). */
  end: number
  closed: boolean
}

export function isLuaBlockDirective(name: string): boolean {
  return name.endsWith('_by_lua_block')
}

/** Level of a long bracket `[`, `=`*level, `[` starting at i, or -1. */
function longBracketLevel(t: string, i: number): number {
  if (t[i] !== '[') return -1
  let j = i + 1
  while (t[j] === '=') j++
  return t[j] === '[' ? j - i - 1 : -1
}

/** Consume up to and including `close`; false if the text ends first. */
function skipPast(lx: NginxLexer, close: string): boolean {
  const at = lx.text.indexOf(close, lx.i)
  const stop = at < 0 ? lx.text.length : at + close.length
  while (lx.i < stop) lx.advance()
  return at >= 0
}

/**
 * Read a Lua body; the lexer stands just after the block's `{` (at `open`). Errors use
 * lua-nginx-module's wording and line: the line of the last `{` seen.
 */
export function readLuaBlock(lx: NginxLexer, open: Mark): LuaBlock {
  const t = lx.text
  const bodyStart = lx.i
  let depth = 1
  let lastCurly = {line: open.line, col: open.col}

  const unterminated = (): LuaBlock => {
    lx.error(lastCurly, 'unexpected end of file, expecting terminating characters for lua code block')
    return {body: t.slice(bodyStart), end: t.length, closed: false}
  }

  while (lx.i < t.length) {
    const c = t[lx.i]

    if (c === '-' && t[lx.i + 1] === '-') {
      lx.advance()
      lx.advance()
      const level = longBracketLevel(t, lx.i)
      if (level >= 0) {
        if (!skipPast(lx, `]${'='.repeat(level)}]`)) return unterminated()
      } else {
        while (lx.i < t.length && t[lx.i] !== '\n') lx.advance()
      }
      continue
    }

    if (c === '[') {
      const level = longBracketLevel(t, lx.i)
      if (level >= 0) {
        for (let k = 0; k < level + 2; k++) lx.advance()
        if (!skipPast(lx, `]${'='.repeat(level)}]`)) return unterminated()
        continue
      }
    }

    if (c === '"' || c === "'") {
      lx.advance()
      let closed = false
      while (lx.i < t.length) {
        const d = lx.advance()
        if (d === '\\') {
          if (lx.i < t.length) lx.advance()
          continue
        }
        if (d === c) {
          closed = true
          break
        }
      }
      if (!closed) return unterminated()
      continue
    }

    if (c === '{') {
      const m = lx.mark()
      lastCurly = {line: m.line, col: m.col}
      depth++
    } else if (c === '}') {
      depth--
      if (depth === 0) {
        const body = t.slice(bodyStart, lx.i)
        lx.advance()
        return {body, end: lx.i, closed: true}
      }
    }
    lx.advance()
  }
  return unterminated()
}
