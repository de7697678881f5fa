// Each CEL expression of a rule is parsed once, up front: a syntax error in a rule is an
// invalid rule (exit 2) naming the file and field, before any host is audited.
import {UserError} from '../errors.js'
import type {Severity} from '../model/types.js'
import type {Environment} from '@marcbachmann/cel-js'
import {celEnvironment, celErrorLine, viewTarget} from './cel.js'
import type {LoadedRule} from './types.js'

export type CelFn = (ctx: Record<string, unknown>) => unknown

/** Text with {{ CEL }} holes, compiled. */
export type Template = Array<string | CelFn>

/**
 * A top-level conjunct of a rule's `when` that plain JavaScript can decide on the model object:
 * `item.a.b == "literal"`, `item.x != null`, `item.c != false`, `item.flag`, `!item.flag`, `item.n > 0`.
 */
export interface WhenGuard {
  path: string[]
  op: '==' | '!=' | '<' | '<=' | '>' | '>=' | 'true' | 'false'
  /** A string, null, a boolean, or a CEL number: bigint for an int literal, number for a double. */
  value?: string | null | bigint | number | boolean
}

export interface CompiledRule {
  rule: LoadedRule
  when: CelFn
  /** Checked on the plain item before the CEL runs: most items of a large scope fail the first term. */
  guards: WhenGuard[]
  /** The guards are the whole condition: when they all hold, it is true without CEL. */
  guardsCover: boolean
  at: CelFn
  message: Template
  severityWhen: Array<{when: CelFn; severity: Severity}>
  observed: CelFn | null
  evidence: Array<[string, CelFn]>
  fix: null | {
    summary: Template
    actions: Array<{kind: 'sysctl'; key: string; value: CelFn} | {kind: 'delete-line'; entry: CelFn} | {kind: 'set'; setting: CelFn; value: CelFn; prefer?: 'backend' | 'proxy'}>
  }
}

function parseExpr(rule: LoadedRule, field: string, expr: string): ReturnType<Environment['parse']> {
  try {
    return celEnvironment().parse(expr)
  } catch (error) {
    throw new UserError(`${rule.file}: invalid rule: ${field}: ${celErrorLine(error)}`)
  }
}

function compileExpr(rule: LoadedRule, field: string, expr: string): CelFn {
  const fn = parseExpr(rule, field, expr)
  const read = readerOf(fn.ast)
  if (!read) return (ctx) => fn(ctx)
  // Most holes and evidence are bare paths (`item.client.name`): read the model object behind
  // the view, as fromCel would see CEL's answer. Anything the read cannot be sure of (a missing
  // key, a null on the way, a derived field) is CEL's to answer, errors included.
  return (ctx) => {
    const v = read(ctx)
    return v === undefined ? fn(ctx) : v
  }
}

/** `item.a.b` or `host.a.b` as a plain read of the object behind the view, or null. */
function readerOf(ast: unknown): ((ctx: Record<string, unknown>) => unknown) | null {
  const p = rootedPath(ast)
  if (!p || (p.root !== 'item' && p.root !== 'host')) return null
  const {root, path} = p
  // The plain value is what fromCel makes of CEL's answer: a view's BigInt ints and doubles
  // both come back as the number.
  return (ctx) => {
    const raw = viewTarget(ctx[root])
    return raw && !Array.isArray(raw) ? valueAt(raw, path) : undefined
  }
}

interface Node {
  op: string
  args: unknown
}

const isNode = (x: unknown): x is Node => typeof x === 'object' && x !== null && typeof (x as Node).op === 'string'

const FLIP: Record<string, WhenGuard['op']> = {'==': '==', '!=': '!=', '<': '>', '<=': '>=', '>': '<', '>=': '<='}

/** `root.a.b` as {root, path: ['a', 'b']}, or null. */
function rootedPath(n: unknown): {root: string; path: string[]} | null {
  const path: string[] = []
  while (isNode(n) && n.op === '.' && Array.isArray(n.args)) {
    const [obj, name] = n.args as unknown[]
    if (typeof name !== 'string') return null
    path.unshift(name)
    n = obj
  }
  return isNode(n) && n.op === 'id' && typeof n.args === 'string' && path.length > 0 ? {root: n.args, path} : null
}

/** `item.a.b` as ['a', 'b'], or null. */
function itemPath(n: unknown): string[] | null {
  const p = rootedPath(n)
  return p && p.root === 'item' ? p.path : null
}

const literal = (n: unknown): {value: string | null | bigint | number | boolean} | null =>
  isNode(n) && n.op === 'value' && (n.args === null || ['string', 'bigint', 'number', 'boolean'].includes(typeof n.args)) ? {value: n.args as string | null | bigint | number | boolean} : null

/**
 * The conjuncts at the top of a condition that a guard can decide. CEL's && is false when any
 * side is false, even if another side errors, so an item a guard finds false makes the whole
 * condition false, whatever the other terms would do.
 */
export function whenGuards(ast: unknown): WhenGuard[] {
  if (!isNode(ast)) return []
  const args = ast.args as unknown
  if (ast.op === '&&' && Array.isArray(args)) return args.flatMap(whenGuards)
  const bare = itemPath(ast)
  if (bare) return [{path: bare, op: 'true'}]
  if (ast.op === '!_') {
    const negated = itemPath(args)
    return negated ? [{path: negated, op: 'false'}] : []
  }
  if (!(ast.op in FLIP) || !Array.isArray(args) || args.length !== 2) return []
  for (const [a, b, op] of [[args[0], args[1], ast.op], [args[1], args[0], FLIP[ast.op]]] as const) {
    const path = itemPath(a)
    const lit = literal(b)
    if (!path || !lit) continue
    const v = lit.value
    // Order only between numbers; equality with a string, a number, or null; a boolean either way.
    if (typeof v === 'string' && op !== '==') return []
    if (typeof v === 'boolean' && op !== '==' && op !== '!=') return []
    if (v === null && op !== '!=' && op !== '==') return []
    return [{path, op: op as WhenGuard['op'], value: v}]
  }
  return []
}

/** Every top-level conjunct of the condition is a guard: guards that all hold make it true. */
export function guardsCover(ast: unknown): boolean {
  if (isNode(ast) && ast.op === '&&' && Array.isArray(ast.args)) return (ast.args as unknown[]).every(guardsCover)
  return whenGuards(ast).length === 1
}

/** The raw value at a guard's path, or undefined when the path does not lead to one. */
function valueAt(raw: unknown, path: string[]): unknown {
  let cur = raw
  for (const key of path) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur) || !Object.hasOwn(cur, key)) return undefined
    cur = (cur as Record<string, unknown>)[key]
  }
  return cur
}

/**
 * What the guard's conjunct is for this model object, as CEL would evaluate it on the object's
 * view: true or false when plain JavaScript is certain, undefined for anything it is not (a
 * missing field, a type CEL would refuse to compare, an int against a double), which is CEL's.
 */
export function guardDecides(g: WhenGuard, raw: unknown): boolean | undefined {
  const v = valueAt(raw, g.path)
  if (v === undefined) return undefined
  if (g.op === 'true' || g.op === 'false') return typeof v === 'boolean' ? v === (g.op === 'true') : undefined
  const lit = g.value
  if (lit === null) {
    if (v === null) return g.op === '=='
    return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? g.op === '!=' : undefined
  }
  if (typeof lit === 'string') return typeof v === 'string' ? v === lit : undefined
  // Only a boolean is decided against a boolean: CEL's answer for another type is its own.
  if (typeof lit === 'boolean') return typeof v === 'boolean' ? (v === lit) === (g.op === '==') : undefined
  if (typeof v !== 'number' || lit === undefined) return undefined
  // CEL keeps int and double apart: decide only int against an int literal, double against a double.
  if (typeof lit === 'bigint' ? !Number.isInteger(v) : Number.isInteger(v)) return undefined
  const x = typeof lit === 'bigint' ? Number(lit) : lit
  switch (g.op) {
    case '==':
      return v === x
    case '!=':
      return v !== x
    case '<':
      return v < x
    case '<=':
      return v <= x
    case '>':
      return v > x
    default:
      return v >= x
  }
}

/** The guard's conjunct is certainly false: the whole condition is, whatever else it says. */
export const guardFails = (g: WhenGuard, raw: unknown): boolean => guardDecides(g, raw) === false

/** The guard's conjunct is certainly true. */
export const guardHolds = (g: WhenGuard, raw: unknown): boolean => guardDecides(g, raw) === true

/**
 * `when` decided on the model object alone: false when a guard fails, true when the guards are
 * the whole condition and all hold, undefined when CEL must run.
 */
export function whenByGuards(c: Pick<CompiledRule, 'guards' | 'guardsCover'>, raw: unknown): boolean | undefined {
  if (c.guards.length === 0 || raw === null || typeof raw !== 'object' || Array.isArray(raw)) return undefined
  let all = true
  for (const g of c.guards) {
    const d = guardDecides(g, raw)
    if (d === false) return false
    if (d !== true) all = false
  }
  return all && c.guardsCover ? true : undefined
}

export function compileTemplate(rule: LoadedRule, field: string, text: string): Template {
  const parts: Template = []
  const re = /\{\{(.*?)\}\}/gs
  let last = 0
  for (const m of text.matchAll(re)) {
    // Messages are one paragraph (evaluate.ts render): the text's own runs of blanks collapse now.
    if (m.index! > last) parts.push(text.slice(last, m.index).replace(/\s+/g, ' '))
    parts.push(compileExpr(rule, `${field} {{${m[1]}}}`, m[1].trim()))
    last = m.index! + m[0].length
  }
  if (last < text.length) parts.push(text.slice(last).replace(/\s+/g, ' '))
  if (/\{\{|\}\}/.test(parts.filter((p) => typeof p === 'string').join(''))) {
    throw new UserError(`${rule.file}: invalid rule: ${field}: unbalanced {{ }}`)
  }
  return parts
}

/** Defers a compile until first use; the result is kept. */
function lazy<T>(make: () => T): () => T {
  let value: T | undefined
  return () => (value ??= make())
}

/**
 * Compiles a rule. User rules compile whole, so a bad expression is exit 2 before any host is
 * read; shipped rules were compiled whole at build time (scripts/build.js), so at audit time
 * only `when` is needed up front and the rest compiles if the rule fires — most do not.
 */
export function compileRule(rule: LoadedRule, opts: {eager?: boolean} = {}): CompiledRule {
  const eager = opts.eager ?? !rule.builtin
  const at = lazy(() => compileExpr(rule, 'at', rule.at))
  const message = lazy(() => compileTemplate(rule, 'message', rule.message))
  const severityWhen = lazy(() => (rule.severityWhen ?? []).map((s, i) => ({when: compileExpr(rule, `severityWhen.${i}.when`, s.when), severity: s.severity})))
  const observed = lazy(() => (rule.observed ? compileExpr(rule, 'observed', rule.observed) : null))
  const evidence = lazy(() => Object.entries(rule.evidence ?? {}).map(([k, v]): [string, CelFn] => [k, compileExpr(rule, `evidence.${k}`, v)]))
  const fix = lazy(() =>
    rule.fix
      ? {
          summary: compileTemplate(rule, 'fix.summary', rule.fix.summary),
          actions: (rule.fix.actions ?? []).map((a, i) =>
            'sysctl' in a
              ? {kind: 'sysctl' as const, key: a.sysctl, value: compileExpr(rule, `fix.actions.${i}.value`, a.value)}
              : 'set' in a
                ? {kind: 'set' as const, setting: compileExpr(rule, `fix.actions.${i}.set`, a.set), value: compileExpr(rule, `fix.actions.${i}.value`, a.value), ...(a.prefer ? {prefer: a.prefer} : {})}
                : {kind: 'delete-line' as const, entry: compileExpr(rule, `fix.actions.${i}.deleteLine`, a.deleteLine)},
          ),
        }
      : null,
  )
  const when = parseExpr(rule, 'when', rule.when)
  const compiled: CompiledRule = {
    rule,
    when: (ctx) => when(ctx),
    guards: whenGuards(when.ast),
    guardsCover: guardsCover(when.ast),
    get at() {
      return at()
    },
    get message() {
      return message()
    },
    get severityWhen() {
      return severityWhen()
    },
    get observed() {
      return observed()
    },
    get evidence() {
      return evidence()
    },
    get fix() {
      return fix()
    },
  }
  if (eager) void [compiled.at, compiled.message, compiled.severityWhen, compiled.observed, compiled.evidence, compiled.fix]
  return compiled
}
