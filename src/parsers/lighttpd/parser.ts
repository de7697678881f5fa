// Text → statements for one file: lighttpd's tokenizer feeding an LALR(1) driver that behaves
// like the LEMON parser in lighttpd 1.4.69 (default reductions, then a token it cannot use is
// dropped), with configparser.y's actions evaluating values and tracking blocks as it goes.
import {checkField, fieldText} from './conditions.js'
import {R, type Terminal} from './grammar.js'
import {lighttpdTables} from './lalr.js'
import {discardMessage, endOfFileMessage} from './messages.js'
import type {Scope} from './scopes.js'
import type {Pos, Session} from './session.js'
import {Tokenizer, type Token} from './tokenizer.js'
import type {
  LighttpdArrayItem, LighttpdAssignOp, LighttpdCondOp, LighttpdCondition, LighttpdGlobalBlock,
  LighttpdInclude, LighttpdStatement, LighttpdValue,
} from './types.js'
import {appendValues, asciiLower, cloneValue, parseInteger, str, toStringop, unresolved} from './values.js'

/** LEMON's YYSTACKDEPTH in lighttpd's build; deeper nesting overflows lighttpd's parser. */
const LIGHTTPD_STACK = 100
// Where conntune stops reading the file. Past lighttpd's own 100 the statement is lost to lighttpd
// anyway; values nested this deep are still copied and compared by recursive code, and at
// 10 000 a value nested 6 400 deep overflowed the JavaScript stack (an internal error).
const HARD_STACK = 1_000

interface Sem {
  tok?: Token
  name?: string
  value?: LighttpdValue
  items?: LighttpdArrayItem[]
  /** Lowercased keys of `items`, so long arrays are checked for repeats in linear time. */
  keys?: Set<string>
  item?: LighttpdArrayItem
  sop?: {value?: string; unresolved?: string; error?: string}
  op?: LighttpdCondOp
  cond?: {node: LighttpdCondition; scope: Scope}
}

interface Entry {
  state: number
  sym: string
  sem: Sem
  line: number
  col: number
}

const COND_OPS: Record<number, LighttpdCondOp> = {
  [R.condEq]: '==', [R.condMatch]: '=~', [R.condNe]: '!=', [R.condNomatch]: '!~', [R.condPrefix]: '=^', [R.condSuffix]: '=$',
}
const ASSIGN_OPS: Record<number, LighttpdAssignOp> = {[R.varlineAssign]: '=', [R.varlineForce]: ':=', [R.varlineAppend]: '+='}

export function parseFileText(session: Session, file: string, text: string, sink: LighttpdStatement[], isEntry: boolean): void {
  new FileParse(session, file, text, sink).run(isEntry)
}

class FileParse {
  private readonly tables = lighttpdTables()
  private readonly stack: Entry[] = [{state: 0, sym: '$', sem: {}, line: 1, col: 1}]
  private readonly sinks: LighttpdStatement[][]
  private readonly tok: Tokenizer
  /** LEMON's yyerrcnt: after an error, stay quiet until three tokens were taken. */
  private errcnt = -1
  private prev?: Token
  private la: {line: number; col: number} = {line: 1, col: 1}
  private overflowReported = false
  private aborted = false

  constructor(private readonly session: Session, private readonly file: string, text: string, sink: LighttpdStatement[]) {
    this.sinks = [sink]
    this.tok = new Tokenizer(text, {
      modernKeywords: session.opts.modernKeywords,
      prefixSuffixOps: session.opts.prefixSuffixOps,
      maxTokenLength: session.opts.maxTokenLength,
    }, {
      error: (kind, line, col, message) => session.report(kind, {file, line, col}, message),
      comment: (line, col, text) => session.comments.push({file, line, col, text}),
    })
  }

  run(isEntry: boolean): void {
    const engine = this.session.engine
    const depth = engine.depth
    let pending: Token[] = []
    let wrapper = false
    let braces = 0
    let skipEol = false
    if (isEntry) {
      // `lighttpd -p` prints the whole config inside "config { ... }".
      const a = this.tok.next()
      const b = a?.kind === 'LKEY' && a.text === 'config' ? this.tok.next() : null
      if (a && b?.kind === 'LCURLY') {
        wrapper = true
        this.session.preprocessed = true
        engine.global.values.clear()
        this.tok.negativeIntegers = true
      } else {
        pending = [a, b].filter((t): t is Token => t !== null && t !== undefined)
      }
    }
    for (;;) {
      const t = pending.shift() ?? this.tok.next()
      if (!t || this.aborted) break
      if (wrapper) {
        if (skipEol && t.kind === 'EOL') { skipEol = false; continue }
        skipEol = false
        if (t.kind === 'LCURLY') braces++
        if (t.kind === 'RCURLY' && braces-- === 0) { wrapper = false; skipEol = true; continue }
      }
      this.feed(t)
    }
    if (this.aborted || this.tok.failed) {
      // Like lighttpd, stop this file at a token it cannot read; keep what came before.
      engine.closeTo(depth)
      return
    }
    // lighttpd adds a line end at the end of every file, then the end-of-input marker.
    const end = this.tok.endPosition()
    this.feed({kind: 'EOL', text: '(EOL)', line: end.line, col: end.col})
    if (!this.feed(null)) engine.closeTo(depth)
  }

  /** One token (null: end of input) through the automaton; false when the parse failed. */
  private feed(t: Token | null): boolean {
    const term: Terminal = t ? t.kind : '$'
    const end = this.tok.endPosition()
    this.la = t ? {line: t.line, col: t.col} : end
    for (;;) {
      const act = this.tables.action(this.stack[this.stack.length - 1].state, term)
      if (act.type === 'shift') {
        this.push({state: act.state, sym: term, sem: {tok: t ?? undefined}, line: this.la.line, col: this.la.col})
        this.errcnt--
        this.prev = t ?? undefined
        return true
      }
      if (act.type === 'reduce') {
        this.reduce(act.rule)
        if (this.aborted) return false
        continue
      }
      if (act.type === 'accept') return true
      if (!t) {
        this.session.report('syntax', {file: this.file, ...end}, this.endOfFileMessage())
        return false
      }
      if (this.errcnt <= 0) this.session.report('syntax', this.at(t), discardMessage(t, this.prev, this.stack.some((e) => e.sym === 'LPARAN')))
      this.errcnt = 3
      this.prev = t
      return true
    }
  }

  private push(e: Entry): void {
    if (this.stack.length >= LIGHTTPD_STACK && !this.overflowReported) {
      this.overflowReported = true
      this.session.report('limit', {file: this.file, line: e.line, col: e.col},
        `nested too deep: lighttpd's parser stack (${LIGHTTPD_STACK} entries) overflows here, and lighttpd then drops the statement or aborts`)
    }
    if (this.stack.length >= HARD_STACK) {
      this.aborted = true
      this.session.report('limit', {file: this.file, line: e.line, col: e.col}, `nested more than ${HARD_STACK} levels deep; rest of ${this.file} not read`)
      return
    }
    this.stack.push(e)
  }

  private reduce(rule: number): void {
    const {lhs, rhs} = this.tables.rules[rule]
    const n = rhs.length
    const args = this.stack.slice(this.stack.length - n)
    const pos = n > 0 ? {line: args[0].line, col: args[0].col} : this.la
    const sem = this.action(rule, args, pos)
    this.stack.length -= n
    const state = this.tables.goto(this.stack[this.stack.length - 1].state, lhs)
    this.push({state, sym: lhs, sem, ...pos})
  }

  /** configparser.y's action for `rule`, over the right-hand side's stack entries. */
  private action(rule: number, a: Entry[], pos: {line: number; col: number}): Sem {
    const engine = this.session.engine
    const where = {file: this.file, line: pos.line}
    switch (rule) {
      case R.varlineAssign:
      case R.varlineForce:
      case R.varlineAppend: {
        const key = a[0].sem.name ?? ''
        const op = ASSIGN_OPS[rule]
        const value = a[2].sem.value ?? unresolved('invalid expression')
        this.emit({kind: 'assign', key, op, value, file: this.file, line: a[0].line, col: a[0].col})
        const err = engine.assign(op, key, value, where)
        if (err) this.error(a[0], err)
        return {}
      }
      case R.key: {
        const text = a[0].sem.tok?.text ?? ''
        return {name: text.includes('.') ? text : `var.${text}`}
      }
      case R.plus: {
        const left = a[0].sem.value ?? unresolved('invalid expression')
        const right = a[2].sem.value ?? unresolved('invalid expression')
        // The left operand is this expression's own (a literal or a variable's copy), consumed here.
        const merged = appendValues(left, right)
        if (merged.error) this.error(a[1], merged.error)
        return {value: merged.value}
      }
      case R.exprValue:
        return a[0].sem
      case R.valueArray:
        return {value: {type: 'array', items: a[0].sem.items ?? []}}
      case R.valueKey:
        return {value: this.lookup(a[0].sem.name ?? '', a[0])}
      case R.valueString:
        return {value: str(a[0].sem.tok?.text ?? '')}
      case R.valueInteger: {
        const n = parseInteger(a[0].sem.tok?.text ?? '0')
        if (n.error) this.error(a[0], n.error)
        return {value: {type: 'integer', value: n.value}}
      }
      case R.arrayEmpty:
        return {items: []}
      case R.arrayItems:
        return {items: a[1].sem.items ?? []}
      case R.aelementsComma:
        return a[0].sem
      case R.aelementsOne:
      case R.aelementsMore: {
        const items = rule === R.aelementsOne ? [] : a[0].sem.items ?? []
        const keys = rule === R.aelementsOne ? new Set<string>() : a[0].sem.keys ?? new Set<string>()
        const el = a[rule === R.aelementsOne ? 0 : 2]
        const item = el.sem.item
        const lk = item?.key === undefined ? undefined : asciiLower(item.key)
        if (lk !== undefined && keys.has(lk)) {
          this.error(el, `duplicate array key "${item?.key}"`)
        } else if (item) {
          items.push(item)
          if (lk !== undefined) keys.add(lk)
        }
        return {items, keys}
      }
      case R.aelementValue:
        return {item: {value: a[0].sem.value ?? unresolved('invalid expression')}}
      case R.aelementKeyed: {
        const sop = a[0].sem.sop ?? {}
        const key = sop.value ?? '<unresolved>'
        return {item: {key, value: a[2].sem.value ?? unresolved('invalid expression')}}
      }
      case R.stringop: {
        const sop = toStringop(a[0].sem.value ?? unresolved('invalid expression'))
        if (sop.error) this.error(a[0], sop.error)
        return {sop}
      }
      case R.condEq: case R.condMatch: case R.condNe: case R.condNomatch: case R.condPrefix: case R.condSuffix:
        return {op: COND_OPS[rule]}
      case R.globalStart: {
        const node: LighttpdGlobalBlock = {kind: 'global', body: [], file: this.file, line: a[0].line, col: a[0].col}
        this.emit(node)
        this.sinks.push(node.body)
        engine.openGlobal()
        return {}
      }
      case R.global:
      case R.condline:
      case R.condElse:
        engine.close()
        if (this.sinks.length > 1) this.sinks.pop()
        return a[0].sem
      case R.context:
        return this.openCondition(a)
      case R.contextElse:
        return this.openElse()
      case R.condlinesOne:
        return a[0].sem
      case R.chainCond:
      case R.chainElse: {
        const prev = a[0].sem.cond
        const cur = a[3].sem.cond
        if (prev && cur) for (const e of engine.chain(prev.scope, cur.scope)) this.error(a[2], e)
        return a[3].sem
      }
      case R.include:
        this.include(a)
        return {}
      case R.includeShell: {
        const sop = a[1].sem.sop ?? {}
        const command = sop.value ?? '<unresolved>'
        this.emit({kind: 'include_shell', path: command, file: this.file, line: a[0].line, col: a[0].col})
        engine.noteShell(command, where)
        this.session.report('unresolved', this.at(a[0]), `include_shell "${command}" is not run by conntune; settings it would print are unknown`)
        return {}
      }
      default:
        return {}
    }
  }

  private openCondition(a: Entry[]): Sem {
    const engine = this.session.engine
    const [dollar, srv, , tagE, , condE, exprE] = a
    const obj = srv.sem.tok?.text ?? ''
    const tag = tagE.sem.sop?.value ?? '<unresolved>'
    const op = condE.sem.op ?? '=='
    const v = exprE.sem.value ?? unresolved('invalid expression')
    let pattern: string
    if (v.type === 'string') pattern = v.value
    else if (v.type === 'unresolved') pattern = '<unresolved>'
    else {
      this.error(exprE, `the value compared in a condition must be a string, not ${v.type === 'array' ? 'an array' : 'a number'} (rvalue must be string)`)
      pattern = v.type === 'integer' ? String(v.value) : ''
    }
    const bad = checkField(obj, tag)
    if (bad) this.error(srv, bad)
    const field = fieldText(obj, tag)
    const node: LighttpdCondition = {kind: 'condition', field, op, pattern, body: [], file: this.file, line: dollar.line, col: dollar.col}
    const below = this.stack[this.stack.length - a.length - 1]
    const chained = below?.sym === 'ELSE'
    const prev = chained ? this.stack[this.stack.length - a.length - 3]?.sem.cond : undefined
    if (prev) prev.node.else = node
    else this.emit(node)
    const opened = engine.openCondition({obj, tag, text: field}, op, pattern, chained, {file: this.file, line: dollar.line})
    if (opened.error) this.error(dollar, opened.error)
    this.sinks.push(node.body)
    return {cond: {node, scope: opened.scope}}
  }

  private openElse(): Sem {
    const engine = this.session.engine
    const elseTok = this.stack[this.stack.length - 1]
    const node: LighttpdCondition = {kind: 'condition', field: '', op: 'else', pattern: '', body: [], file: this.file, line: elseTok.line, col: elseTok.col}
    const prev = this.stack[this.stack.length - 3]?.sem.cond
    if (prev) prev.node.else = node
    else this.emit(node)
    const opened = engine.openElse({file: this.file, line: elseTok.line})
    if (opened.error) this.error(elseTok, opened.error)
    this.sinks.push(node.body)
    return {cond: {node, scope: opened.scope}}
  }

  private include(a: Entry[]): void {
    const sop = a[1].sem.sop ?? {}
    const stmt: LighttpdInclude = {kind: 'include', path: sop.value ?? '<unresolved>', files: [], file: this.file, line: a[0].line, col: a[0].col}
    this.emit(stmt)
    if (sop.value === undefined) {
      if (sop.unresolved) this.session.report('unresolved', this.at(a[0]), `include path not known (${sop.unresolved}); not read`)
      return
    }
    // Included statements go right after the include, into the block it is in.
    this.session.include(stmt, this.sinks[this.sinks.length - 1])
  }

  /** `value ::= key`: env.X, then the current block and the blocks around it. */
  private lookup(name: string, e: Entry): LighttpdValue {
    const session = this.session
    if (name.startsWith('env.')) {
      const envName = name.slice(4)
      const env = session.opts.env
      if (env === undefined) {
        session.report('unresolved', this.at(e), `env.${envName}: the environment of the lighttpd process is not known`)
        return unresolved(`environment variable ${envName} of the lighttpd process`)
      }
      if (Object.prototype.hasOwnProperty.call(env, envName)) return str(env[envName])
      this.error(e, `undefined environment variable ${envName}`)
      return unresolved(`environment variable ${envName} is not set`)
    }
    const found = session.engine.lookup(name)
    if (found) {
      if (found.builtin && found.value.type === 'unresolved') session.report('unresolved', this.at(e), found.value.reason)
      return cloneValue(found.value)
    }
    const sh = session.engine.lastShellInView()
    if (sh) {
      session.report('unresolved', this.at(e), `${name} is not set here, unless include_shell "${sh.command}" (${sh.where.file}:${sh.where.line}) sets it`)
      return unresolved(`${name} is not set, unless include_shell output sets it`)
    }
    this.error(e, `undefined variable ${name}`)
    return unresolved(`undefined variable ${name}`)
  }

  private emit(stmt: LighttpdStatement): void {
    this.sinks[this.sinks.length - 1].push(stmt)
  }

  private error(e: {line: number; col: number}, message: string): void {
    this.session.report('syntax', this.at(e), message)
  }

  private at(e: {line: number; col: number}): Pos {
    return {file: this.file, line: e.line, col: e.col}
  }

  private endOfFileMessage(): string {
    for (let i = this.stack.length - 1; i > 0; i--) {
      if (this.stack[i].sym === 'LCURLY') return endOfFileMessage(this.stack[i - 1].line)
    }
    return endOfFileMessage(undefined)
  }
}
