// Reads one Python expression from tokens and evaluates it when it is made of literals,
// arithmetic and names already known to hold literals. Anything that would need Python to
// run (calls, attribute access, subscripts, comprehensions, conditionals, f-string fields)
// is parsed only far enough to skip it, and reported as unresolved with the reason.
import type {Token} from './py-tokenizer.js'
import {decodeStringToken} from './py-strings.js'
import {binaryOp, BUDGET_SPENT, DictBuilder, isContainer, ItemBudget, iterItems, iterLength, type PyValue, typeName, unaryOp, uniqueItems} from './py-values.js'
import {append} from '../../append.js'

export type ExprNode =
  | {k: 'const'; value: PyValue; tok: Token}
  | {k: 'name'; name: string; tok: Token}
  | {k: 'unres'; reason: string; tok: Token}
  | {k: 'bin'; op: string; l: ExprNode; r: ExprNode; tok: Token}
  | {k: 'un'; op: string; x: ExprNode; tok: Token}
  | {k: 'seq'; t: 'list' | 'tuple' | 'set'; items: Array<{star: boolean; x: ExprNode}>; tok: Token}
  | {k: 'dict'; entries: Array<{key: ExprNode; value: ExprNode} | {spread: ExprNode}>; tok: Token}
  /** os.environ.get("X", d) / os.getenv("X", d) (def: the default, null for None) or os.environ["X"] (def: 'required'). */
  | {k: 'env'; name: string; def: ExprNode | null | 'required'; tok: Token; text: string}
  /** int(...), float(...), str(...) around an environment lookup: the usual way a default is typed. */
  | {k: 'conv'; fn: 'int' | 'float' | 'str'; x: ExprNode; tok: Token}

export type NameState =
  | {state: 'known'; value: PyValue; line: number; env?: EnvUse[]}
  | {state: 'unknown'; reason: string; line: number}
  | {state: 'undefined'}

export type EvalResult = {ok: true; value: PyValue; env?: EnvUse[]} | {ok: false; reason: string; tok: Token}

/** A variable the file reads from the environment, and what was taken for it. */
export interface EnvUse {
  name: string
  /** Set where the process starts (unit, env file, compose file): that value was used. */
  set: {value: string; file: string; line: number} | null
  /** Not set there, and it may still be set at run time: the file's default is assumed. */
  assumed: boolean
  /** The default written in the file (its Python repr), when one was used. */
  default?: string
  line: number
}

/**
 * What the environment holds for a name where the process starts: the entry when set, null
 * when known to be unset, undefined when it may be set at run time.
 */
export type EnvReader = (name: string) => {value: string; file: string; line: number} | null | undefined

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
    const env = this.tryEnvLookup()
    if (env) return env
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

  /**
   * os.environ.get("X", default), os.getenv("X", default), os.environ["X"] (also via
   * `from os import environ, getenv`), optionally inside int()/float()/str(). Anything else,
   * or one of these followed by more (`.lower()`, `[0]`), is left to the general path.
   */
  private tryEnvLookup(): ExprNode | null {
    const start = this.i
    const t = this.peek()
    if (!t || t.type !== 'NAME') return null
    const restore = (): null => {
      this.i = start
      return null
    }
    if ((t.text === 'int' || t.text === 'float' || t.text === 'str') && this.isOp('(', 1)) {
      this.i += 2
      const inner = this.tryEnvLookup()
      if (!inner || !this.isOp(')')) return restore()
      this.i++
      if (this.trailerAhead()) return restore()
      return {k: 'conv', fn: t.text, x: inner, tok: t}
    }
    const j = t.text === 'os' && this.isOp('.', 1) ? 2 : 0
    const n = this.peek(j)
    if (!n || n.type !== 'NAME') return null
    let form: 'get' | 'index'
    if (n.text === 'environ' && this.isOp('.', j + 1) && this.isName('get', j + 2) && this.isOp('(', j + 3)) [form, this.i] = ['get', this.i + j + 4]
    else if (n.text === 'environ' && this.isOp('[', j + 1)) [form, this.i] = ['index', this.i + j + 2]
    else if (n.text === 'getenv' && this.isOp('(', j + 1)) [form, this.i] = ['get', this.i + j + 2]
    else return null
    const key = this.peek()
    if (!key || key.type !== 'STRING' || this.peek(1)?.type === 'STRING') return restore()
    const d = decodeStringToken(key.text)
    if (d.kind !== 'str') return restore()
    this.i++
    let def: ExprNode | null | 'required' = null
    if (form === 'index') {
      if (!this.isOp(']')) return restore()
      this.i++
      def = 'required'
    } else {
      if (this.isOp(',')) {
        this.i++
        if (!this.isOp(')')) {
          def = this.parseTest()
          if (this.isOp(',')) this.i++
        }
      }
      if (!this.isOp(')')) return restore()
      this.i++
    }
    if (this.trailerAhead()) return restore()
    return {k: 'env', name: d.value, def, tok: t, text: this.snippet(t)}
  }

  private trailerAhead(): boolean {
    return this.isOp('(') || this.isOp('[') || this.isOp('.')
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

/**
 * Evaluates a parsed expression; names resolve through lookup, environment variables through
 * env (each read recorded in uses). Containers built are taken from budget, which a caller
 * evaluating a whole file shares between its expressions.
 */
export function evaluate(node: ExprNode, lookup: (name: string) => NameState, env?: {read: EnvReader; uses: EnvUse[]}, budget = new ItemBudget()): EvalResult {
  const unres = (reason: string, tok: Token): EvalResult => ({ok: false, reason, tok})
  const ev = (x: ExprNode) => evaluate(x, lookup, env, budget)
  switch (node.k) {
    case 'env': {
      const set = env?.read(node.name)
      if (set) {
        env!.uses.push({name: node.name, set, assumed: false, line: node.tok.line})
        return {ok: true, value: {t: 'str', v: set.value}}
      }
      if (node.def === 'required') {
        return unres(set === null ? `KeyError when executed: ${node.name} is not set (${node.text})` : `environment variable lookup ${node.text} without a default: its value is known only at run time`, node.tok)
      }
      const d = node.def === null ? {ok: true as const, value: {t: 'none' as const}} : ev(node.def)
      if (!d.ok) return d
      env?.uses.push({name: node.name, set: null, assumed: set === undefined || !env, default: pyReprShort(d.value), line: node.tok.line})
      return {ok: true, value: d.value}
    }
    case 'conv': {
      const x = ev(node.x)
      if (!x.ok) return x
      return convert(node.fn, x.value, node.tok)
    }
    case 'const': return {ok: true, value: node.value}
    case 'unres': return unres(node.reason, node.tok)
    case 'name': {
      const s = lookup(node.name)
      if (s.state === 'known') {
        if (s.env && env) append(env.uses, s.env)
        return {ok: true, value: s.value}
      }
      // The cause goes last: a chain of names quotes each one's reason, and when it is cut
      // short in the middle (elideMiddle) both the name read and the first cause remain.
      if (s.state === 'unknown') return unres(`'${node.name}' has no known value (line ${s.line}): ${s.reason}`, node.tok)
      if (PY_BUILTINS.has(node.name)) return unres(`refers to the builtin '${node.name}'`, node.tok)
      return unres(`NameError when executed: name '${node.name}' is not defined`, node.tok)
    }
    case 'un': {
      const x = ev(node.x)
      if (!x.ok) return x
      const r = unaryOp(node.op, x.value)
      return r.ok ? {ok: true, value: r.value} : unres(r.reason, node.tok)
    }
    case 'bin': {
      const l = ev(node.l)
      if (!l.ok) return l
      const r = ev(node.r)
      if (!r.ok) return r
      const v = binaryOp(node.op, l.value, r.value, budget)
      return v.ok ? {ok: true, value: v.value} : unres(v.reason, node.tok)
    }
    case 'seq': {
      const items: PyValue[] = []
      for (const it of node.items) {
        const x = ev(it.x)
        if (!x.ok) return x
        if (!it.star) {
          if (!budget.take(1)) return unres(BUDGET_SPENT, it.x.tok)
          items.push(x.value)
          continue
        }
        const n = iterLength(x.value)
        // CPython's own words, which differ between a set display and the others.
        if (n === null) return unres(`TypeError when executed: ${node.t === 'set' ? `'${typeName(x.value)}' object is not iterable` : `Value after * must be an iterable, not ${typeName(x.value)}`}`, it.x.tok)
        if (!budget.take(n)) return unres(BUDGET_SPENT, it.x.tok)
        append(items, iterItems(x.value)!)
      }
      if (node.t !== 'set') return {ok: true, value: {t: node.t, items}}
      const unhashable = items.find((v) => isContainer(v) && v.t !== 'tuple')
      if (unhashable) return unres(`TypeError when executed: unhashable type: '${unhashable.t}'`, node.tok)
      return {ok: true, value: {t: 'set', items: uniqueItems(items)}}
    }
    case 'dict': {
      let dict = new DictBuilder()
      const put = (k: PyValue, v: PyValue): void => { dict.put(k, v) }
      for (const e of node.entries) {
        if ('spread' in e) {
          const m = ev(e.spread)
          if (!m.ok) return m
          if (m.value.t !== 'dict') return unres(`TypeError when executed: '${m.value.t}' object is not a mapping`, e.spread.tok)
          if (!budget.take(m.value.entries.length)) return unres(BUDGET_SPENT, e.spread.tok)
          // {**d, ...}: a copy of d, its keys distinct already.
          if (dict.entries.length === 0) dict = new DictBuilder(m.value.entries)
          else for (const [k, v] of m.value.entries) put(k, v)
          continue
        }
        const k = ev(e.key)
        if (!k.ok) return k
        if (isContainer(k.value) && k.value.t !== 'tuple') return unres(`TypeError when executed: unhashable type: '${k.value.t}'`, e.key.tok)
        const v = ev(e.value)
        if (!v.ok) return v
        if (!budget.take(1)) return unres(BUDGET_SPENT, e.key.tok)
        put(k.value, v.value)
      }
      return {ok: true, value: {t: 'dict', entries: dict.entries}}
    }
  }
}

function pyReprShort(v: PyValue): string {
  switch (v.t) {
    case 'str': return JSON.stringify(v.v)
    case 'int': return v.v.toString()
    case 'float': return String(v.v)
    case 'bool': return v.v ? 'True' : 'False'
    case 'none': return 'None'
    default: return v.t
  }
}

/** int()/float()/str() of a literal, as Python converts it (int() takes "  42 ", "+4_2"). */
function convert(fn: 'int' | 'float' | 'str', v: PyValue, tok: Token): EvalResult {
  const fail = (why: string): EvalResult => ({ok: false, reason: `${why} when executed: ${fn}(${pyReprShort(v)})`, tok})
  if (fn === 'str') {
    if (v.t === 'str') return {ok: true, value: v}
    if (v.t === 'int') return {ok: true, value: {t: 'str', v: v.v.toString()}}
    return fail('not evaluated')
  }
  if (v.t === 'int') return {ok: true, value: fn === 'int' ? v : {t: 'float', v: Number(v.v)}}
  if (v.t === 'float') return fn === 'float' ? {ok: true, value: v} : Number.isFinite(v.v) ? {ok: true, value: {t: 'int', v: BigInt(Math.trunc(v.v))}} : fail('OverflowError')
  if (v.t === 'bool') return {ok: true, value: fn === 'int' ? {t: 'int', v: v.v ? 1n : 0n} : {t: 'float', v: v.v ? 1 : 0}}
  if (v.t !== 'str') return fail('TypeError')
  const text = v.v.trim()
  if (fn === 'int') {
    if (!/^[+-]?\d+(?:_\d+)*$/.test(text)) return fail('ValueError')
    return {ok: true, value: {t: 'int', v: BigInt(text.replace(/_/g, ''))}}
  }
  if (!/^[+-]?(?:\d+(?:_\d+)*(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/.test(text)) return fail('ValueError')
  return {ok: true, value: {t: 'float', v: Number(text.replace(/_/g, ''))}}
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
