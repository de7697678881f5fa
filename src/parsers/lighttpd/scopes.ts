// lighttpd's blocks ("data_config") and what =, :=, += do in them, as configparser.y does it.
// The parser drives this while reading (variables are looked up at parse time, so it must),
// and effectiveLighttpd() replays a finished tree through it; both see the same results.
import {canonicalCondition, conditionName, negatedOp} from './conditions.js'
import type {LighttpdAssignOp, LighttpdCondOp, LighttpdValue} from './types.js'
import {appendValues, asciiLower, cloneValue, mergeValues, str, unresolved} from './values.js'

export interface Entry {
  key: string
  value: LighttpdValue
  file: string
  line: number
  /** var.CWD and var.PID, which lighttpd sets before reading the config. */
  builtin?: boolean
}

export interface Where {
  file: string
  line: number
}

export class Scope {
  readonly values = new Map<string, Entry>()
  prev?: Scope
  next?: Scope

  constructor(
    /** lighttpd's name for the block, e.g. `global / $HTTP["host"] == "a"`. */
    public key: string,
    readonly parent: Scope | null,
    /** Order of creation (lighttpd's context_ndx); the global scope is 0. */
    readonly index: number,
    readonly path: string[],
    readonly where: Where,
    /** The canonical condition; undefined for the global scope and for a bare else. */
    public cond?: {field: string; op: LighttpdCondOp; pattern: string},
  ) {}

  get isElse(): boolean {
    return this.parent !== null && this.cond === undefined
  }
}

export interface ShellInclude {
  command: string
  where: Where
  scope: Scope
}

const ELSE_TMP = 'else_tmp_token'

export class ScopeEngine {
  readonly global: Scope
  readonly scopes: Scope[] = []
  readonly shells: ShellInclude[] = []
  /** Each block's latest include_shell, by its place in `shells`. */
  private readonly lastShell = new Map<Scope, number>()
  /** Values only this engine holds (a block's own `+=` results): appended to in place. */
  private readonly owned = new WeakSet<LighttpdValue>()
  private readonly byKey = new Map<string, Scope>()
  private readonly stack: Scope[] = []
  private cur: Scope

  constructor(builtins: {cwd?: string} | null) {
    this.global = new Scope('global', null, 0, [], {file: '', line: 0})
    this.scopes.push(this.global)
    this.byKey.set('global', this.global)
    this.cur = this.global
    if (builtins) {
      const cwd = builtins.cwd === undefined
        ? unresolved('var.CWD is the working directory of the lighttpd process, which is not known')
        : str(builtins.cwd)
      this.global.values.set('var.cwd', {key: 'var.CWD', value: cwd, file: '', line: 0, builtin: true})
      this.global.values.set('var.pid', {key: 'var.PID', value: unresolved('var.PID is the process id of lighttpd'), file: '', line: 0, builtin: true})
    }
  }

  get current(): Scope {
    return this.cur
  }

  get depth(): number {
    return this.stack.length
  }

  /** A `<field> <op> "<pattern>" {`: reuses the block when lighttpd's name for it exists. */
  openCondition(field: {obj: string; tag: string; text: string}, op: LighttpdCondOp, pattern: string, chained: boolean, where: Where): {scope: Scope; error?: string} {
    const error = this.globalBlockError()
    const canon = canonicalCondition(field.obj, field.tag, op, pattern)
    const name = conditionName(field.text, canon.op, canon.pattern)
    const key = `${this.cur.key} / ${name}`
    let scope = this.byKey.get(asciiLower(key))
    if (!scope) {
      scope = new Scope(key, this.cur, this.scopes.length, [...this.cur.path, chained ? `else ${name}` : name], where,
        {field: field.text, op: canon.op, pattern: canon.pattern})
      this.scopes.push(scope)
      this.byKey.set(asciiLower(key), scope)
    }
    this.push(scope)
    return {scope, error}
  }

  /** A bare `else {`: named provisionally until its chain is complete, as lighttpd does. */
  openElse(where: Where): {scope: Scope; error?: string} {
    const error = this.globalBlockError()
    const scope = new Scope(`${this.cur.key} / ${ELSE_TMP}`, this.cur, this.scopes.length, [...this.cur.path, 'else'], where)
    this.scopes.push(scope)
    this.push(scope)
    return {scope, error}
  }

  openGlobal(): void {
    this.push(this.global)
  }

  close(): void {
    this.cur = this.stack.pop() ?? this.global
  }

  /** Back out of blocks a broken file left open. */
  closeTo(depth: number): void {
    while (this.stack.length > depth) this.close()
  }

  /** `prev else cur`: lighttpd's checks, and the final name of a bare else. */
  chain(prev: Scope, cur: Scope): string[] {
    const errors: string[] = []
    if (prev.index >= cur.index) errors.push('unreachable else: this condition block already exists earlier in the file, so it cannot follow an else')
    if (prev.isElse) errors.push('unreachable condition: nothing can follow a bare else')
    if (errors.length === 0 && cur.isElse && prev.cond && prev.parent) {
      // Nested blocks keep the provisional name in theirs: lighttpd 1.4 merges same-named
      // blocks nested in two different bare else blocks. Mirrored, not fixed.
      const key = `${prev.parent.key} / ${conditionName(prev.cond.field, negatedOp(prev.cond.op), prev.cond.pattern)}`
      if (this.byKey.has(asciiLower(key))) {
        errors.push(`unreachable else: lighttpd names it "${key.slice(prev.parent.key.length + 3)}", and that block already exists`)
      } else {
        cur.key = key
        this.byKey.set(asciiLower(key), cur)
      }
    }
    prev.next = cur
    cur.prev = prev
    return errors
  }

  /** =, := and +=; returns lighttpd's objection, if any. */
  assign(op: LighttpdAssignOp, key: string, value: LighttpdValue, where: Where): string | undefined {
    if (key.startsWith('env.')) return `${key}: environment variables cannot be set in the configuration`
    const lk = asciiLower(key)
    const vars = this.cur.values
    const entry = (v: LighttpdValue): Entry => ({key, value: v, file: where.file, line: where.line})
    if (op === '=') {
      const old = vars.get(lk)
      if (old) {
        const at = old.builtin ? 'lighttpd sets it before reading the config' : `already set at ${old.file}:${old.line}`
        return `${key} is assigned twice in the same block (${at}); use := to replace it or += to append`
      }
      vars.set(lk, entry(value))
      return undefined
    }
    if (op === ':=') {
      vars.set(lk, entry(value))
      return undefined
    }
    const own = vars.get(lk)
    const base = own ?? this.lookupFrom(this.cur.parent, lk)
    if (!base) {
      vars.set(lk, entry(value))
      return undefined
    }
    // A block's own earlier `+=` result is held by nothing else and grows in place; anything
    // else (a parent's value, one an assignment statement also holds) is copied once.
    const merged = own && this.owned.has(own.value) ? appendValues(own.value, value) : mergeValues(cloneValue(base.value), value)
    if (merged.error) return `${key} += …: ${merged.error}`
    if (merged.value !== value) this.owned.add(merged.value)
    // lighttpd takes the old entry out and puts the merged one back at the end.
    vars.delete(lk)
    vars.set(lk, entry(merged.value))
    return undefined
  }

  /** A variable reference: the current block first, then the blocks around it. */
  lookup(key: string): Entry | undefined {
    return this.lookupFrom(this.cur, asciiLower(key))
  }

  noteShell(command: string, where: Where): void {
    this.lastShell.set(this.cur, this.shells.length)
    this.shells.push({command, where, scope: this.cur})
  }

  /**
   * The latest include_shell whose output could have set something visible here (in this
   * block or one around it). A walk of the blocks around, not of every include_shell: a file
   * with thousands of each and a reference per line was quadratic.
   */
  lastShellInView(): ShellInclude | undefined {
    let last = -1
    for (let s: Scope | null = this.cur; s; s = s.parent) last = Math.max(last, this.lastShell.get(s) ?? -1)
    return last < 0 ? undefined : this.shells[last]
  }

  private lookupFrom(scope: Scope | null, lk: string): Entry | undefined {
    for (let s = scope; s; s = s.parent) {
      const e = s.values.get(lk)
      if (e) return e
    }
    return undefined
  }

  private push(scope: Scope): void {
    this.stack.push(this.cur)
    this.cur = scope
  }

  private globalBlockError(): string | undefined {
    return this.stack.length > 0 && this.cur === this.global
      ? 'conditions cannot be used inside a global { } block (lighttpd exits on this)'
      : undefined
  }
}
