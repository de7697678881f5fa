// A report's data escaped for the human formats, once at the reporters' boundary.
import {escapeTerminal} from '../text/escape.js'

/** Fields whose text is prose that a format may lay out on several lines. */
const MULTILINE_KEYS = new Set(['message', 'summary'])

/**
 * `rawKeys`: fields left as they are, for a format that encodes them safely itself (SARIF
 * percent-encodes file URIs, which must name the real file).
 *
 * A copy of a report's data with every string escaped, for the human formats: applied once at
 * the reporters' boundary, so no renderer can forget a field. Only plain objects and arrays are
 * walked; strings are copied only when they hold something to escape.
 */
export function escapeForHumans<T>(value: T, opts: {rawKeys?: ReadonlySet<string>} = {}): T {
  return walk(value, false, opts.rawKeys ?? NONE) as T
}

const NONE: ReadonlySet<string> = new Set()

function walk(v: unknown, multiline: boolean, raw: ReadonlySet<string>): unknown {
  if (typeof v === 'string') return escapeTerminal(v, {multiline})
  if (Array.isArray(v)) return v.map((x) => walk(x, multiline, raw))
  if (v !== null && typeof v === 'object') {
    const proto = Object.getPrototypeOf(v)
    if (proto !== Object.prototype && proto !== null) return v
    const out: Record<string, unknown> = {}
    for (const [k, x] of Object.entries(v)) out[k] = raw.has(k) ? x : walk(x, MULTILINE_KEYS.has(k), raw)
    return out
  }
  return v
}
