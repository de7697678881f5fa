// Reads one Python expression from tokens and evaluates it when it is made of literals,
// arithmetic and names already known to hold literals. Anything that would need Python to
// run (calls, attribute access, subscripts, comprehensions, conditionals, f-string fields)
// is parsed only far enough to skip it, and reported as unresolved with the reason.
import type {Token} from './py-tokenizer.js'
import {decodeStringToken} from './py-strings.js'
import {binaryOp, isContainer, pyEquals, type PyValue, unaryOp} from './py-values.js'

export type ExprNode =
  | {k: 'const'; value: PyValue; tok: Token}
  | {k: 'name'; name: string; tok: Token}
  | {k: 'unres'; reason: string; tok: Token}
  | {k: 'bin'; op: string; l: ExprNode; r: ExprNode; tok: Token}
  | {k: 'un'; op: string; x: ExprNode; tok: Token}
  | {k: 'seq'; t: 'list' | 'tuple' | 'set'; items: Array<{star: boolean; x: ExprNode}>; tok: Token}
  | {k: 'dict'; entries: Array<{key: ExprNode; value: ExprNode} | {spread: ExprNode}>; tok: Token}

export type NameState =
  | {state: 'known'; value: PyValue; line: number}
  | {state: 'unknown'; reason: string; line: number}
  | {state: 'undefined'}

export type EvalResult = {ok: true; value: PyValue} | {ok: false; reason: string; tok: Token}

export class PySyntaxError extends Error {
  constructor(message: string, readonly tok: Token) {
    super(message)
  }
}

const MAX_DEPTH = 200
/** Past this many binary operators an expression is left unevaluated (its tree stays shallow). */
const MAX_OPERATORS = 1000

const KEYWORDS = new Set([
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del',
  'elif', 'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal',
  'not', 'or', 'pass', 'raise', 'return', 'try', 'while', 'with', 'yield',
])

const COMPARE_OPS = new Set(['<', '>', '==', '>=', '<=', '!='])
const AUG_OPS = new Set(['+=', '-=', '*=', '/=', '//=', '%=', '**=', '>>=', '<<=', '&=', '^=', '|=', '@='])

export function isKeyword(name: string): boolean {
  return KEYWORDS.has(name)
}

export function isAugOp(text: string): boolean {
  return AUG_OPS.has(text)
}

/** Recursive-descent parser over tokens[from, to); throws PySyntaxError on invalid Python. */
export class ExprParser {
  private i: number
  private depth = 0
  private operators = 0

  constructor(private readonly toks: Token[], from: number, private readonly to: number, private readonly src: string) {
    this.i = from
  }

  get index(): number {
    return this.i
  }

  atEnd(): boolean {
    return this.i >= this.to
  }

  private peek(offset = 0): Token | undefined {
    const j = this.i + offset
    return j < this.to ? this.toks[j] : undefined
  }

  private isOp(text: string, offset = 0): boolean {
    const t = this.peek(offset)
    return t !== undefined && t.type === 'OP' && t.text === text
  }

  private isName(text: string, offset = 0): boolean {
    const t = this.peek(offset)
    return t !== undefined && t.type === 'NAME' && t.text === text
  }

  private lastTok(): Token {
    return this.toks[Math.min(this.i, this.to) - 1] ?? this.toks[this.i]
  }

  private fail(message: string): never {
    const t = this.peek() ?? this.lastTok()
    throw new PySyntaxError(message, t)
  }

  private expectOp(text: string): Token {
    if (!this.isOp(text)) this.fail(this.atEnd() ? `expected '${text}'` : `invalid syntax (expected '${text}')`)
    return this.toks[this.i++]
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) this.fail('too many nested parentheses or operators')
  }

  private leave(): void {
    this.depth--
  }

  snippet(from: Token, to?: Token): string {
    const end = (to ?? this.lastTok()).end
    const text = this.src.slice(from.start, Math.max(end, from.end)).replace(/\s+/g, ' ')
    return text.length > 60 ? text.slice(0, 57) + '...' : text
  }

  /** Skips a bracketed group starting at the current (opening) token. */
  private skipGroup(): void {
    let depth = 0
    while (!this.atEnd()) {
      const t = this.toks[this.i++]
      if (t.type !== 'OP') continue
      if (t.text === '(' || t.text === '[' || t.text === '{') depth++
      else if (t.text === ')' || t.text === ']' || t.text === '}') {
        depth--
        if (depth === 0) return
      }
    }
    this.fail('unexpected end of expression')
  }

  /** testlist_star_expr: what stands on either side of '=' */
  parseTestList(): ExprNode {
    const first = this.peek()
    if (!first) this.fail('invalid syntax (expected an expression)')
    const items: Array<{star: boolean; x: ExprNode}> = []
    let sawComma = false
    for (;;) {
      const star = this.isOp('*')
      if (star) this.i++
      items.push({star, x: this.parseNamedTest()})
      if (!this.isOp(',')) break
      sawComma = true
      this.i++
      if (this.atEnd() || this.isOp('=') || this.isOp(')') || isAugOpTok(this.peek())) break
    }
    if (!sawComma && !items[0].star) return items[0].x
    if (!sawComma && items[0].star) this.fail("can't use starred expression here")
    return {k: 'seq', t: 'tuple', items, tok: first}
  }

  private parseNamedTest(): ExprNode {
    const t = this.peek()
    if (t && t.type === 'NAME' && this.isOp(':=', 1)) {
      this.i += 2
      this.parseTest()
      return {k: 'unres', reason: `assignment expression (${t.text} := ...)`, tok: t}
    }
    return this.parseTest()
  }

  parseTest(): ExprNode {
    this.enter()
    try {
      const t = this.peek()
      if (t && t.type === 'NAME' && t.text === 'lambda') {
        this.i++
        let depth = 0
        while (!this.atEnd() && !(depth === 0 && this.isOp(':'))) {
          const x = this.toks[this.i++]
          if (x.type === 'OP' && '([{'.includes(x.text)) depth++
          if (x.type === 'OP' && ')]}'.includes(x.text)) depth--
        }
        this.expectOp(':')
        this.parseTest()
        return {k: 'unres', reason: 'lambda', tok: t}
      }
      if (t && t.type === 'NAME' && t.text === 'yield') {
        this.i++
        if (this.isName('from')) this.i++
        if (!this.atEnd() && !this.isOp(')') && !this.isOp(',')) this.parseTestList()
        return {k: 'unres', reason: 'yield expression', tok: t}
      }
      const body = this.parseOr()
      if (this.isName('if')) {
        this.i++
        this.parseOr()
        if (!this.isName('else')) this.fail("expected 'else' after 'if' expression")
        this.i++
        this.parseTest()
        return {k: 'unres', reason: `conditional expression (... if ... else ...)`, tok: t!}
      }
      return body
    } finally {
      this.leave()
    }
  }

  private parseOr(): ExprNode {
    const start = this.peek()!
    let x = this.parseAnd()
    while (this.isName('or')) {
      this.i++
      this.parseAnd()
      x = {k: 'unres', reason: `boolean operator 'or' (${this.snippet(start)})`, tok: start}
    }
    return x
  }

  private parseAnd(): ExprNode {
    const start = this.peek()!
    let x = this.parseNot()
    while (this.isName('and')) {
      this.i++
      this.parseNot()
      x = {k: 'unres', reason: `boolean operator 'and' (${this.snippet(start)})`, tok: start}
    }
    return x
  }

  private parseNot(): ExprNode {
    const t = this.peek()
    if (t && t.type === 'NAME' && t.text === 'not') {
      this.i++
      this.enter()
      try {
        this.parseNot()
      } finally {
        this.leave()
      }
      return {k: 'unres', reason: `boolean operator 'not' (${this.snippet(t)})`, tok: t}
    }
    return this.parseComparison()
  }

  private parseComparison(): ExprNode {
    const start = this.peek()!
    let x = this.parseBinary(0)
    for (;;) {
      const t = this.peek()
      if (!t) break
      let width = 0
      if (t.type === 'OP' && COMPARE_OPS.has(t.text)) width = 1
      else if (t.type === 'NAME' && (t.text === 'in' || t.text === 'is')) width = this.isName('not', 1) && t.text === 'is' ? 2 : 1
      else if (t.type === 'NAME' && t.text === 'not' && this.isName('in', 1)) width = 2
      if (!width) break
      this.i += width
      this.parseBinary(0)
      x = {k: 'unres', reason: `comparison (${this.snippet(start)})`, tok: start}
    }
    return x
  }

  private static readonly LEVELS: string[][] = [['|'], ['^'], ['&'], ['<<', '>>'], ['+', '-'], ['*', '/', '//', '%', '@']]

  private parseBinary(level: number): ExprNode {
    if (level >= ExprParser.LEVELS.length) return this.parseFactor()
    this.enter()
    try {
      let x = this.parseBinary(level + 1)
      for (;;) {
        const t = this.peek()
        if (!t || t.type !== 'OP' || !ExprParser.LEVELS[level].includes(t.text)) break
        this.i++
        if (this.atEnd()) this.fail('invalid syntax (expression ends with an operator)')
        const r = this.parseBinary(level + 1)
        if (++this.operators > MAX_OPERATORS) x = {k: 'unres', reason: `expression with more than ${MAX_OPERATORS} operators is not evaluated`, tok: t}
        else x = t.text === '@' ? {k: 'unres', reason: "matrix multiplication '@'", tok: t} : {k: 'bin', op: t.text, l: x, r, tok: t}
      }
      return x
    } finally {
      this.leave()
    }
  }

  private parseFactor(): ExprNode {
    const t = this.peek()
    if (t && t.type === 'OP' && (t.text === '-' || t.text === '+' || t.text === '~')) {
      this.i++
      this.enter()
      try {
        if (this.atEnd()) this.fail('invalid syntax (expression ends with an operator)')
        return {k: 'un', op: t.text, x: this.parseFactor(), tok: t}
      } finally {
        this.leave()
      }
    }
    return this.parsePower()
  }

  private parsePower(): ExprNode {
    const t = this.peek()
    let base: ExprNode
    if (t && t.type === 'NAME' && t.text === 'await') {
      this.i++
      this.parseAtomExpr()
      base = {k: 'unres', reason: 'await expression', tok: t}
    } else {
      base = this.parseAtomExpr()
    }
    if (this.isOp('**')) {
      const op = this.toks[this.i++]
      if (this.atEnd()) this.fail('invalid syntax (expression ends with an operator)')
      this.enter()
      try {
        return {k: 'bin', op: '**', l: base, r: this.parseFactor(), tok: op}
      } finally {
        this.leave()
      }
    }
    return base
  }

  private parseAtomExpr(): ExprNode {
    const start = this.peek()
    let x = this.parseAtom()
    let kind: 'call' | 'subscript' | 'attribute' | null = null
    for (;;) {
      if (this.isOp('(')) { this.skipGroup(); kind = 'call'; continue }
      if (this.isOp('[')) { this.skipGroup(); kind ??= 'subscript'; continue }
      if (this.isOp('.')) {
        this.i++
        const n = this.peek()
        if (!n || n.type !== 'NAME') this.fail('invalid syntax (expected a name after ".")')
        this.i++
        kind ??= 'attribute'
        continue
      }
      break
    }
    if (kind && start) x = {k: 'unres', reason: describeTrailer(kind, this.snippet(start)), tok: start}
    return x
  }

  private parseAtom(): ExprNode {
    const t = this.peek()
    if (!t) this.fail('invalid syntax (expected an expression)')
    if (t.type === 'NUMBER') {
      this.i++
      return numberNode(t)
    }
    if (t.type === 'STRING') return this.parseStrings()
    if (t.type === 'NAME') {
      this.i++
      if (t.text === 'True' || t.text === 'False') return {k: 'const', value: {t: 'bool', v: t.text === 'True'}, tok: t}
      if (t.text === 'None') return {k: 'const', value: {t: 'none'}, tok: t}
      if (KEYWORDS.has(t.text)) {
        this.i--
        this.fail(`invalid syntax ('${t.text}' cannot start an expression)`)
      }
      return {k: 'name', name: t.text.normalize('NFKC'), tok: t}
    }
    if (t.type === 'OP') {
      if (t.text === '(') return this.parseParen()
      if (t.text === '[') return this.parseList()
      if (t.text === '{') return this.parseBrace()
      if (t.text === '...') {
        this.i++
        return {k: 'unres', reason: 'Ellipsis', tok: t}
      }
    }
    this.fail(`invalid syntax ('${t.text || t.type}' cannot start an expression)`)
  }

  private parseStrings(): ExprNode {
    const first = this.peek()!
    let kind: 'str' | 'bytes' | null = null
    let value = ''
    let unresolved: string | null = null
    while (this.peek()?.type === 'STRING') {
      const t = this.toks[this.i++]
      const d = decodeStringToken(t.text)
      if (d.kind === 'error') throw new PySyntaxError(d.message, t)
      const isBytes = /^[a-zA-Z]*[bB]/.test(t.text.slice(0, 3)) && !/^[a-zA-Z]*[fFtT]/.test(t.text.slice(0, 3))
      const k = isBytes ? 'bytes' : 'str'
      if (kind && kind !== k) throw new PySyntaxError('cannot mix bytes and nonbytes literals', t)
      kind = k
      if (d.kind === 'unresolved') unresolved ??= d.reason
      else value += d.value
    }
    if (unresolved) return {k: 'unres', reason: unresolved, tok: first}
    return {k: 'const', value: {t: kind ?? 'str', v: value}, tok: first}
  }

  private comprehensionAhead(): boolean {
    return this.isName('for') || (this.isName('async') && this.isName('for', 1))
  }

  private parseItems(close: string): {items: Array<{star: boolean; x: ExprNode}>; comprehension: boolean; trailingComma: boolean} {
    const items: Array<{star: boolean; x: ExprNode}> = []
    let trailingComma = false
    while (!this.isOp(close)) {
      if (this.atEnd()) this.fail(`expected '${close}'`)
      const star = this.isOp('*')
      if (star) this.i++
      items.push({star, x: this.parseNamedTest()})
      if (items.length === 1 && !star && this.comprehensionAhead()) return {items, comprehension: true, trailingComma}
      if (this.isOp(',')) {
        this.i++
        trailingComma = true
        continue
      }
      trailingComma = false
      if (!this.isOp(close)) this.fail(`invalid syntax (expected ',' or '${close}')`)
    }
    return {items, comprehension: false, trailingComma}
  }

  private parseParen(): ExprNode {
    const open = this.toks[this.i++]
    if (this.isOp(')')) {
      this.i++
      return {k: 'seq', t: 'tuple', items: [], tok: open}
    }
    if (this.isName('yield')) {
      const x = this.parseTest()
      this.expectOp(')')
      return x
    }
    const save = this.i
    const r = this.parseItems(')')
    if (r.comprehension) {
      this.i = save - 1
      this.skipGroup()
      return {k: 'unres', reason: 'generator expression', tok: open}
    }
    this.expectOp(')')
    if (r.items.length === 1 && !r.trailingComma && !r.items[0].star) return r.items[0].x
    return {k: 'seq', t: 'tuple', items: r.items, tok: open}
  }

  private parseList(): ExprNode {
    const open = this.toks[this.i++]
    const save = this.i
    const r = this.parseItems(']')
    if (r.comprehension) {
      this.i = save - 1
      this.skipGroup()
      return {k: 'unres', reason: 'list comprehension', tok: open}
    }
    this.expectOp(']')
    return {k: 'seq', t: 'list', items: r.items, tok: open}
  }

  private parseBrace(): ExprNode {
    const open = this.toks[this.i++]
    const save = this.i
    if (this.isOp('}')) {
      this.i++
      return {k: 'dict', entries: [], tok: open}
    }
    // A dict if the first item is "key: value" or "**mapping"; a set otherwise.
    if (this.isOp('**')) return this.parseDictRest(open, save)
    const starFirst = this.isOp('*')
    if (starFirst) this.i++
    this.parseNamedTest()
    if (!starFirst && this.isOp(':')) {
      this.i = save
      return this.parseDictRest(open, save)
    }
    this.i = save
    const r = this.parseItems('}')
    if (r.comprehension) {
      this.i = save - 1
      this.skipGroup()
      return {k: 'unres', reason: 'set comprehension', tok: open}
    }
    this.expectOp('}')
    return {k: 'seq', t: 'set', items: r.items, tok: open}
  }

  private parseDictRest(open: Token, save: number): ExprNode {
    const entries: Array<{key: ExprNode; value: ExprNode} | {spread: ExprNode}> = []
    while (!this.isOp('}')) {
      if (this.atEnd()) this.fail("expected '}'")
      if (this.isOp('**')) {
        this.i++
        entries.push({spread: this.parseBinary(0)})
      } else {
        const key = this.parseTest()
        this.expectOp(':')
        const value = this.parseTest()
        if (entries.length === 0 && this.comprehensionAhead()) {
          this.i = save - 1
          this.skipGroup()
          return {k: 'unres', reason: 'dict comprehension', tok: open}
        }
        entries.push({key, value})
      }
      if (this.isOp(',')) { this.i++; continue }
      if (!this.isOp('}')) this.fail("invalid syntax (expected ',' or '}')")
    }
    this.i++
    return {k: 'dict', entries, tok: open}
  }
}

function isAugOpTok(t: Token | undefined): boolean {
  return t !== undefined && t.type === 'OP' && AUG_OPS.has(t.text)
}

function describeTrailer(kind: 'call' | 'subscript' | 'attribute', text: string): string {
  if (/^os\s*\.\s*(environ|getenv)\b|^environ\b|^getenv\s*\(/.test(text)) return `environment variable lookup ${text}`
  if (/cpu_count\s*\(/.test(text)) return `depends on the host's CPU count: ${text}`
  if (kind === 'call') return `function call ${text}`
  if (kind === 'subscript') return `subscript ${text}`
  return `attribute access ${text}`
}

function numberNode(t: Token): ExprNode {
  const text = t.text.replace(/_/g, '')
  if (/[jJ]$/.test(text)) return {k: 'unres', reason: 'complex number', tok: t}
  if (/^0[xXoObB]/.test(text)) {
    const base = text[1].toLowerCase()
    const digits = text.slice(2)
    try {
      return {k: 'const', value: {t: 'int', v: BigInt(`0${base}${digits}`)}, tok: t}
    } catch {
      return {k: 'unres', reason: `number ${t.text}`, tok: t}
    }
  }
  if (/^\d+$/.test(text)) return {k: 'const', value: {t: 'int', v: BigInt(text)}, tok: t}
  const f = Number(text)
  if (Number.isNaN(f)) return {k: 'unres', reason: `number ${t.text}`, tok: t}
  return {k: 'const', value: {t: 'float', v: f}, tok: t}
}

/** Evaluates a parsed expression; names resolve through lookup. */
export function evaluate(node: ExprNode, lookup: (name: string) => NameState): EvalResult {
  const unres = (reason: string, tok: Token): EvalResult => ({ok: false, reason, tok})
  switch (node.k) {
    case 'const': return {ok: true, value: node.value}
    case 'unres': return unres(node.reason, node.tok)
    case 'name': {
      const s = lookup(node.name)
      if (s.state === 'known') return {ok: true, value: s.value}
      if (s.state === 'unknown') return unres(`'${node.name}' has no known value (${s.reason}, line ${s.line})`, node.tok)
      if (PY_BUILTINS.has(node.name)) return unres(`refers to the builtin '${node.name}'`, node.tok)
      return unres(`NameError when executed: name '${node.name}' is not defined`, node.tok)
    }
    case 'un': {
      const x = evaluate(node.x, lookup)
      if (!x.ok) return x
      const r = unaryOp(node.op, x.value)
      return r.ok ? {ok: true, value: r.value} : unres(r.reason, node.tok)
    }
    case 'bin': {
      const l = evaluate(node.l, lookup)
      if (!l.ok) return l
      const r = evaluate(node.r, lookup)
      if (!r.ok) return r
      const v = binaryOp(node.op, l.value, r.value)
      return v.ok ? {ok: true, value: v.value} : unres(v.reason, node.tok)
    }
    case 'seq': {
      const items: PyValue[] = []
      for (const it of node.items) {
        const x = evaluate(it.x, lookup)
        if (!x.ok) return x
        if (!it.star) { items.push(x.value); continue }
        const v = x.value
        if (v.t === 'list' || v.t === 'tuple' || v.t === 'set') items.push(...v.items)
        else if (v.t === 'dict') items.push(...v.entries.map(([k]) => k))
        else if (v.t === 'str') items.push(...[...v.v].map((c): PyValue => ({t: 'str', v: c})))
        else return unres(`TypeError when executed: cannot unpack a '${v.t}'`, it.x.tok)
      }
      if (node.t !== 'set') return {ok: true, value: {t: node.t, items}}
      const unique: PyValue[] = []
      for (const v of items) {
        if (isContainer(v) && v.t !== 'tuple') return unres(`TypeError when executed: unhashable type: '${v.t}'`, node.tok)
        if (!unique.some((u) => pyEquals(u, v))) unique.push(v)
      }
      return {ok: true, value: {t: 'set', items: unique}}
    }
    case 'dict': {
      const entries: Array<[PyValue, PyValue]> = []
      const put = (k: PyValue, v: PyValue): void => {
        const i = entries.findIndex(([x]) => pyEquals(x, k))
        if (i >= 0) entries[i] = [entries[i][0], v]
        else entries.push([k, v])
      }
      for (const e of node.entries) {
        if ('spread' in e) {
          const m = evaluate(e.spread, lookup)
          if (!m.ok) return m
          if (m.value.t !== 'dict') return unres(`TypeError when executed: '${m.value.t}' object is not a mapping`, e.spread.tok)
          for (const [k, v] of m.value.entries) put(k, v)
          continue
        }
        const k = evaluate(e.key, lookup)
        if (!k.ok) return k
        if (isContainer(k.value) && k.value.t !== 'tuple') return unres(`TypeError when executed: unhashable type: '${k.value.t}'`, e.key.tok)
        const v = evaluate(e.value, lookup)
        if (!v.ok) return v
        put(k.value, v.value)
      }
      return {ok: true, value: {t: 'dict', entries}}
    }
  }
}

/** Names every module can read without assigning them first. */
export const PY_BUILTINS = new Set([
  'abs', 'all', 'any', 'ascii', 'bin', 'bool', 'breakpoint', 'bytearray', 'bytes', 'callable', 'chr', 'classmethod',
  'compile', 'complex', 'delattr', 'dict', 'dir', 'divmod', 'enumerate', 'eval', 'exec', 'filter', 'float', 'format',
  'frozenset', 'getattr', 'globals', 'hasattr', 'hash', 'help', 'hex', 'id', 'input', 'int', 'isinstance', 'issubclass',
  'iter', 'len', 'list', 'locals', 'map', 'max', 'memoryview', 'min', 'next', 'object', 'oct', 'open', 'ord', 'pow',
  'print', 'property', 'range', 'repr', 'reversed', 'round', 'set', 'setattr', 'slice', 'sorted', 'staticmethod', 'str',
  'sum', 'super', 'tuple', 'type', 'vars', 'zip', '__import__', '__name__', '__file__', '__doc__', '__builtins__',
  'Exception', 'ValueError', 'KeyError', 'TypeError', 'OSError', 'ImportError', 'RuntimeError', 'NotImplemented',
  'Ellipsis', '__spec__', '__loader__', '__package__',
])
