// Python values as the static reader models them, and the few operations on them that a
// gunicorn.conf.py commonly uses (arithmetic, concatenation, repetition, %-formatting).
// Every operation is bounded: a config cannot make conntune build a gigabyte string.
import {append} from '../../append.js'

export type PyValue =
  | {t: 'int'; v: bigint}
  | {t: 'bool'; v: boolean}
  | {t: 'float'; v: number}
  | {t: 'str'; v: string}
  | {t: 'bytes'; v: string}
  | {t: 'none'}
  | PyContainer
  | {t: 'function'; name: string; kind: 'def' | 'class'}

export type PyContainer =
  | {t: 'list' | 'tuple' | 'set'; items: PyValue[]; mutated?: string}
  | {t: 'dict'; entries: Array<[PyValue, PyValue]>; mutated?: string}

export const LIMITS = {
  maxStringChars: 1024 * 1024,
  maxItems: 100_000,
  maxIntBits: 65_536,
  /**
   * List, tuple, set and dict items one file's evaluation may build, all containers together.
   * `xs = xs + [i]` or `d = {**d, k: v}` on n lines builds n^2/2 of them (CPython does too,
   * but frees each old container; here every assignment keeps its value), so 64 000 such
   * lines ran out of memory. A file's literals alone stay far below it (4 MiB of text).
   */
  maxItemsPerFile: 4_000_000,
}

/** What one file's evaluation has left of LIMITS.maxItemsPerFile. */
export class ItemBudget {
  private left = LIMITS.maxItemsPerFile

  /** Takes n items; false (taking none) when fewer are left. */
  take(n: number): boolean {
    if (n > this.left) return false
    this.left -= n
    return true
  }
}

export const BUDGET_SPENT = `more than ${LIMITS.maxItemsPerFile} list, tuple, set and dict items built while reading this file; not evaluated further`

export type OpResult = {ok: true; value: PyValue} | {ok: false; reason: string}

const ok = (value: PyValue): OpResult => ({ok: true, value})
const fail = (reason: string): OpResult => ({ok: false, reason})

export const pyInt = (v: bigint | number): PyValue => ({t: 'int', v: typeof v === 'bigint' ? v : BigInt(v)})
export const pyStr = (v: string): PyValue => ({t: 'str', v})

export function typeName(v: PyValue): string {
  switch (v.t) {
    case 'none': return 'NoneType'
    case 'function': return v.kind === 'class' ? 'type' : 'function'
    default: return v.t
  }
}

export function isContainer(v: PyValue): v is PyContainer {
  return v.t === 'list' || v.t === 'tuple' || v.t === 'set' || v.t === 'dict'
}

// Mutation tracking. A container's `mutated` is set once and never cleared, and markMutated
// sets it on everything reachable, so both questions below have answers that change only when
// something new is marked or a container gains items. Both are cached against those events:
// a name read n times, or a list changed n times, costs O(1) each after the first walk.

/** Bumped when markMutated marks a container not marked before: cached answers go stale. */
let markEpoch = 0
/** Bumped when a container that may hold a mark gains items: "all reachable is marked" goes stale. */
let structureEpoch = 0
/** Containers whose every reachable container is marked, as of a structureEpoch. */
const fullyMarked = new WeakMap<PyContainer, number>()
/** mutationOf answers, as of a markEpoch. */
const mutationCache = new WeakMap<PyContainer, {epoch: number; reason: string | undefined}>()

/**
 * Pushes the containers among v's items (a dict's keys and values, pair by pair) so that they
 * pop first to last, skipping those skip accepts. No flattened copy: a fresh dict is walked
 * once per read until cached, and a copy per walk was most of the cost.
 */
function pushChildren(v: PyContainer, stack: PyContainer[], skip: (c: PyContainer) => boolean): void {
  const push = (c: PyValue): void => { if (isContainer(c) && !skip(c)) stack.push(c) }
  if (v.t !== 'dict') {
    for (let i = v.items.length - 1; i >= 0; i--) push(v.items[i])
    return
  }
  for (let i = v.entries.length - 1; i >= 0; i--) {
    push(v.entries[i][1])
    push(v.entries[i][0])
  }
}

/** Marks a container and everything reachable from it as changed in a way we did not follow. */
export function markMutated(v: PyValue, reason: string): void {
  if (!isContainer(v)) return
  // Already fully marked: `mutated` is kept once set, so walking it again changes nothing.
  const done = (c: PyContainer): boolean => fullyMarked.get(c) === structureEpoch
  const stack: PyContainer[] = [v]
  while (stack.length > 0) {
    const x = stack.pop()!
    if (done(x)) continue
    fullyMarked.set(x, structureEpoch)
    markEpoch++
    if (x.t !== 'tuple') x.mutated ??= reason
    pushChildren(x, stack, done)
  }
}

/** The first reason a value (or a container inside it) was changed behind our back. */
export function mutationOf(v: PyValue): string | undefined {
  if (!isContainer(v)) return undefined
  const hit = mutationCache.get(v)
  if (hit && hit.epoch === markEpoch) return hit.reason
  const seen = new Set<PyContainer>()
  const reason = firstMutation(v, seen)
  // With no reason found, every container reached is unchanged too: one walk answers for all.
  if (reason === undefined) for (const c of seen) mutationCache.set(c, {epoch: markEpoch, reason})
  else mutationCache.set(v, {epoch: markEpoch, reason})
  return reason
}

/**
 * The depth-first, first-child-first search mutationOf always made (a stack, so nesting
 * built up through names cannot overflow the JavaScript stack). Containers known unchanged
 * are not entered: entering them would find nothing and only add unchanged ones to seen.
 */
function firstMutation(v: PyContainer, seen: Set<PyContainer>): string | undefined {
  const stack: PyContainer[] = [v]
  while (stack.length > 0) {
    const x = stack.pop()!
    if (seen.has(x)) continue
    seen.add(x)
    if (x.mutated) return x.mutated
    pushChildren(x, stack, knownUnchanged)
  }
  return undefined
}

function knownUnchanged(v: PyContainer): boolean {
  const hit = mutationCache.get(v)
  return hit !== undefined && hit.epoch === markEpoch && hit.reason === undefined
}

/**
 * What `for x in v` yields, or null when v is not iterable: a dict its keys, a str its
 * characters, bytes their values as ints. A set yields its items in the order this reader keeps
 * them (insertion); CPython's order depends on the hashes.
 */
export function iterItems(v: PyValue): PyValue[] | null {
  if (v.t === 'list' || v.t === 'tuple' || v.t === 'set') return v.items
  if (v.t === 'dict') return v.entries.map(([k]) => k)
  if (v.t === 'str') return Array.from(v.v, (c): PyValue => ({t: 'str', v: c}))
  if (v.t === 'bytes') return Array.from(v.v, (c): PyValue => ({t: 'int', v: BigInt(c.charCodeAt(0))}))
  return null
}

/**
 * At most how many items iterItems(v) yields (a str counts UTF-16 units), or null when v is not
 * iterable. Known without building them, so a bound is checked before a million-character
 * string becomes a million values.
 */
export function iterLength(v: PyValue): number | null {
  if (v.t === 'list' || v.t === 'tuple' || v.t === 'set') return v.items.length
  if (v.t === 'dict') return v.entries.length
  return v.t === 'str' || v.t === 'bytes' ? v.v.length : null
}

/**
 * list += other: list.extend(other), which takes any iterable (only list + list is allowed
 * without the `=`). The same list object grows (list.__iadd__), so aliases see the items too.
 * When the list and every item added are unchanged, which is how a config's `xs += [...]`
 * reaches here (a name whose value has a mark is not known, so nothing extends it), every
 * cached answer still holds: an unchanged container given unchanged items stays unchanged,
 * and so does everything holding it. Otherwise the caches are dropped.
 */
export function extendList(list: Extract<PyContainer, {items: PyValue[]}>, other: PyValue, budget = new ItemBudget()): OpResult {
  const n = iterLength(other)
  if (n === null) return fail(`TypeError when executed: '${typeName(other)}' object is not iterable`)
  if (list.items.length + n > LIMITS.maxItems) return fail(`sequence result longer than ${LIMITS.maxItems} items`)
  if (!budget.take(n)) return fail(BUDGET_SPENT)
  const items = iterItems(other)!
  const unchanged = mutationOf(list) === undefined && items.every((x) => mutationOf(x) === undefined)
  append(list.items, items === list.items ? items.slice() : items)
  if (!unchanged) {
    markEpoch++
    structureEpoch++
  }
  return ok(list)
}

/** Plain JSON-able data for output: ints as numbers (or decimal strings past 2^53). */
/** The JSON-able value; a container inside itself is its repr there (`[...]`), as above. */
export function toJs(v: PyValue): unknown {
  return jsIn(v, new Set())
}

function jsIn(v: PyValue, active: Set<PyValue>): unknown {
  switch (v.t) {
    case 'int': return Number.isSafeInteger(Number(v.v)) ? Number(v.v) : v.v.toString()
    case 'bool': return v.v
    case 'float': return v.v
    case 'str':
    case 'bytes': return v.v
    case 'none': return null
    case 'function': return `<${v.kind === 'class' ? 'class' : 'function'} ${v.name}>`
  }
  if (active.has(v)) return v.t === 'list' ? '[...]' : v.t === 'tuple' ? '(...)' : '{...}'
  active.add(v)
  let out: unknown
  if (v.t === 'dict') {
    const o: Record<string, unknown> = {}
    for (const [k, x] of v.entries) o[k.t === 'str' ? k.v : pyRepr(k)] = jsIn(x, active)
    out = o
  } else out = v.items.map((x) => jsIn(x, active))
  active.delete(v)
  return out
}

function numeric(v: PyValue): {kind: 'int'; v: bigint} | {kind: 'float'; v: number} | null {
  if (v.t === 'int') return {kind: 'int', v: v.v}
  if (v.t === 'bool') return {kind: 'int', v: v.v ? 1n : 0n}
  if (v.t === 'float') return {kind: 'float', v: v.v}
  return null
}

function bitLength(n: bigint): number {
  return (n < 0n ? -n : n).toString(2).length
}

function intResult(n: bigint): OpResult {
  if (bitLength(n) > LIMITS.maxIntBits) return fail(`integer result larger than ${LIMITS.maxIntBits} bits`)
  return ok({t: 'int', v: n})
}

function toFloat(n: bigint): number | null {
  const f = Number(n)
  return Number.isFinite(f) ? f : null
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q
}

function pyMod(a: bigint, b: bigint): bigint {
  const r = a % b
  return r !== 0n && (r < 0n) !== (b < 0n) ? r + b : r
}

/** CPython's float divmod (floatobject.c): floor quotient and a remainder with the divisor's sign. */
function floatDivmod(vx: number, wx: number): [number, number] {
  let mod = vx % wx
  let div = (vx - mod) / wx
  if (mod) {
    if ((wx < 0) !== (mod < 0)) { mod += wx; div -= 1 }
  } else {
    mod = wx < 0 ? -0 : 0
  }
  let floordiv: number
  if (div) {
    floordiv = Math.floor(div)
    if (div - floordiv > 0.5) floordiv += 1
  } else {
    floordiv = vx / wx < 0 || Object.is(vx / wx, -0) ? -0 : 0
  }
  return [floordiv, mod]
}

function unsupported(op: string, a: PyValue, b: PyValue): OpResult {
  return fail(`TypeError when executed: unsupported operand type(s) for ${op}: '${typeName(a)}' and '${typeName(b)}'`)
}

function repeat(seq: PyValue, times: PyValue, budget: ItemBudget): OpResult {
  const n = numeric(times)
  if (!n || n.kind !== 'int') return unsupported('*', seq, times)
  const count = n.v <= 0n ? 0 : n.v
  if (seq.t === 'str' || seq.t === 'bytes') {
    if (BigInt(seq.v.length) * BigInt(count) > BigInt(LIMITS.maxStringChars)) return fail(`string result longer than ${LIMITS.maxStringChars} characters`)
    return ok({t: seq.t, v: seq.v.repeat(Number(count))})
  }
  if (seq.t === 'list' || seq.t === 'tuple') {
    if (BigInt(seq.items.length) * BigInt(count) > BigInt(LIMITS.maxItems)) return fail(`sequence result longer than ${LIMITS.maxItems} items`)
    if (!budget.take(seq.items.length * Number(count))) return fail(BUDGET_SPENT)
    const items: PyValue[] = []
    for (let i = 0; i < Number(count); i++) append(items, seq.items)
    return ok({t: seq.t, items})
  }
  return unsupported('*', seq, times)
}

/** a op b; new containers are taken from budget (one file's, when the caller passes it). */
export function binaryOp(op: string, a: PyValue, b: PyValue, budget = new ItemBudget()): OpResult {
  const na = numeric(a)
  const nb = numeric(b)
  if (na && nb) return numericOp(op, a, b, na, nb)
  switch (op) {
    case '+':
      if ((a.t === 'str' && b.t === 'str') || (a.t === 'bytes' && b.t === 'bytes')) {
        if (a.v.length + b.v.length > LIMITS.maxStringChars) return fail(`string result longer than ${LIMITS.maxStringChars} characters`)
        return ok({t: a.t, v: a.v + b.v})
      }
      if ((a.t === 'list' && b.t === 'list') || (a.t === 'tuple' && b.t === 'tuple')) {
        if (a.items.length + b.items.length > LIMITS.maxItems) return fail(`sequence result longer than ${LIMITS.maxItems} items`)
        if (!budget.take(a.items.length + b.items.length)) return fail(BUDGET_SPENT)
        return ok({t: a.t, items: [...a.items, ...b.items]})
      }
      return unsupported(op, a, b)
    case '*':
      if (na) return repeat(b, a, budget)
      return repeat(a, b, budget)
    case '%':
      if (a.t === 'str') return percentFormat(a.v, b)
      return unsupported(op, a, b)
    case '|':
      if (a.t !== 'dict' || b.t !== 'dict') return unsupported(op, a, b)
      if (!budget.take(a.entries.length + b.entries.length)) return fail(BUDGET_SPENT)
      return ok({t: 'dict', entries: mergeEntries(a.entries, b.entries)})
      return unsupported(op, a, b)
    default:
      return unsupported(op, a, b)
  }
}

function mergeEntries(a: Array<[PyValue, PyValue]>, b: Array<[PyValue, PyValue]>): Array<[PyValue, PyValue]> {
  const out = new DictBuilder(a)
  for (const [k, v] of b) out.put(k, v)
  return out.entries
}

function numericOp(
  op: string, a: PyValue, b: PyValue,
  na: {kind: 'int'; v: bigint} | {kind: 'float'; v: number},
  nb: {kind: 'int'; v: bigint} | {kind: 'float'; v: number},
): OpResult {
  const bothBool = a.t === 'bool' && b.t === 'bool'
  if (na.kind === 'int' && nb.kind === 'int') {
    const x = na.v
    const y = nb.v
    switch (op) {
      case '+': return intResult(x + y)
      case '-': return intResult(x - y)
      case '*': return intResult(x * y)
      case '//': return y === 0n ? fail('ZeroDivisionError when executed') : intResult(floorDiv(x, y))
      case '%': return y === 0n ? fail('ZeroDivisionError when executed') : intResult(pyMod(x, y))
      case '/': {
        if (y === 0n) return fail('ZeroDivisionError when executed')
        const fx = toFloat(x)
        const fy = toFloat(y)
        if (fx === null || fy === null) return fail('OverflowError when executed: integer too large to convert to float')
        return ok({t: 'float', v: fx / fy})
      }
      case '**': {
        if (y < 0n) {
          if (x === 0n) return fail('ZeroDivisionError when executed')
          const fx = toFloat(x)
          return fx === null ? fail('OverflowError when executed') : ok({t: 'float', v: Math.pow(fx, Number(y))})
        }
        if (x === 0n || x === 1n || x === -1n) return intResult(x ** y)
        if (BigInt(bitLength(x)) * y > BigInt(LIMITS.maxIntBits)) return fail(`integer result larger than ${LIMITS.maxIntBits} bits`)
        return intResult(x ** y)
      }
      case '<<':
        if (y < 0n) return fail('ValueError when executed: negative shift count')
        if (BigInt(bitLength(x)) + y > BigInt(LIMITS.maxIntBits)) return fail(`integer result larger than ${LIMITS.maxIntBits} bits`)
        return intResult(x << y)
      case '>>':
        if (y < 0n) return fail('ValueError when executed: negative shift count')
        return intResult(x >> (y > 100_000n ? 100_000n : y))
      case '&': return bothBool ? ok({t: 'bool', v: (x & y) !== 0n}) : intResult(x & y)
      case '|': return bothBool ? ok({t: 'bool', v: (x | y) !== 0n}) : intResult(x | y)
      case '^': return bothBool ? ok({t: 'bool', v: (x ^ y) !== 0n}) : intResult(x ^ y)
      default: return unsupported(op, a, b)
    }
  }
  const fx = na.kind === 'float' ? na.v : toFloat(na.v)
  const fy = nb.kind === 'float' ? nb.v : toFloat(nb.v)
  if (fx === null || fy === null) return fail('OverflowError when executed: integer too large to convert to float')
  switch (op) {
    case '+': return ok({t: 'float', v: fx + fy})
    case '-': return ok({t: 'float', v: fx - fy})
    case '*': return ok({t: 'float', v: fx * fy})
    case '/': return fy === 0 ? fail('ZeroDivisionError when executed') : ok({t: 'float', v: fx / fy})
    case '//': return fy === 0 ? fail('ZeroDivisionError when executed') : ok({t: 'float', v: floatDivmod(fx, fy)[0]})
    case '%': return fy === 0 ? fail('ZeroDivisionError when executed') : ok({t: 'float', v: floatDivmod(fx, fy)[1]})
    case '**': {
      if (fx === 0 && fy < 0) return fail('ZeroDivisionError when executed')
      if (fx < 0 && !Number.isInteger(fy)) return fail('the result is a complex number')
      const r = Math.pow(fx, fy)
      return Number.isFinite(r) ? ok({t: 'float', v: r}) : fail('OverflowError when executed')
    }
    default: return unsupported(op, a, b)
  }
}

export function unaryOp(op: string, a: PyValue): OpResult {
  const n = numeric(a)
  if (!n) return fail(`TypeError when executed: bad operand type for unary ${op}: '${typeName(a)}'`)
  if (op === '~') {
    if (n.kind !== 'int') return fail(`TypeError when executed: bad operand type for unary ~: 'float'`)
    return intResult(~n.v)
  }
  if (n.kind === 'int') return intResult(op === '-' ? -n.v : n.v)
  return ok({t: 'float', v: op === '-' ? -n.v : n.v})
}

/**
 * Python's == as dict and set lookups apply it (PyObject_RichCompareBool): the same object is
 * equal to itself (a NaN bound to a name is one key), numbers compare by exact value.
 */
export function pyEquals(a: PyValue, b: PyValue, depth = 0): boolean {
  if (a === b) return true
  // Two lists that hold each other: CPython raises RecursionError; here they are unequal.
  if (depth > MAX_COMPARE_DEPTH) return false
  const na = numeric(a)
  const nb = numeric(b)
  if (na && nb) return numericEquals(na, nb)
  if ((a.t === 'str' && b.t === 'str') || (a.t === 'bytes' && b.t === 'bytes')) return a.v === b.v
  if (a.t === 'none' && b.t === 'none') return true
  if ((a.t === 'tuple' && b.t === 'tuple') || (a.t === 'list' && b.t === 'list')) {
    return a.items.length === b.items.length && a.items.every((x, i) => pyEquals(x, b.items[i], depth + 1))
  }
  return false
}

const MAX_COMPARE_DEPTH = 1000

/** CPython compares an int with a float exactly (2**53 + 1 != 2.0**53), never through a rounded double. */
function numericEquals(a: NonNullable<ReturnType<typeof numeric>>, b: NonNullable<ReturnType<typeof numeric>>): boolean {
  if (a.kind === 'int' && b.kind === 'int') return a.v === b.v
  if (a.kind === 'float' && b.kind === 'float') return a.v === b.v
  const [i, f] = a.kind === 'int' ? [a.v, b.v as number] : [b.v as bigint, a.v]
  return Number.isInteger(f) && BigInt(f) === i
}

/**
 * A string equal for two values exactly when pyEquals holds between them, or null for values
 * it cannot key (NaN, functions, lists, dicts, sets, and tuples holding one of those).
 * Every number is keyed by its exact value (int, bool and integral float alike, as hex of the
 * integer; other floats by their shortest round-trip text), strings and bytes by their text
 * under distinct prefixes, tuples by their items' keys, each prefixed with its length so the
 * concatenation cannot be read two ways.
 */
export function hashKey(v: PyValue): string | null {
  switch (v.t) {
    case 'int': return 'i' + v.v.toString(16)
    case 'bool': return v.v ? 'i1' : 'i0'
    case 'float':
      if (Number.isNaN(v.v)) return null
      return Number.isInteger(v.v) ? 'i' + BigInt(v.v).toString(16) : 'f' + String(v.v)
    case 'str': return 's' + v.v
    case 'bytes': return 'b' + v.v
    case 'none': return 'N'
    case 'tuple': {
      let key = 't'
      for (const x of v.items) {
        const k = hashKey(x)
        if (k === null) return null
        key += `${k.length}:${k}`
      }
      return key
    }
    default: return null
  }
}

/**
 * Where a key stands among a dict's keys (or a set's items), found as a scan with pyEquals
 * would find it, in constant time for the keys hashKey covers. The rest are scanned, but only
 * among themselves: such a value equals only itself (NaN, functions, dicts, sets: pyEquals is
 * identity for them), a list (never keyed) or a tuple holding one of those in the same place,
 * so it never equals a keyed value, and a keyed value never equals one of them.
 */
export class KeyIndex {
  private readonly keyed = new Map<string, number>()
  private readonly unkeyed: Array<{key: PyValue; at: number}> = []

  find(key: PyValue): number {
    const h = hashKey(key)
    if (h !== null) return this.keyed.get(h) ?? -1
    return this.unkeyed.find((u) => pyEquals(u.key, key))?.at ?? -1
  }

  /** A copy, for a dict that starts as a copy of the indexed one. */
  clone(): KeyIndex {
    const c = new KeyIndex()
    for (const [h, at] of this.keyed) c.keyed.set(h, at)
    for (const u of this.unkeyed) c.unkeyed.push(u)
    return c
  }

  /** Records key at position at; the caller has checked it is not there yet. */
  add(key: PyValue, at: number): void {
    const h = hashKey(key)
    if (h !== null) this.keyed.set(h, at)
    else this.unkeyed.push({key, at})
  }
}

/**
 * The index each built dict's entries were made with. Entries are never changed once built
 * (a store into a dict marks it mutated instead), so `{**d, ...}` can start from a copy of
 * d's index, a native Map copy, instead of hashing every key of d again.
 */
const builtIndex = new WeakMap<Array<[PyValue, PyValue]>, KeyIndex>()

/** A dict's entries built in Python's order: the first key object stays, the last value wins. */
export class DictBuilder {
  readonly entries: Array<[PyValue, PyValue]> = []
  private index: KeyIndex

  /** Starts from a dict's entries, whose keys are distinct already. */
  constructor(from: Array<[PyValue, PyValue]> = []) {
    const known = builtIndex.get(from)
    this.index = known ? known.clone() : new KeyIndex()
    // Pairs are shared, not copied: put replaces a pair, it never writes into one.
    for (const pair of from) {
      if (!known) this.index.add(pair[0], this.entries.length)
      this.entries.push(pair)
    }
    builtIndex.set(this.entries, this.index)
  }

  /** Sets key to value; true when the key is new. */
  put(key: PyValue, value: PyValue): boolean {
    const i = this.index.find(key)
    if (i >= 0) {
      this.entries[i] = [this.entries[i][0], value]
      return false
    }
    this.index.add(key, this.entries.length)
    this.entries.push([key, value])
    return true
  }
}

/** A set's items without duplicates under pyEquals, the first of equal ones kept. */
export function uniqueItems(items: PyValue[]): PyValue[] {
  const index = new KeyIndex()
  const out: PyValue[] = []
  for (const v of items) {
    if (index.find(v) >= 0) continue
    index.add(v, out.length)
    out.push(v)
  }
  return out
}

/** repr() of a float, as CPython prints it (shortest round-trip digits, 'r' format). */
export function floatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan'
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf'
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0'
  const [mant, expText] = x.toExponential().split('e')
  const exp = Number(expText)
  const neg = mant.startsWith('-')
  const digits = mant.replace('-', '').replace('.', '')
  let body: string
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits
    body = `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`
  } else if (exp < 0) {
    body = `0.${'0'.repeat(-exp - 1)}${digits}`
  } else if (digits.length <= exp + 1) {
    body = `${digits}${'0'.repeat(exp + 1 - digits.length)}.0`
  } else {
    body = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`
  }
  return neg ? `-${body}` : body
}

function strRepr(s: string, bytes = false): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'"
  let out = bytes ? 'b' + quote : quote
  for (const ch of s) {
    const cp = ch.codePointAt(0)!
    if (ch === quote || ch === '\\') out += '\\' + ch
    else if (ch === '\n') out += '\\n'
    else if (ch === '\r') out += '\\r'
    else if (ch === '\t') out += '\\t'
    else if (cp < 0x20 || cp === 0x7f || (bytes && cp > 0x7e)) out += '\\x' + cp.toString(16).padStart(2, '0')
    else if (!bytes && cp >= 0x80 && cp < 0xa0) out += '\\x' + cp.toString(16).padStart(2, '0')
    else out += ch
  }
  return out + quote
}

/** repr() for the values we model; sets of strings have no stable order in CPython. */
/**
 * repr() as CPython prints it. A container met again inside itself (`xs += [xs]`) prints as
 * `[...]`, `{...}` or `(...)`, as Py_ReprEnter makes CPython do, instead of recursing forever.
 */
export function pyRepr(v: PyValue): string {
  return reprIn(v, new Set())
}

function reprIn(v: PyValue, active: Set<PyValue>): string {
  switch (v.t) {
    case 'int': return v.v.toString()
    case 'bool': return v.v ? 'True' : 'False'
    case 'float': return floatRepr(v.v)
    case 'str': return strRepr(v.v)
    case 'bytes': return strRepr(v.v, true)
    case 'none': return 'None'
    case 'function': return `<${v.kind === 'class' ? 'class' : 'function'} ${v.name}>`
  }
  if (active.has(v)) return v.t === 'list' ? '[...]' : v.t === 'tuple' ? '(...)' : '{...}'
  active.add(v)
  const r = (x: PyValue) => reprIn(x, active)
  let out: string
  if (v.t === 'dict') out = `{${v.entries.map(([k, x]) => `${r(k)}: ${r(x)}`).join(', ')}}`
  else if (v.t === 'list') out = `[${v.items.map(r).join(', ')}]`
  else if (v.t === 'tuple') out = v.items.length === 1 ? `(${r(v.items[0])},)` : `(${v.items.map(r).join(', ')})`
  else out = v.items.length === 0 ? 'set()' : `{${v.items.map(r).join(', ')}}`
  active.delete(v)
  return out
}

export function pyStrOf(v: PyValue): string {
  return v.t === 'str' ? v.v : pyRepr(v)
}

/** printf-style "%s" formatting, for the conversions configs use; others stay unresolved. */
function percentFormat(fmt: string, arg: PyValue): OpResult {
  const args = arg.t === 'tuple' ? arg.items : [arg]
  const mapping = arg.t === 'dict' ? arg : null
  let used = 0
  let out = ''
  let i = 0
  while (i < fmt.length) {
    const pct = fmt.indexOf('%', i)
    if (pct === -1) { out += fmt.slice(i); break }
    out += fmt.slice(i, pct)
    // %[(key)][flags][width][.precision][length]type, as CPython's PyUnicode_Format reads it.
    const m = /^%(?:\(([^)]*)\))?([-+ #0]*)(\*|\d+)?(?:\.(\*|\d*))?([hlL])?([\s\S])?/.exec(fmt.slice(pct))!
    const [whole, key, flags, width, precision, , conv] = m
    i = pct + whole.length
    if (conv === undefined) return fail('ValueError when executed: incomplete format')
    if (conv === '%') {
      if (whole === '%%') { out += '%'; continue }
      return fail("ValueError when executed: unsupported format character '%'")
    }
    if (!'diouxXeEfFgGcrsa'.includes(conv)) return fail(`ValueError when executed: unsupported format character '${conv}'`)
    if (width === '*' || precision === '*') return fail('%-format with * width is not evaluated statically')
    let value: PyValue | undefined
    if (key !== undefined) {
      if (!mapping) return fail('TypeError when executed: format requires a mapping')
      value = mapping.entries.find(([k]) => k.t === 'str' && k.v === key)?.[1]
      if (!value) return fail(`KeyError when executed: '${key}'`)
    } else {
      value = args[used++]
      if (!value) return fail('TypeError when executed: not enough arguments for format string')
    }
    let text: string
    if (conv === 's' && precision === undefined) text = pyStrOf(value)
    else if ((conv === 'r' || conv === 'a') && precision === undefined) text = pyRepr(value)
    else if ((conv === 'd' || conv === 'i' || conv === 'u') && precision === undefined) {
      const n = numeric(value)
      if (!n) return fail(`TypeError when executed: %${conv} format: a real number is required, not ${typeName(value)}`)
      if (n.kind === 'float' && !Number.isFinite(n.v)) return fail('%-format of a non-finite float is not evaluated statically')
      text = n.kind === 'int' ? n.v.toString() : BigInt(Math.trunc(n.v)).toString()
      if (!text.startsWith('-')) text = (flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '') + text
    } else {
      return fail(`%-format conversion '%${conv}' is not evaluated statically`)
    }
    const w = width ? Number(width) : 0
    if (text.length < w) {
      if (flags.includes('-')) text = text.padEnd(w)
      else if (flags.includes('0') && /[diu]/.test(conv)) {
        const sign = /^[-+ ]/.test(text) ? text[0] : ''
        text = sign + text.slice(sign.length).padStart(w - sign.length, '0')
      } else text = text.padStart(w)
    }
    out += text
    if (out.length > LIMITS.maxStringChars) return fail(`string result longer than ${LIMITS.maxStringChars} characters`)
  }
  // CPython skips this check for any argument with __getitem__ (dict, list, bytes), not only dicts.
  const mappingLike = arg.t === 'dict' || arg.t === 'list' || arg.t === 'bytes'
  if (!mappingLike && used < args.length) return fail('TypeError when executed: not all arguments converted during string formatting')
  return ok({t: 'str', v: out})
}

export function truthy(v: PyValue): boolean {
  switch (v.t) {
    case 'int': return v.v !== 0n
    case 'bool': return v.v
    case 'float': return v.v !== 0
    case 'str':
    case 'bytes': return v.v.length > 0
    case 'none': return false
    case 'list':
    case 'tuple':
    case 'set': return v.items.length > 0
    case 'dict': return v.entries.length > 0
    case 'function': return true
  }
}
