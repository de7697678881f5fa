// How lighttpd names and checks a condition block (configparser_parse_condition): which
// $FIELD["..."] exist, the rewrite of simple regexes into ==, =^, =$, and the block names
// that decide when two blocks are the same block.
import type {LighttpdCondOp} from './types.js'

const HTTP_FIELDS = new Set([
  'url', 'host', 'referer', 'useragent', 'user-agent', 'language', 'cookie', 'remoteip', 'remote-ip',
  'querystring', 'query-string', 'request-method', 'scheme',
])

/** null when lighttpd knows the field; otherwise why not. Tags are compared case-sensitively. */
export function checkField(obj: string, tag: string): string | null {
  if (obj === 'REQUEST_HEADER') return null
  if (obj === 'SERVER') return tag === 'socket' ? null : `unknown condition field $SERVER["${tag}"] (only $SERVER["socket"] exists)`
  if (obj === 'HTTP') return HTTP_FIELDS.has(tag) ? null : `unknown condition field $HTTP["${tag}"]`
  return `unknown condition field $${obj}["${tag}"] (use $HTTP, $SERVER or $REQUEST_HEADER)`
}

export function fieldText(obj: string, tag: string): string {
  return `$${obj}["${tag}"]`
}

const REGEX_CHARS = '\\^$.|?*+()[]{}'

/**
 * configparser_simplify_regex: `=~ "^/a"` becomes `=^ "/a"`, `=~ "\.php$"` becomes
 * `=$ ".php"`, `=~ "^x$"` becomes `== "x"`, when the rest has no regex characters.
 * lighttpd does this for =~ on every field except $SERVER["socket"].
 */
export function simplifyRegex(pattern: string): {op: LighttpdCondOp; pattern: string} {
  let len = pattern.length
  let op: LighttpdCondOp = '=~'
  let off = 0
  if (len > 0 && pattern[len - 1] === '$') {
    op = '=$'
    if (pattern[0] === '\\' && pattern[1] === '.') off = 2
    else if (pattern[0] === '^') { off = 1; op = '==' }
    len--
  } else if (pattern[0] === '^') {
    off = 1
    op = '=^'
  } else {
    return {op: '=~', pattern}
  }
  for (let i = off; i < len; i++) if (REGEX_CHARS.includes(pattern[i])) return {op: '=~', pattern}
  // Only the first character goes, so "\.php$" keeps its dot: ".php".
  const body = off ? pattern.slice(1, len) : pattern.slice(0, len)
  return {op, pattern: body}
}

/** The op and pattern lighttpd files the block under. */
export function canonicalCondition(obj: string, tag: string, op: LighttpdCondOp, pattern: string): {op: LighttpdCondOp; pattern: string} {
  if (op === '=~' && !(obj === 'SERVER' && tag === 'socket')) return simplifyRegex(pattern)
  return {op, pattern}
}

/** The condition part of a block name, as `lighttpd -p` prints it. */
export function conditionName(field: string, op: string, pattern: string): string {
  return `${field} ${op} "${pattern}"`
}

/**
 * The name lighttpd gives the bare else after a condition: the same condition with the
 * operator turned around (so a later explicit `!=` block is the same block as the else).
 */
export function negatedOp(op: LighttpdCondOp): string {
  switch (op) {
    case '==': return '!='
    case '!=': return '=='
    case '=~': return '!~'
    case '!~': return '=~'
    case '=^': return '!^'
    case '=$': return '!$'
  }
}
