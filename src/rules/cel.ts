// The CEL environment rules run in: no eval, no prototype access (cel-js refuses both), plus
// versionAtLeast() so rules can branch on kernel and server versions.
import {Environment} from '@marcbachmann/cel-js'
import {versionAtLeast} from '../version.js'

export {versionAtLeast}

let env: Environment | undefined

export function celEnvironment(): Environment {
  if (!env) {
    env = new Environment({unlistedVariablesAreDyn: true, homogeneousAggregateLiterals: false})
      .registerFunction('versionAtLeast(string, string): bool', versionAtLeast)
  }
  return env
}

/** A model number as CEL sees it: whole numbers are ints (BigInt), the rest doubles. */
export const celNumber = (n: number): bigint | number => (Number.isInteger(n) ? BigInt(n) : n)

/**
 * Model values → CEL values. CEL keeps int and double apart and refuses mixed arithmetic,
 * so whole numbers become ints (BigInt) and the rest stay doubles: `x - x / 10` works on
 * counts and seconds, and ratios compare with 0.5 either way.
 */
export function toCel(value: unknown): unknown {
  if (typeof value === 'number') return celNumber(value)
  if (Array.isArray(value)) return value.map(toCel)
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toCel(v)
    return out
  }
  return value
}

// A model object keeps its view under a symbol, and a view answers TARGET with its object:
// WeakMaps of a million entries made garbage collection (ephemeron marking) the largest cost.
const VIEW = Symbol('celView')
const TARGET = Symbol('celTarget')
const frozenViews = new WeakMap<object, object>()

/** Computed fields: derived on read, so models do not carry them for every item. */
const computed = new Map<string, (target: Record<string, unknown>) => unknown>()

/** Registers a field that celView derives when a rule reads it and the object lacks it. */
export function registerComputedField(name: string, derive: (target: Record<string, unknown>) => unknown): void {
  computed.set(name, derive)
}

/** A field the views derive (registerComputedField) for this object, or undefined. */
export function derivedField(target: Record<string, unknown>, key: string): unknown {
  return computed.get(key)?.(target)
}

/**
 * The traps of a view, one set for arrays and one for objects: the traps get their target, so
 * a view is only a Proxy, not a Proxy with its own handler and five closures (≈ 400 bytes each,
 * 150 000 views at 10 000 servers).
 */
function viewHandler(isArray: boolean): ProxyHandler<object> {
  return {
    // An array's length (and methods) stay as they are; its elements and objects' own fields convert.
    get: (target, key) => {
      if (typeof key !== 'string') return key === TARGET ? target : Reflect.get(target, key)
      if (Object.hasOwn(target, key)) return isArray && key === 'length' ? Reflect.get(target, key) : celView((target as Record<string, unknown>)[key])
      const derive = computed.get(key)
      const derived = derive && !isArray ? derive(target as Record<string, unknown>) : undefined
      return derived !== undefined ? celView(derived) : Reflect.get(target, key)
    },
    has: (target, key) => Reflect.has(target, key) || (typeof key === 'string' && !isArray && computed.get(key)?.(target as Record<string, unknown>) !== undefined),
    // cel-js asks whether a key is an own property before reading it.
    getOwnPropertyDescriptor: (target, key) => {
      const own = Reflect.getOwnPropertyDescriptor(target, key)
      if (own || typeof key !== 'string' || isArray) return own
      const derived = computed.get(key)?.(target as Record<string, unknown>)
      return derived === undefined ? undefined : {value: celView(derived), writable: false, enumerable: false, configurable: true}
    },
    set: () => false,
    deleteProperty: () => false,
  }
}
const OBJECT_VIEW = viewHandler(false)
const ARRAY_VIEW = viewHandler(true)

/**
 * The same conversion as toCel, done lazily through a read-only view: only the fields a rule
 * reads are converted. A host with 100 000 nginx locations would otherwise be copied whole.
 */
export function celView<T>(value: T): T {
  if (typeof value === 'number') return celNumber(value) as T
  if (value === null || typeof value !== 'object') return value
  let view = (value as {[VIEW]?: object})[VIEW] ?? frozenViews.get(value)
  if (!view) {
    view = new Proxy(value, Array.isArray(value) ? ARRAY_VIEW : OBJECT_VIEW)
    if (Object.isExtensible(value)) Object.defineProperty(value, VIEW, {value: view})
    else frozenViews.set(value, view)
  }
  return view as T
}

/** The model object behind a view (undefined for anything else). */
export function viewTarget(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' ? (value as {[TARGET]?: Record<string, unknown>})[TARGET] : undefined
}

/** CEL values → plain JSON values for reports. */
export function fromCel(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value)
  // A view converts numbers to BigInt on read and this converts them back: reading the wrapped
  // object directly gives the same JSON without a trap call per field.
  if (value !== null && typeof value === 'object') value = (value as {[TARGET]?: unknown})[TARGET] ?? value
  if (Array.isArray(value)) return value.map(fromCel)
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), fromCel(v)]))
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) out[k] = fromCel(v)
    return out
  }
  return value
}

/** The first line of a cel-js error: its messages carry a caret diagram below. */
export function celErrorLine(error: unknown): string {
  return String((error as Error)?.message ?? error).split('\n')[0]
}
