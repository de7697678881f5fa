// Value arithmetic as lighttpd's configparser_merge_data does it: `+` on strings and
// integers, array merges with lighttpd's duplicate-key rule, and 32-bit integer wrap-around.
import type {LighttpdArrayItem, LighttpdValue} from './types.js'

export type MergeResult = {value: LighttpdValue; error?: string; note?: string}

/** lighttpd compares every key (settings, array keys, block names) ASCII-case-insensitively. */
export function asciiLower(s: string): string {
  return s.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32))
}

export const str = (value: string): LighttpdValue => ({type: 'string', value})
export const int = (value: number): LighttpdValue => ({type: 'integer', value})
export const unresolved = (reason: string): LighttpdValue => ({type: 'unresolved', reason})

const LONG_MAX = (1n << 63n) - 1n

/**
 * An INTEGER token: strtol(…, 10) into a C long, stored in an int. Values past 2^31 wrap
 * silently (lighttpd 1.4.69 reads 2147483648 as -2147483648); past LONG_MAX it is an error.
 */
export function parseInteger(digits: string): {value: number; error?: string} {
  const big = BigInt(digits)
  if (big > LONG_MAX) return {value: -1, error: `number ${digits} is too large`}
  return {value: Number(BigInt.asIntN(32, big))}
}

export function describeType(v: LighttpdValue): string {
  return v.type === 'unresolved' ? 'unresolved value' : v.type
}

export function cloneValue(v: LighttpdValue): LighttpdValue {
  return v.type === 'array' ? {type: 'array', items: v.items.map(cloneItem)} : {...v}
}

function cloneItem(it: LighttpdArrayItem): LighttpdArrayItem {
  return it.key === undefined ? {value: cloneValue(it.value)} : {key: it.key, value: cloneValue(it.value)}
}

/** Keyed items by lowercased key; the first of a repeated key wins, as in lighttpd. */
export function keyIndex(items: LighttpdArrayItem[]): Map<string, LighttpdArrayItem> {
  const m = new Map<string, LighttpdArrayItem>()
  for (const it of items) if (it.key !== undefined && !m.has(asciiLower(it.key))) m.set(asciiLower(it.key), it)
  return m
}

/** `a + b` and `key += b`. */
export function mergeValues(a: LighttpdValue, b: LighttpdValue): MergeResult {
  if (a.type === 'unresolved') return {value: a}
  if (b.type === 'unresolved') return {value: b}
  if (a.type === 'string' && b.type === 'string') return {value: str(a.value + b.value)}
  if (a.type === 'string' && b.type === 'integer') return {value: str(a.value + String(b.value))}
  if (a.type === 'integer' && b.type === 'string') return {value: str(String(a.value) + b.value)}
  if (a.type === 'integer' && b.type === 'integer') return {value: int((a.value + b.value) | 0)}
  if (a.type === 'array' && b.type === 'array') {
    const items = a.items.map(cloneItem)
    const byKey = keyIndex(items)
    for (const it of b.items) {
      const dup = it.key === undefined ? undefined : byKey.get(asciiLower(it.key))
      if (!dup) {
        const copy = cloneItem(it)
        items.push(copy)
        if (copy.key !== undefined) byKey.set(asciiLower(copy.key), copy)
        continue
      }
      // lighttpd tolerates a repeated key only when it repeats the same string or integer.
      if (sameScalar(dup.value, it.value)) continue
      return {value: a, error: `duplicate array key "${it.key}" when merging arrays`}
    }
    return {value: {type: 'array', items}}
  }
  return {value: a, error: `cannot combine ${describeType(a)} with ${describeType(b)} (data type mismatch)`}
}

// The key index of an array being appended to in place, kept between appends.
const indexes = new WeakMap<LighttpdArrayItem[], Map<string, LighttpdArrayItem>>()

/**
 * `a + b` into `a` itself, for a value nothing else holds (a left operand being consumed, a
 * block's own result of an earlier `+=`): a copy of `a` per `+` or `+=` made a run of n
 * appends cost n² (8 000 `server.modules += (…)` lines: 12.6 s). Same result as mergeValues.
 */
export function appendValues(a: LighttpdValue, b: LighttpdValue): MergeResult {
  if (a.type !== 'array' || b.type !== 'array') return mergeValues(a, b)
  let byKey = indexes.get(a.items)
  if (!byKey) indexes.set(a.items, (byKey = keyIndex(a.items)))
  // Checked first: on lighttpd's objection `a` is left as it was.
  let fresh: Map<string, LighttpdArrayItem> | undefined
  for (const it of b.items) {
    if (it.key === undefined) continue
    const k = asciiLower(it.key)
    const dup = byKey.get(k) ?? fresh?.get(k)
    if (!dup) (fresh ??= new Map()).set(k, it)
    else if (!sameScalar(dup.value, it.value)) return {value: a, error: `duplicate array key "${it.key}" when merging arrays`}
  }
  for (const it of b.items) {
    const k = it.key === undefined ? undefined : asciiLower(it.key)
    // A repeated key with the same value: lighttpd keeps the first.
    if (k !== undefined && byKey.has(k)) continue
    const copy = cloneItem(it)
    a.items.push(copy)
    if (k !== undefined) byKey.set(k, copy)
  }
  return {value: a}
}

function sameScalar(x: LighttpdValue, y: LighttpdValue): boolean {
  return (x.type === 'string' && y.type === 'string' && x.value === y.value)
    || (x.type === 'integer' && y.type === 'integer' && x.value === y.value)
}

/** lighttpd's "stringop": an expression used as a name (array key, include path, condition). */
export function toStringop(v: LighttpdValue): {value?: string; unresolved?: string; error?: string} {
  if (v.type === 'string') return {value: v.value}
  if (v.type === 'integer') return {value: String(v.value)}
  if (v.type === 'unresolved') return {unresolved: v.reason}
  return {error: 'an array cannot be used here; a string is needed (operand must be string)'}
}
