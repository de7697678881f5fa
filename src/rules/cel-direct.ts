// A rule's CEL, evaluated on the model objects themselves for the expressions rules are made of
// (paths, literals, + - * / %, comparisons, && || !, ?:, string(), size(), join(), map(x, e)). A large host
// runs each of them hundreds of thousands of times, and cel-js through views costs a Proxy trap
// and a BigInt per field read. The answer is CEL's or nothing: wherever cel-js could answer
// differently — an error, a mixed int/double, a missing key, a type it compares its own way —
// the result is UNSURE and the caller asks cel-js.
import {versionAtLeast} from '../version.js'
import {celNumber, derivedField, viewTarget} from './cel.js'
import type {RuleCtx} from './compile.js'

export const UNSURE: unique symbol = Symbol('unsure')
type Value = unknown
export type Direct = (ctx: RuleCtx) => Value | typeof UNSURE

const INT_MIN = -(2n ** 63n)
const INT_MAX = 2n ** 63n - 1n
const int = (n: bigint): bigint | typeof UNSURE => (n < INT_MIN || n > INT_MAX ? UNSURE : n)

/** A model value as a view would hand it to CEL. */
const asCel = (v: unknown): unknown => (typeof v === 'number' ? celNumber(v) : v)

/** A model object (or a null-prototype one): what a view wraps, not a class instance or a CEL Map. */
export const isPlain = (o: unknown): o is Record<string, unknown> => {
  if (o === null || typeof o !== 'object') return false
  const proto = Object.getPrototypeOf(o)
  return proto === Object.prototype || proto === null
}

/** A field of a model object, as reading it through its view gives it; UNSURE where cel-js would not find one. */
function field(o: unknown, key: string): Value | typeof UNSURE {
  if (!isPlain(o)) return UNSURE
  if (Object.hasOwn(o, key)) {
    const v = o[key]
    return v === undefined ? UNSURE : asCel(v)
  }
  const derived = derivedField(o, key)
  return derived === undefined ? UNSURE : asCel(derived)
}

interface Node {
  op: string
  args: unknown
}
const isNode = (x: unknown): x is Node => typeof x === 'object' && x !== null && typeof (x as Node).op === 'string'

type Prim = bigint | number | string | boolean | null
const isPrim = (v: unknown): v is Prim => v === null || ['bigint', 'number', 'string', 'boolean'].includes(typeof v)

function equal(a: unknown, b: unknown): boolean | typeof UNSURE {
  if (!isPrim(a) || !isPrim(b)) return UNSURE
  if (a === null || b === null) return a === b
  if (typeof a !== typeof b || Number.isNaN(a) || Number.isNaN(b)) return UNSURE
  return a === b
}

function arith(op: string, a: unknown, b: unknown): Value | typeof UNSURE {
  if (typeof a === 'bigint' && typeof b === 'bigint') {
    if (op === '+') return int(a + b)
    if (op === '-') return int(a - b)
    if (op === '*') return int(a * b)
    if (b === 0n) return UNSURE
    return op === '/' ? int(a / b) : a % b
  }
  if (typeof a === 'number' && typeof b === 'number' && op !== '%') {
    if (op === '+') return a + b
    if (op === '-') return a - b
    if (op === '*') return a * b
    return b === 0 ? UNSURE : a / b
  }
  if (op === '+' && typeof a === 'string' && typeof b === 'string') return a + b
  return UNSURE
}

function order(op: string, a: unknown, b: unknown): boolean | typeof UNSURE {
  const numbers = (typeof a === 'bigint' && typeof b === 'bigint') || (typeof a === 'number' && typeof b === 'number' && !Number.isNaN(a) && !Number.isNaN(b))
  if (!numbers) return UNSURE
  const x = a as number
  const y = b as number
  return op === '<' ? x < y : op === '<=' ? x <= y : op === '>' ? x > y : x >= y
}

function str(v: unknown): string | typeof UNSURE {
  if (typeof v === 'string') return v
  if (typeof v === 'bigint') return String(v)
  if (typeof v === 'boolean') return String(v)
  // Doubles print as JavaScript prints them where that is plainly the same text.
  if (typeof v === 'number' && Number.isFinite(v) && !/e/i.test(String(v))) return String(v)
  return UNSURE
}

const ROOTS = new Set(['item', 'host', 'params'])

/** The variables macros bind around an expression, each read from its cell while the macro runs. */
type Scope = ReadonlyMap<string, {value: unknown}>
const NO_SCOPE: Scope = new Map()

/**
 * `list.map(x, expr)`: expr for each element, x bound to it. Only over a list (cel-js maps a
 * map's keys), only the two-argument form, and only with a variable that hides no root; any
 * element whose expr is UNSURE makes the whole list UNSURE.
 */
function mapMacro(recv: Direct | null, argNodes: unknown[], scope: Scope): Direct | null {
  if (!recv || !Array.isArray(argNodes) || argNodes.length !== 2) return null
  const [v, bodyNode] = argNodes
  if (!isNode(v) || v.op !== 'id' || typeof v.args !== 'string' || ROOTS.has(v.args)) return null
  const cell = {value: undefined as unknown}
  const body = compileDirect(bodyNode, new Map([...scope, [v.args, cell]]))
  if (!body) return null
  return (ctx) => {
    const list = recv(ctx)
    if (!Array.isArray(list)) return UNSURE
    const out = new Array<unknown>(list.length)
    // The cell is this macro's own and is read only by its body, which runs to the end before
    // the next element is bound (a nested map(x, …) has a cell of its own).
    for (let i = 0; i < list.length; i++) {
      if (list[i] === undefined) return UNSURE
      cell.value = asCel(list[i])
      const r = body(ctx)
      if (r === UNSURE) return UNSURE
      out[i] = r
    }
    return out
  }
}

/**
 * The expression as a direct evaluator, or null when it uses anything outside the subset
 * (macros but map(x, e), lists, `in`, has(), other functions): those always run in cel-js.
 */
export function compileDirect(ast: unknown, scope: Scope = NO_SCOPE): Direct | null {
  if (!isNode(ast)) return null
  const a = ast.args
  const sub = (n: unknown) => compileDirect(n, scope)
  switch (ast.op) {
    case 'value': {
      const v = a
      return isPrim(v) ? () => v : null
    }
    case 'id': {
      const bound = typeof a === 'string' ? scope.get(a) : undefined
      if (bound) return () => bound.value
      if (typeof a !== 'string' || !ROOTS.has(a)) return null
      const root = a as 'host' | 'item' | 'params'
      return (ctx) => {
        const v = ctx[root]
        return viewTarget(v) ?? v
      }
    }
    case '.': {
      const [obj, key] = a as [unknown, unknown]
      const o = sub(obj)
      if (!o || typeof key !== 'string') return null
      return (ctx) => {
        const v = o(ctx)
        return v === UNSURE ? UNSURE : field(v, key)
      }
    }
    case '[]': {
      const [obj, index] = a as [unknown, unknown]
      const o = sub(obj)
      const i = sub(index)
      if (!o || !i) return null
      return (ctx) => {
        const list = o(ctx)
        const k = i(ctx)
        if (!Array.isArray(list) || typeof k !== 'bigint' || k < 0n || k >= BigInt(list.length)) return UNSURE
        const v = list[Number(k)]
        return v === undefined ? UNSURE : asCel(v)
      }
    }
    case '+':
    case '-':
    case '*':
    case '/':
    case '%':
    case '==':
    case '!=':
    case '<':
    case '<=':
    case '>':
    case '>=': {
      const [l, r] = (Array.isArray(a) ? a : []).map(sub)
      if (!l || !r) return null
      const op = ast.op
      return (ctx) => {
        const x = l(ctx)
        if (x === UNSURE) return UNSURE
        const y = r(ctx)
        if (y === UNSURE) return UNSURE
        if (op === '==' || op === '!=') {
          const e = equal(x, y)
          return e === UNSURE ? UNSURE : e === (op === '==')
        }
        return op === '<' || op === '<=' || op === '>' || op === '>=' ? order(op, x, y) : arith(op, x, y)
      }
    }
    case '&&':
    case '||': {
      const [l, r] = (Array.isArray(a) ? a : []).map(sub)
      if (!l || !r) return null
      // CEL's && is false when either side is false, whatever the other does (an error
      // included), and || true when either is true.
      const decisive = ast.op === '||'
      return (ctx) => {
        const x = l(ctx)
        if (x === decisive) return decisive
        const y = r(ctx)
        if (y === decisive) return decisive
        return x === !decisive && y === !decisive ? !decisive : UNSURE
      }
    }
    case '!_':
    case '-_': {
      const o = sub(a)
      if (!o) return null
      const not = ast.op === '!_'
      return (ctx) => {
        const v = o(ctx)
        if (not) return typeof v === 'boolean' ? !v : UNSURE
        return typeof v === 'bigint' ? int(-v) : typeof v === 'number' ? -v : UNSURE
      }
    }
    case '?:': {
      const [c, t, f] = (Array.isArray(a) ? a : []).map(sub)
      if (!c || !t || !f) return null
      return (ctx) => {
        const v = c(ctx)
        return v === true ? t(ctx) : v === false ? f(ctx) : UNSURE
      }
    }
    case 'map': {
      const entries = Array.isArray(a) ? (a as unknown[][]) : []
      const keys = entries.map((e) => (isNode(e[0]) && e[0].op === 'value' && typeof e[0].args === 'string' ? e[0].args : null))
      const values = entries.map((e) => sub(e[1]))
      if (keys.some((k) => k === null) || new Set(keys).size !== keys.length || values.some((v) => !v)) return null
      // A Map, not an object: reading from it is cel-js's, so a double 2.0 in it never reads as an int.
      return (ctx) => {
        const out = new Map<string, unknown>()
        for (let i = 0; i < keys.length; i++) {
          const v = values[i]!(ctx)
          if (v === UNSURE) return UNSURE
          out.set(keys[i]!, v)
        }
        return out
      }
    }
    case 'call': {
      const [name, argNodes] = a as [unknown, unknown[]]
      const args = Array.isArray(argNodes) ? argNodes.map(sub) : [null]
      if (args.some((x) => !x)) return null
      const [x, y] = args as Direct[]
      if (name === 'string' && args.length === 1) return (ctx) => { const v = x(ctx); return v === UNSURE ? UNSURE : str(v) }
      if (name === 'size' && args.length === 1) return (ctx) => { const v = x(ctx); return Array.isArray(v) ? BigInt(v.length) : UNSURE }
      if (name === 'versionAtLeast' && args.length === 2) {
        return (ctx) => {
          const v = x(ctx)
          const w = y(ctx)
          return typeof v === 'string' && typeof w === 'string' ? versionAtLeast(v, w) : UNSURE
        }
      }
      return null
    }
    case 'rcall': {
      const [name, recvNode, argNodes] = a as [unknown, unknown, unknown[]]
      if (name === 'map') return mapMacro(sub(recvNode), argNodes, scope)
      const recv = sub(recvNode)
      const args = Array.isArray(argNodes) ? argNodes.map(sub) : [null]
      if (!recv || args.some((x) => !x)) return null
      if (name === 'size' && args.length === 0) return (ctx) => { const v = recv(ctx); return Array.isArray(v) ? BigInt(v.length) : UNSURE }
      if (name === 'join' && args.length <= 1) {
        const sep = args[0]
        return (ctx) => {
          const list = recv(ctx)
          const s = sep ? sep(ctx) : ''
          if (!Array.isArray(list) || typeof s !== 'string' || !list.every((e) => typeof e === 'string')) return UNSURE
          return list.join(s)
        }
      }
      return null
    }
    default:
      return null
  }
}
