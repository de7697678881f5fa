// Reads a gunicorn.conf.py statically. gunicorn executes the file and takes every module
// global whose name is a setting; conntune never executes it. Top-level assignments of
// literals (and arithmetic over them) are evaluated; everything else is reported as
// unresolved with its line and the reason, so a reader knows the default was assumed.
import {ParseError} from '../types.js'
import {ExprParser, PySyntaxError, evaluate, isAugOp, isKeyword, type EnvReader, type EnvUse, type EvalResult, type NameState} from './py-expr.js'
import {normaliseSource, tokenizePython, type PyComment, type Token} from './py-tokenizer.js'
import {binaryOp, BUDGET_SPENT, extendList, isContainer, ItemBudget, markMutated, mutationOf, type PyValue} from './py-values.js'
import {ALL_SETTING_NAMES} from './settings-table.js'
import {append} from '../../append.js'
import {elideMiddle} from '../../text/elide.js'

export const MAX_CONF_BYTES = 4 * 1024 * 1024

/** What the module-level name holds once the file has run, as far as can be known. */
export type ConfBinding =
  | {
      state: 'known'
      value: PyValue
      line: number
      col: number
      /** Later assignments that may or may not run (inside if/for/try..., or a function's global) */
      maybe?: Array<{line: number; reason: string}>
      /** Environment variables the value was computed from */
      env?: EnvUse[]
    }
  | {state: 'unknown'; reason: string; line: number; col: number}

export interface ConfAssignment {
  name: string
  line: number
  col: number
  /** Set when the value was evaluated */
  value?: PyValue
  /** Why the value is not known */
  unresolved?: string
  /** Set when the assignment may or may not run, or does not touch the module global */
  scope: 'module' | 'conditional' | 'function' | 'class' | 'never'
  context?: string
}

export interface ConfUnresolved {
  name?: string
  line: number
  col: number
  reason: string
}

export interface GunicornConfPy {
  file: string
  /** Module globals after the file ran; gunicorn reads those whose name is a setting */
  names: Record<string, ConfBinding>
  /** Every assignment seen, in source order (nested ones included) */
  assignments: ConfAssignment[]
  /** Assignments whose effect is not known, with the reason */
  unresolved: ConfUnresolved[]
  /** Statements that may set any global (star imports, exec, globals()) */
  dynamic: ConfUnresolved[]
  comments: PyComment[]
}

type BlockKind = 'if' | 'for' | 'while' | 'try' | 'with' | 'match' | 'def' | 'class' | 'never' | 'indent'

interface Block {
  kind: BlockKind
  keyword: string
  line: number
  name?: string
  /** Names declared `global` inside a def */
  globals?: Set<string>
}

const COMPOUND = new Set(['if', 'elif', 'else', 'for', 'while', 'try', 'except', 'finally', 'with', 'def', 'class', 'async', 'match', 'case'])

const READ_ONLY_METHODS = new Set(['copy', 'count', 'index', 'get', 'keys', 'values', 'items', '__len__', '__contains__'])

const DYNAMIC_CALLS = new Set(['exec', 'eval', 'globals', 'locals', 'vars', 'setattr', 'delattr', '__import__'])

export interface ConfPyOptions {
  /** Names worth reporting when assigned where they do not reach the module (default: gunicorn settings) */
  interesting?: ReadonlySet<string>
  /** The environment the process starts with (os.environ lookups); without it, every default is assumed */
  env?: EnvReader
}

export function parseGunicornConfPy(text: string, file: string, options: ConfPyOptions = {}): {value: GunicornConfPy; errors: ParseError[]} {
  // A null-prototype map: a config may well assign `constructor` or `__proto__`.
  const value: GunicornConfPy = {file, names: Object.create(null) as Record<string, ConfBinding>, assignments: [], unresolved: [], dynamic: [], comments: []}
  const errors: ParseError[] = []
  if (text.length > MAX_CONF_BYTES) {
    errors.push(new ParseError('limit', {file, line: 1, col: 1}, `file larger than ${MAX_CONF_BYTES} bytes; not read`))
    return {value, errors}
  }
  const nul = text.indexOf('\0')
  if (nul !== -1) {
    errors.push(new ParseError('io', {file, line: 1, col: 1}, 'binary file (contains NUL bytes); not read'))
    return {value, errors}
  }
  const src = normaliseSource(text)
  const tk = tokenizePython(src, file)
  append(errors, tk.errors)
  value.comments = tk.comments
  new ModuleReader(src, file, tk.tokens, value, errors, options.interesting ?? ALL_SETTING_NAMES, options.env ?? (() => undefined)).run()
  errors.sort((a, b) => a.line - b.line || a.col - b.col)
  return {value, errors}
}

type Target =
  | {k: 'name'; name: string; tok: Token}
  | {k: 'seq'; items: Array<{star: boolean; t: Target}>; tok: Token}
  | {k: 'other'; base?: string; tok: Token; text: string}

class ModuleReader {
  private readonly blocks: Block[] = []
  private pending: Block | null = null
  private pendingDecorators = 0
  /** Shared by every expression in the file: bounds what the whole file can make us build. */
  private readonly budget = new ItemBudget()

  constructor(
    private readonly src: string,
    private readonly file: string,
    private readonly toks: Token[],
    private readonly out: GunicornConfPy,
    private readonly errors: ParseError[],
    private readonly interesting: ReadonlySet<string>,
    private readonly env: EnvReader,
  ) {}

  private syntax(tok: Token, message: string): void {
    this.errors.push(new ParseError('syntax', {file: this.file, line: tok.line, col: tok.col}, message))
  }

  run(): void {
    const toks = this.toks
    let i = 0
    while (i < toks.length) {
      const t = toks[i]
      if (t.type === 'ENDMARKER') break
      if (t.type === 'INDENT') {
        if (this.pending) this.blocks.push(this.pending)
        else {
          if (!toks[i + 1]?.broken) this.syntax(toks[i + 1] ?? t, 'unexpected indent')
          this.blocks.push({kind: 'indent', keyword: '', line: t.line})
        }
        this.pending = null
        i++
        continue
      }
      if (t.type === 'DEDENT') {
        this.blocks.pop()
        i++
        continue
      }
      if (t.type === 'NEWLINE') { i++; continue }
      let e = i
      while (e < toks.length && toks[e].type !== 'NEWLINE' && toks[e].type !== 'ENDMARKER') e++
      if (this.pending) {
        if (!t.broken) this.syntax(t, `expected an indented block after '${this.pending.keyword}' statement on line ${this.pending.line}`)
        this.pending = null
      }
      this.logicalLine(i, e)
      i = e
    }
    if (this.pending && !this.toks.some((x) => x.broken)) {
      const last = this.toks[this.toks.length - 1]
      this.syntax(last, `expected an indented block after '${this.pending.keyword}' statement on line ${this.pending.line}`)
    }
    // A list or dict changed in place (bind.append(...)) no longer has the value we read.
    for (const [name, b] of Object.entries(this.out.names)) {
      if (b.state !== 'known') continue
      const m = mutationOf(b.value)
      if (m) this.out.names[name] = {state: 'unknown', reason: m, line: b.line, col: b.col}
    }
  }

  private logicalLine(s: number, e: number): void {
    const first = this.toks[s]
    const broken = this.toks.slice(s, e).some((x) => x.broken)
    if (first.type === 'OP' && first.text === '@') {
      this.pendingDecorators++
      if (!broken) this.scanSideEffects(s + 1, e)
      return
    }
    if (first.type === 'NAME' && this.isCompoundHeader(s, e)) {
      this.header(s, e, broken)
      return
    }
    this.pendingDecorators = 0
    if (broken) return
    this.simpleStatements(s, e, this.context())
  }

  private isCompoundHeader(s: number, e: number): boolean {
    const kw = this.toks[s].text
    if (!COMPOUND.has(kw)) return false
    if (kw === 'match' || kw === 'case') {
      // Soft keywords: `match = 3` and `match(x)` are ordinary statements.
      const next = this.toks[s + 1]
      if (!next || (next.type === 'OP' && ['=', '.', ',', ')', ':'].includes(next.text)) || isAugOp(next.text)) return false
      return this.headerColon(s, e) !== -1 && !this.hasTopLevelOp(s, e, '=')
    }
    if (kw === 'async') return this.toks[s + 1]?.text === 'def' || this.toks[s + 1]?.text === 'for' || this.toks[s + 1]?.text === 'with'
    return true
  }

  private hasTopLevelOp(s: number, e: number, op: string): boolean {
    let depth = 0
    for (let k = s; k < e; k++) {
      const t = this.toks[k]
      if (t.type !== 'OP') continue
      if ('([{'.includes(t.text)) depth++
      else if (')]}'.includes(t.text)) depth--
      else if (depth === 0 && t.text === op) return true
    }
    return false
  }

  /** Index of the ':' that ends a compound statement header, or -1. */
  private headerColon(s: number, e: number): number {
    let depth = 0
    let lambdas = 0
    for (let k = s; k < e; k++) {
      const t = this.toks[k]
      if (t.type === 'NAME' && t.text === 'lambda' && depth === 0) lambdas++
      if (t.type !== 'OP') continue
      if ('([{'.includes(t.text)) depth++
      else if (')]}'.includes(t.text)) depth--
      else if (depth === 0 && t.text === ':') {
        if (lambdas > 0) { lambdas--; continue }
        return k
      }
    }
    return -1
  }

  private context(): {scope: ConfAssignment['scope']; context?: string; def?: Block} {
    let scope: ConfAssignment['scope'] = 'module'
    let context: string | undefined
    let def: Block | undefined
    for (const b of this.blocks) {
      if (b.kind === 'never') return {scope: 'never', context: `inside ${b.keyword} at line ${b.line}, which never runs when gunicorn loads the file`}
      if (b.kind === 'def') { scope = 'function'; def = b; context = `inside function '${b.name}' (line ${b.line})` }
      else if (b.kind === 'class' && scope !== 'function') { scope = 'class'; context = `inside class '${b.name}' (line ${b.line})` }
      else if (scope === 'module' && b.kind !== 'indent') { scope = 'conditional'; context = `inside the '${b.keyword}' block at line ${b.line}` }
      else if (scope === 'module') { scope = 'conditional'; context = `in an unexpectedly indented block at line ${b.line}` }
    }
    return {scope, context, def}
  }

  private header(s: number, e: number, broken: boolean): void {
    const toks = this.toks
    let k = s
    if (toks[k].text === 'async') k++
    const kw = toks[k].text
    const colon = broken ? -1 : this.headerColon(s, e)
    const kind: BlockKind =
      kw === 'if' || kw === 'elif' || kw === 'else' ? 'if'
        : kw === 'for' ? 'for'
          : kw === 'while' ? 'while'
            : kw === 'try' || kw === 'except' || kw === 'finally' ? 'try'
              : kw === 'with' ? 'with'
                : kw === 'def' ? 'def'
                  : kw === 'class' ? 'class'
                    : 'match'
    const block: Block = {kind, keyword: kw, line: toks[s].line}
    if (kind === 'def') block.globals = new Set()
    if (broken) {
      if (toks[e - 1]?.type === 'OP' && toks[e - 1].text === ':') this.pending = block
      this.pendingDecorators = 0
      return
    }
    if (colon === -1) {
      this.syntax(toks[e - 1] ?? toks[s], "expected ':'")
      this.pendingDecorators = 0
      return
    }
    const ctx = this.context()
    if (kind === 'def' || kind === 'class') {
      const nameTok = toks[k + 1]
      if (!nameTok || nameTok.type !== 'NAME' || isKeyword(nameTok.text)) {
        this.syntax(nameTok ?? toks[k], 'invalid syntax (expected a name)')
      } else {
        block.name = nameTok.text.normalize('NFKC')
        const fn: PyValue = {t: 'function', name: block.name, kind: kind === 'class' ? 'class' : 'def'}
        const reason = this.pendingDecorators > 0 ? `decorated ${kind === 'def' ? 'function' : 'class'}` : undefined
        this.bindName(block.name, nameTok, reason ? {ok: false, reason, tok: nameTok} : {ok: true, value: fn}, ctx)
      }
    } else if (kind === 'if' && (kw === 'if' || kw === 'elif') && isMainGuard(this.src.slice(toks[k + 1].start, toks[colon - 1].end))) {
      block.kind = 'never'
      block.keyword = "if __name__ == '__main__'"
    } else if (kind === 'for') {
      const inAt = this.findKeyword(k + 1, colon, 'in')
      if (inAt > k + 1) this.bindTargets(k + 1, inAt, 'loop variable', ctx, block)
    } else if (kind === 'with' || (kind === 'try' && kw === 'except')) {
      this.bindAsTargets(k + 1, colon, ctx, block, kw === 'with' ? "the 'with' statement's 'as' target" : "the exception bound by 'except ... as'")
    }
    this.pendingDecorators = 0
    this.scanSideEffects(k + 1, colon, ctx.scope === 'module' ? 'module' : ctx.scope)
    if (colon + 1 < e) {
      this.blocks.push(block)
      this.simpleStatements(colon + 1, e, this.context())
      this.blocks.pop()
    } else {
      this.pending = block
    }
  }

  private findKeyword(s: number, e: number, kw: string): number {
    let depth = 0
    for (let k = s; k < e; k++) {
      const t = this.toks[k]
      if (t.type === 'OP' && '([{'.includes(t.text)) depth++
      else if (t.type === 'OP' && ')]}'.includes(t.text)) depth--
      else if (depth === 0 && t.type === 'NAME' && t.text === kw) return k
    }
    return -1
  }

  /** Names after `as` in with/except headers become unknown (the block may not complete). */
  private bindAsTargets(s: number, e: number, ctx: ReturnType<ModuleReader['context']>, block: Block, what: string): void {
    for (let k = s; k < e; k++) {
      const t = this.toks[k]
      if (t.type === 'NAME' && t.text === 'as' && this.toks[k + 1]?.type === 'NAME') {
        const n = this.toks[k + 1]
        this.bindName(n.text.normalize('NFKC'), n, {ok: false, reason: what, tok: n}, this.nestedContext(ctx, block))
      }
    }
  }

  private bindTargets(s: number, e: number, reason: string, ctx: ReturnType<ModuleReader['context']>, block: Block): void {
    const target = this.parseTarget(s, e)
    if (!target) return
    for (const n of targetNames(target)) this.bindName(n.name, n.tok, {ok: false, reason, tok: n.tok}, this.nestedContext(ctx, block))
  }

  private nestedContext(ctx: ReturnType<ModuleReader['context']>, block: Block): ReturnType<ModuleReader['context']> {
    if (ctx.scope !== 'module') return ctx
    return {scope: 'conditional', context: `the '${block.keyword}' statement at line ${block.line}`}
  }

  private simpleStatements(s: number, e: number, ctx: ReturnType<ModuleReader['context']>): void {
    let depth = 0
    let start = s
    for (let k = s; k <= e; k++) {
      const t = this.toks[k]
      if (k < e && t.type === 'OP') {
        if ('([{'.includes(t.text)) depth++
        else if (')]}'.includes(t.text)) depth--
      }
      if (k === e || (depth === 0 && t.type === 'OP' && t.text === ';')) {
        if (k > start) this.statement(start, k, ctx)
        else if (k < e) this.syntax(t, 'invalid syntax')
        start = k + 1
      }
    }
  }

  private statement(s: number, e: number, ctx: ReturnType<ModuleReader['context']>): void {
    const toks = this.toks
    const first = toks[s]
    if (first.type === 'NAME') {
      switch (first.text) {
        case 'import': return this.importStatement(s, e, ctx)
        case 'from': return this.fromImport(s, e, ctx)
        case 'global':
          if (ctx.def?.globals) for (let k = s + 1; k < e; k++) if (toks[k].type === 'NAME') ctx.def.globals.add(toks[k].text.normalize('NFKC'))
          return
        case 'nonlocal':
          return
        case 'del': return this.delStatement(s, e, ctx)
        case 'pass': case 'break': case 'continue':
          if (e > s + 1) this.syntax(toks[s + 1], 'invalid syntax')
          return
        case 'return': case 'raise': case 'assert': case 'yield': {
          this.scanSideEffects(s + 1, e, ctx.scope)
          let from = s + 1
          if (first.text === 'yield' && toks[from]?.text === 'from') from++
          const fromAt = first.text === 'raise' ? this.findKeyword(from, e, 'from') : -1
          if (fromAt !== -1) {
            this.checkExpression(from, fromAt, false)
            this.checkExpression(fromAt + 1, e, false)
          } else {
            this.checkExpression(from, e, true)
          }
          return
        }
        case 'type':
          if (toks[s + 1]?.type === 'NAME' && this.hasTopLevelOp(s, e, '=')) {
            const n = toks[s + 1]
            this.bindName(n.text.normalize('NFKC'), n, {ok: false, reason: "a 'type' alias", tok: n}, ctx)
            return
          }
          break
      }
      if (COMPOUND.has(first.text) && !['match', 'case', 'async'].includes(first.text)) {
        this.syntax(first, 'invalid syntax (compound statement after ";" or ":")')
        return
      }
    }
    this.scanSideEffects(s, e, ctx.scope)
    // Split on the top-level '=' (chained assignment), augmented operator or annotation ':'.
    const eqs: number[] = []
    let aug = -1
    let annot = -1
    let depth = 0
    let lambdas = 0
    for (let k = s; k < e; k++) {
      const t = toks[k]
      if (t.type === 'NAME' && t.text === 'lambda' && depth === 0) lambdas++
      if (t.type !== 'OP') continue
      if ('([{'.includes(t.text)) depth++
      else if (')]}'.includes(t.text)) depth--
      else if (depth === 0 && lambdas > 0) {
        // Defaults and the ':' of a lambda's parameters are not assignments or annotations.
        if (t.text === ':') lambdas--
      } else if (depth === 0) {
        if (t.text === '=') eqs.push(k)
        else if (isAugOp(t.text) && aug === -1 && eqs.length === 0) aug = k
        else if (t.text === ':' && annot === -1 && eqs.length === 0 && aug === -1) annot = k
      }
    }
    if (aug !== -1) return this.augmented(s, aug, e, ctx)
    if (annot !== -1) {
      // `name: annotation = value` binds; `name: annotation` alone does not.
      if (eqs.length === 0) {
        this.checkExpression(s, annot, false)
        return
      }
      const target = this.parseTarget(s, annot)
      if (!target) return
      if (target.k === 'seq') { this.syntax(toks[s], 'only single target (not tuple) can be annotated'); return }
      const result = this.evalRange(eqs[0] + 1, e)
      if (result === null) return
      this.assign(target, result, ctx)
      return
    }
    if (eqs.length === 0) {
      this.checkExpression(s, e, false)
      return
    }
    const result = this.evalRange(eqs[eqs.length - 1] + 1, e)
    if (result === null) return
    const bounds = [s, ...eqs.map((x) => x + 1)]
    const targets: Target[] = []
    for (let j = 0; j < eqs.length; j++) {
      const t = this.parseTarget(bounds[j], eqs[j])
      if (!t) return
      targets.push(t)
    }
    for (const t of targets) this.assign(t, result, ctx)
  }

  /** Parses and evaluates tokens[s, e) as the right-hand side; null after a syntax error. */
  private evalRange(s: number, e: number): EvalResult | null {
    if (s >= e) {
      this.syntax(this.toks[Math.max(s - 1, 0)], 'invalid syntax (nothing after "=")')
      return null
    }
    const first = this.toks[s]
    if (first.type === 'NAME' && first.text === 'yield') return {ok: false, reason: 'yield expression', tok: first}
    try {
      const p = new ExprParser(this.toks, s, e, this.src)
      const node = p.parseTestList()
      if (!p.atEnd()) {
        this.syntax(this.toks[p.index], 'invalid syntax')
        return null
      }
      const uses: EnvUse[] = []
      const r = evaluate(node, (n) => this.lookup(n), {read: this.env, uses}, this.budget)
      return r.ok && uses.length > 0 ? {...r, env: uses} : r
    } catch (err) {
      if (err instanceof PySyntaxError) {
        this.syntax(err.tok, err.message)
        return null
      }
      throw err
    }
  }

  /** Parses an expression statement only to report Python syntax errors in it. */
  private checkExpression(s: number, e: number, allowEmpty: boolean): void {
    if (s >= e) {
      if (!allowEmpty) this.syntax(this.toks[s], 'invalid syntax')
      return
    }
    try {
      const p = new ExprParser(this.toks, s, e, this.src)
      p.parseTestList()
      if (!p.atEnd()) this.syntax(this.toks[p.index], 'invalid syntax')
    } catch (err) {
      if (err instanceof PySyntaxError) this.syntax(err.tok, err.message)
      else throw err
    }
  }

  private lookup(name: string): NameState {
    const b = this.out.names[name]
    if (!b) return {state: 'undefined'}
    if (b.state === 'unknown') return b
    if (b.maybe && b.maybe.length > 0) return {state: 'unknown', reason: b.maybe[0].reason, line: b.maybe[0].line}
    const m = mutationOf(b.value)
    if (m) return {state: 'unknown', reason: m, line: b.line}
    return {state: 'known', value: b.value, line: b.line, ...(b.env ? {env: b.env} : {})}
  }

  private parseTarget(s: number, e: number): Target | null {
    const toks = this.toks
    if (s >= e) {
      this.syntax(toks[s] ?? toks[s - 1], 'invalid syntax (missing assignment target)')
      return null
    }
    // Split on top-level commas.
    const parts: Array<[number, number]> = []
    let depth = 0
    let start = s
    let trailingComma = false
    for (let k = s; k < e; k++) {
      const t = toks[k]
      if (t.type === 'OP' && '([{'.includes(t.text)) depth++
      else if (t.type === 'OP' && ')]}'.includes(t.text)) depth--
      else if (depth === 0 && t.type === 'OP' && t.text === ',') {
        parts.push([start, k])
        start = k + 1
        trailingComma = true
        continue
      }
      trailingComma = false
    }
    if (start < e) parts.push([start, e])
    const items: Array<{star: boolean; t: Target}> = []
    for (const [a, b] of parts) {
      const star = toks[a].type === 'OP' && toks[a].text === '*'
      const t = this.parseSingleTarget(star ? a + 1 : a, b)
      if (!t) return null
      items.push({star, t})
    }
    if (items.filter((x) => x.star).length > 1) {
      this.syntax(toks[s], 'multiple starred expressions in assignment')
      return null
    }
    if (items.length === 1 && !trailingComma && !items[0].star) return items[0].t
    if (items.length === 1 && items[0].star && !trailingComma) {
      this.syntax(toks[s], 'starred assignment target must be in a list or tuple')
      return null
    }
    return {k: 'seq', items, tok: toks[s]}
  }

  private parseSingleTarget(s: number, e: number): Target | null {
    const toks = this.toks
    const t = toks[s]
    if (s >= e) {
      this.syntax(t ?? toks[s - 1], 'invalid syntax (missing assignment target)')
      return null
    }
    if (e === s + 1) {
      if (t.type === 'NAME' && !isKeyword(t.text)) return {k: 'name', name: t.text.normalize('NFKC'), tok: t}
      if (t.type === 'NAME' && (t.text === 'True' || t.text === 'False' || t.text === 'None')) {
        this.syntax(t, `cannot assign to ${t.text}`)
        return null
      }
      this.syntax(t, t.type === 'NUMBER' || t.type === 'STRING' ? 'cannot assign to literal' : 'invalid syntax (cannot assign to this)')
      return null
    }
    if (t.type === 'OP' && (t.text === '(' || t.text === '[') && this.matchingClose(s) === e - 1) {
      if (e - 1 === s + 1) {
        if (t.text === '(') { this.syntax(t, 'cannot assign to ()'); return null }
        return {k: 'seq', items: [], tok: t}
      }
      const inner = this.parseTarget(s + 1, e - 1)
      if (!inner) return null
      if (inner.k === 'seq') return inner
      if (t.text === '[') return {k: 'seq', items: [{star: false, t: inner}], tok: t}
      return inner
    }
    if (t.type === 'NUMBER' || t.type === 'STRING') {
      this.syntax(t, 'cannot assign to literal')
      return null
    }
    const last = toks[e - 1]
    if (last.type === 'OP' && last.text === ')') {
      this.syntax(t, 'cannot assign to function call')
      return null
    }
    // Attribute and subscript targets (a.b, a[0], f().x): they change an object, not a name.
    const attribute = last.type === 'NAME' && toks[e - 2]?.type === 'OP' && toks[e - 2].text === '.'
    const subscript = last.type === 'OP' && last.text === ']'
    if (attribute || subscript) {
      const direct = t.type === 'NAME' && !isKeyword(t.text) && toks[s + 1]?.type === 'OP' && (toks[s + 1].text === '.' || toks[s + 1].text === '[')
      return {k: 'other', base: direct ? t.text.normalize('NFKC') : undefined, tok: t, text: this.src.slice(t.start, last.end)}
    }
    this.syntax(t, 'invalid syntax (cannot assign to expression)')
    return null
  }

  private matchingClose(s: number): number {
    let depth = 0
    for (let k = s; k < this.toks.length; k++) {
      const t = this.toks[k]
      if (t.type !== 'OP') continue
      if ('([{'.includes(t.text)) depth++
      else if (')]}'.includes(t.text)) {
        depth--
        if (depth === 0) return k
      }
    }
    return -1
  }

  private assign(target: Target, result: EvalResult, ctx: ReturnType<ModuleReader['context']>): void {
    if (target.k === 'name') return this.bindName(target.name, target.tok, result, ctx)
    if (target.k === 'other') {
      if (ctx.scope === 'function' || ctx.scope === 'never' || !target.base) return
      const b = this.out.names[target.base]
      if (b && b.state === 'known' && isContainer(b.value)) markMutated(b.value, `changed by '${target.text} = ...' at line ${target.tok.line}`)
      return
    }
    if (!result.ok) {
      for (const n of targetNames(target)) this.bindName(n.name, n.tok, {ok: false, reason: `unpacked from a value with no known value: ${result.reason}`, tok: result.tok}, ctx)
      return
    }
    const v = result.value
    let items: PyValue[] | null = null
    if (v.t === 'list' || v.t === 'tuple' || v.t === 'set') items = v.items
    else if (v.t === 'str') items = [...v.v].map((c): PyValue => ({t: 'str', v: c}))
    else if (v.t === 'dict') items = v.entries.map(([k]) => k)
    if (items === null) {
      const reason = `TypeError when executed: cannot unpack non-iterable ${v.t} object`
      for (const n of targetNames(target)) this.bindName(n.name, n.tok, {ok: false, reason, tok: target.tok}, ctx)
      return
    }
    if (v.t === 'set' && items.length > 1) {
      for (const n of targetNames(target)) this.bindName(n.name, n.tok, {ok: false, reason: 'unpacked from a set (iteration order is not defined)', tok: target.tok}, ctx)
      return
    }
    const starAt = target.items.findIndex((x) => x.star)
    const fixed = target.items.length - (starAt === -1 ? 0 : 1)
    if ((starAt === -1 && items.length !== fixed) || (starAt !== -1 && items.length < fixed)) {
      const reason = `ValueError when executed: ${items.length < fixed ? 'not enough' : 'too many'} values to unpack (expected ${fixed}, got ${items.length})`
      for (const n of targetNames(target)) this.bindName(n.name, n.tok, {ok: false, reason, tok: target.tok}, ctx)
      return
    }
    if (starAt !== -1 && !this.budget.take(items.length - fixed)) {
      for (const n of targetNames(target)) this.bindName(n.name, n.tok, {ok: false, reason: BUDGET_SPENT, tok: target.tok}, ctx)
      return
    }
    target.items.forEach((it, idx) => {
      let val: PyValue
      if (starAt === -1 || idx < starAt) val = items![idx]
      else if (idx === starAt) val = {t: 'list', items: items!.slice(starAt, items!.length - (target.items.length - 1 - starAt))}
      else val = items![items!.length - (target.items.length - idx)]
      this.assign(it.t, {ok: true, value: val}, ctx)
    })
  }

  private bindName(name: string, tok: Token, given: EvalResult, ctx: ReturnType<ModuleReader['context']>): void {
    // A reason may quote the reason of the name it was computed from: bounded here, where it is kept.
    const result: EvalResult = given.ok ? given : {...given, reason: elideMiddle(given.reason)}
    const record: ConfAssignment = {name, line: tok.line, col: tok.col, scope: ctx.scope, context: ctx.context}
    if (result.ok) record.value = result.value
    else record.unresolved = result.reason
    let scope = ctx.scope
    if (scope === 'function' && ctx.def?.globals?.has(name)) {
      scope = 'conditional'
      record.scope = 'conditional'
      record.context = `${ctx.context}, declared global: applies only if the function is called while the file loads`
      ctx = {...ctx, scope, context: record.context}
    }
    this.out.assignments.push(record)
    if (scope === 'function' || scope === 'class' || scope === 'never') {
      if (this.interesting.has(name)) {
        const why = scope === 'never' ? ctx.context! : `${ctx.context}: a ${scope === 'class' ? 'class attribute' : 'local variable'}, not the module-level setting`
        this.out.unresolved.push({name, line: tok.line, col: tok.col, reason: why})
      }
      return
    }
    if (scope === 'conditional') {
      const prev = this.out.names[name]
      const reason = `may be assigned ${ctx.context} (line ${tok.line})`
      if (prev && prev.state === 'known') (prev.maybe ??= []).push({line: tok.line, reason})
      else if (!prev || prev.state === 'unknown') this.out.names[name] = {state: 'unknown', reason: prev ? elideMiddle(`${prev.reason}; ${reason}`) : reason, line: tok.line, col: tok.col}
      if (this.interesting.has(name)) this.out.unresolved.push({name, line: tok.line, col: tok.col, reason: result.ok ? `assigned ${ctx.context}; may or may not apply` : `assigned ${ctx.context}; ${result.reason}`})
      return
    }
    if (result.ok) {
      this.out.names[name] = {state: 'known', value: result.value, line: tok.line, col: tok.col, ...(result.env ? {env: result.env} : {})}
    } else {
      this.out.names[name] = {state: 'unknown', reason: result.reason, line: tok.line, col: tok.col}
      if (this.interesting.has(name)) this.out.unresolved.push({name, line: tok.line, col: tok.col, reason: result.reason})
    }
  }

  private augmented(s: number, opAt: number, e: number, ctx: ReturnType<ModuleReader['context']>): void {
    const toks = this.toks
    const target = this.parseTarget(s, opAt)
    if (!target) return
    if (target.k === 'seq') {
      this.syntax(toks[s], "'tuple' is an illegal expression for augmented assignment")
      return
    }
    const rhs = this.evalRange(opAt + 1, e)
    if (rhs === null) return
    if (target.k === 'other') return this.assign(target, rhs, ctx)
    const op = toks[opAt].text.slice(0, -1)
    const cur = this.lookup(target.name)
    let result: EvalResult
    if (cur.state === 'undefined') {
      result = {ok: false, reason: `NameError when executed: name '${target.name}' is not defined`, tok: target.tok}
    } else if (cur.state === 'unknown') {
      result = {ok: false, reason: `'${target.name}' had no known value before '${toks[opAt].text}': ${cur.reason}`, tok: target.tok}
    } else if (!rhs.ok) {
      result = rhs
    } else {
      // list += extends the list in place (aliases see it), without a copy per line.
      const r = op === '+' && cur.value.t === 'list' ? extendList(cur.value, rhs.value, this.budget) : binaryOp(op, cur.value, rhs.value, this.budget)
      result = r.ok ? {ok: true, value: r.value} : {ok: false, reason: r.reason, tok: toks[opAt]}
    }
    if (ctx.scope === 'module' && cur.state === 'known' && !result.ok && isContainer(cur.value)) markMutated(cur.value, result.reason)
    this.bindName(target.name, target.tok, result, ctx)
  }

  private importStatement(s: number, e: number, ctx: ReturnType<ModuleReader['context']>): void {
    const toks = this.toks
    let k = s + 1
    while (k < e) {
      const start = toks[k]
      if (start.type !== 'NAME') { this.syntax(start, 'invalid syntax'); return }
      let bound = start
      let module = start.text
      k++
      while (k < e && toks[k].text === '.') {
        module += '.' + (toks[k + 1]?.text ?? '')
        k += 2
      }
      if (k < e && toks[k].text === 'as') {
        bound = toks[k + 1]
        k += 2
      }
      if (bound && bound.type === 'NAME') this.bindName(bound.text.normalize('NFKC'), bound, {ok: false, reason: `the module '${module}'`, tok: bound}, ctx)
      if (k < e && toks[k].text === ',') k++
      else if (k < e) { this.syntax(toks[k], 'invalid syntax'); return }
    }
  }

  private fromImport(s: number, e: number, ctx: ReturnType<ModuleReader['context']>): void {
    const toks = this.toks
    const importAt = this.findKeyword(s + 1, e, 'import')
    if (importAt === -1) { this.syntax(toks[e - 1], "invalid syntax (expected 'import')"); return }
    const module = this.src.slice(toks[s + 1].start, toks[importAt - 1].end)
    let k = importAt + 1
    if (toks[k]?.text === '*') {
      const where = ctx.scope === 'module' ? '' : ` (${ctx.context})`
      this.out.dynamic.push({line: toks[s].line, col: toks[s].col, reason: `'from ${module} import *' may set any setting${where}`})
      return
    }
    if (toks[k]?.text === '(') k++
    while (k < e) {
      const t = toks[k]
      if (t.type === 'OP' && (t.text === ')' || t.text === ',')) { k++; continue }
      if (t.type !== 'NAME') { this.syntax(t, 'invalid syntax'); return }
      let bound = t
      k++
      if (toks[k]?.text === 'as') {
        bound = toks[k + 1]
        k += 2
      }
      if (bound && bound.type === 'NAME') {
        this.bindName(bound.text.normalize('NFKC'), bound, {ok: false, reason: `imported from '${module}'`, tok: bound}, ctx)
      }
    }
  }

  private delStatement(s: number, e: number, ctx: ReturnType<ModuleReader['context']>): void {
    const target = this.parseTarget(s + 1, e)
    if (!target) return
    const visit = (t: Target): void => {
      if (t.k === 'seq') { t.items.forEach((x) => visit(x.t)); return }
      if (t.k === 'other') { this.assign(t, {ok: false, reason: 'del', tok: t.tok}, ctx); return }
      if (ctx.scope === 'module') {
        this.out.assignments.push({name: t.name, line: t.tok.line, col: t.tok.col, scope: 'module', unresolved: 'deleted'})
        delete this.out.names[t.name]
      } else {
        this.bindName(t.name, t.tok, {ok: false, reason: 'may be deleted', tok: t.tok}, ctx)
      }
    }
    visit(target)
  }

  /**
   * Things an ordinary-looking statement can do to module globals: walrus targets, method
   * calls that change a list or dict in place, exec()/globals()/setattr().
   */
  private scanSideEffects(s: number, e: number, scope: ConfAssignment['scope'] = this.context().scope): void {
    const toks = this.toks
    const ctx = this.context()
    for (let k = s; k < e; k++) {
      const t = toks[k]
      if (t.type !== 'NAME') continue
      const next = toks[k + 1]
      const prev = toks[k - 1]
      const afterDot = prev?.type === 'OP' && prev.text === '.'
      if (next?.type === 'OP' && next.text === ':=' && k + 1 < e) {
        this.bindName(t.text.normalize('NFKC'), t, {ok: false, reason: `assignment expression (${t.text} := ...)`, tok: t}, scope === 'function' ? ctx : {scope: scope === 'module' ? 'module' : scope, context: ctx.context})
        continue
      }
      if (afterDot || scope === 'function' || scope === 'never') continue
      if (DYNAMIC_CALLS.has(t.text) && next?.type === 'OP' && next.text === '(' && !this.out.names[t.text]) {
        this.out.dynamic.push({line: t.line, col: t.col, reason: `${t.text}() may set any setting`})
        continue
      }
      if (t.text === 'sys' && toks[k + 1]?.text === '.' && toks[k + 2]?.text === 'modules') {
        this.out.dynamic.push({line: t.line, col: t.col, reason: 'sys.modules access may set any setting'})
        continue
      }
      if (next?.type === 'OP' && next.text === '.' && toks[k + 2]?.type === 'NAME' && toks[k + 3]?.text === '(' && k + 3 < e) {
        const method = toks[k + 2].text
        const b = this.out.names[t.text.normalize('NFKC')]
        if (b && b.state === 'known' && isContainer(b.value) && !READ_ONLY_METHODS.has(method)) {
          const where = scope === 'module' ? `at line ${t.line}` : `${ctx.context} (line ${t.line})`
          markMutated(b.value, `changed in place by ${t.text}.${method}() ${where}`)
          if (this.interesting.has(t.text)) this.out.unresolved.push({name: t.text, line: t.line, col: t.col, reason: `changed in place by ${t.text}.${method}(); its value is not followed`})
        }
      }
    }
  }
}

function targetNames(t: Target): Array<{name: string; tok: Token}> {
  if (t.k === 'name') return [{name: t.name, tok: t.tok}]
  if (t.k === 'seq') return t.items.flatMap((x) => targetNames(x.t))
  return []
}

function isMainGuard(condition: string): boolean {
  const c = condition.replace(/\s+/g, '')
  return /^\(?(__name__==(['"])__main__\2|(['"])__main__\3==__name__)\)?$/.test(c)
}

/** Module globals that gunicorn would take as settings (known or not), by setting name. */
export function confSettings(conf: GunicornConfPy, names: ReadonlySet<string>): Array<[string, ConfBinding]> {
  return Object.entries(conf.names).filter(([n]) => names.has(n))
}
