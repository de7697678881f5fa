// gunicorn's setting validators (config.py validate_*), applied to values read statically.
// gunicorn refuses to start when a validator raises; here that becomes an error message and
// the setting keeps its lower-precedence value.
import type {PyValue} from './py-values.js'
import {pyRepr, toJs, typeName} from './py-values.js'
import type {SettingSpec} from './settings-table.js'
import {trimTrailing} from '../../text/trim.js'

/** A raw value as it reaches Config.set(): from a config file, or from argparse. */
export type RawValue = {from: 'py'; value: PyValue} | {from: 'cli'; value: string | boolean | number | string[] | null}

export type Validated = {ok: true; value: unknown; note?: string} | {ok: false; message: string}

const RELOAD_ENGINES = ['auto', 'poll', 'inotify']
const PROXY_MODES = ['off', 'v1', 'v2', 'auto']

/** Python's int(text, 0): optional sign, base prefix, single underscores, no leading zeros. */
export function pyIntBase0(text: string): bigint | null {
  const t = text.trim()
  const m = /^([+-]?)(0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|[1-9](?:_?\d)*|0(?:_?0)*)$/.exec(t)
  if (!m) return null
  const body = m[2].replace(/_/g, '')
  const n = /^0[xob]/i.test(body) ? BigInt(body.slice(0, 2).toLowerCase() + body.slice(2)) : BigInt(body)
  return m[1] === '-' ? -n : n
}

/** Python's int(text) (base 10), as argparse's type=int applies it. */
export function pyInt10(text: string): bigint | null {
  const m = /^\s*([+-]?)(\d(?:_?\d)*)\s*$/.exec(text)
  if (!m) return null
  const n = BigInt(m[2].replace(/_/g, ''))
  return m[1] === '-' ? -n : n
}

/** gunicorn's auto_int (umask): a leading 0 means octal, as in Python 2. */
export function autoInt(text: string): bigint | null {
  const t = /^0\d/.test(text) ? text.replace('0', '0o') : text
  return pyIntBase0(t)
}

const num = (n: bigint): number | string => (Number.isSafeInteger(Number(n)) ? Number(n) : n.toString())

function asPy(raw: RawValue): PyValue {
  if (raw.from === 'py') return raw.value
  const v = raw.value
  if (v === null) return {t: 'none'}
  if (typeof v === 'boolean') return {t: 'bool', v}
  if (typeof v === 'number') return {t: 'int', v: BigInt(v)}
  if (Array.isArray(v)) return {t: 'list', items: v.map((x): PyValue => ({t: 'str', v: x}))}
  return {t: 'str', v}
}

function posInt(v: PyValue): Validated {
  let n: bigint
  if (v.t === 'int') n = v.v
  else if (v.t === 'bool') n = v.v ? 1n : 0n
  else if (v.t === 'str') {
    const p = pyIntBase0(v.v)
    if (p === null) return {ok: false, message: `ValueError: invalid literal for int() with base 0: ${pyRepr(v)}`}
    n = p
  } else return {ok: false, message: `TypeError: int() can't convert non-string with explicit base (got ${typeName(v)} ${pyRepr(v)})`}
  if (n < 0n) return {ok: false, message: `ValueError: Value must be positive: ${n}`}
  return {ok: true, value: num(n)}
}

function bool(v: PyValue): Validated {
  if (v.t === 'none') return {ok: true, value: null}
  if (v.t === 'bool') return {ok: true, value: v.v}
  if (v.t !== 'str') return {ok: false, message: `TypeError: Invalid type for casting: ${pyRepr(v)}`}
  const s = v.v.trim().toLowerCase()
  if (s === 'true') return {ok: true, value: true}
  if (s === 'false') return {ok: true, value: false}
  return {ok: false, message: `ValueError: Invalid boolean: ${v.v}`}
}

function string(v: PyValue): Validated {
  if (v.t === 'none') return {ok: true, value: null}
  if (v.t !== 'str') return {ok: false, message: `TypeError: Not a string: ${pyRepr(v)}`}
  return {ok: true, value: pyStrip(v.v)}
}

/** str.strip() with no argument strips Unicode whitespace, not just ASCII. */
export function pyStrip(s: string): string {
  // A loop, not /^[…]+|[…]+$/g: that regex rescans every inner run of blanks, O(n²).
  let start = 0
  let end = s.length
  while (start < end && PY_SPACE.test(s[start])) start++
  while (end > start && PY_SPACE.test(s[end - 1])) end--
  return s.slice(start, end)
}
// Every character str.isspace() holds (all are in the BMP).
const PY_SPACE = /^[\s\x1c-\x1f\x85]$/

function falsy(v: PyValue): boolean {
  switch (v.t) {
    case 'none': return true
    case 'bool': return !v.v
    case 'int': return v.v === 0n
    case 'float': return v.v === 0
    case 'str': case 'bytes': return v.v.length === 0
    case 'list': case 'tuple': case 'set': return v.items.length === 0
    case 'dict': return v.entries.length === 0
    default: return false
  }
}

function listString(v: PyValue): Validated {
  if (falsy(v)) return {ok: true, value: []}
  let items: PyValue[]
  if (v.t === 'str') items = [v]
  else if (v.t === 'list' || v.t === 'tuple') items = v.items
  else if (v.t === 'set') {
    if (v.items.length > 1) return {ok: true, value: v.items.map(toJs), note: 'a set: gunicorn takes its items in an arbitrary order'}
    items = v.items
  } else if (v.t === 'dict') items = v.entries.map(([k]) => k)
  else return {ok: false, message: `TypeError: '${typeName(v)}' object is not iterable`}
  const out: unknown[] = []
  for (const x of items) {
    const s = string(x)
    if (!s.ok) return s
    out.push(s.value)
  }
  return {ok: true, value: out}
}

function stringToList(v: PyValue): Validated {
  const s = string(v)
  if (!s.ok) return s
  if (!s.value) return {ok: true, value: []}
  return {ok: true, value: (s.value as string).split(',').filter((x) => x).map((x) => pyStrip(x))}
}

export interface ValidateContext {
  cwd?: string
}

export function validate(spec: SettingSpec, raw: RawValue, ctx: ValidateContext = {}): Validated {
  const v = asPy(raw)
  switch (spec.validator) {
    case 'pos_int': return posInt(v)
    case 'bool': return bool(v)
    case 'string': return string(v)
    case 'list_string': return listString(v)
    case 'list_of_existing_files': {
      const r = listString(v)
      return r.ok ? {...r, note: 'gunicorn also requires each file to exist'} : r
    }
    case 'string_to_list': return stringToList(v)
    case 'dict':
      if (v.t !== 'dict') return {ok: false, message: `TypeError: Value is not a dictionary: ${pyRepr(v)}`}
      return {ok: true, value: toJs(v)}
    case 'class':
      if (v.t === 'function') {
        return v.kind === 'class'
          ? {ok: true, value: `<class ${v.name}>`, note: 'a class defined in the config file'}
          : {ok: true, value: `<function ${v.name}>`, note: 'a function: gunicorn calls it and uses the class it returns'}
      }
      return string(v)
    case 'callable':
      if (v.t === 'function') return {ok: true, value: `<function ${v.name}>`}
      if (v.t === 'str') {
        if (!v.v.includes('.')) return {ok: false, message: `TypeError: Value '${v.v}' is not import string. Format: module[.submodules...].object`}
        return {ok: true, value: v.v, note: 'imported by gunicorn when it starts'}
      }
      return {ok: false, message: `TypeError: Value is not callable: ${pyRepr(v)}`}
    case 'reload_engine':
      if (v.t !== 'str' || !RELOAD_ENGINES.includes(v.v)) return {ok: false, message: `ConfigError: Invalid reload_engine: ${pyRepr(v)}`}
      return {ok: true, value: v.v}
    case 'chdir': {
      const s = string(v)
      if (!s.ok || s.value === null) return s.ok ? {ok: false, message: 'TypeError: chdir must be a string'} : s
      const p = s.value as string
      const abs = p.startsWith('/') || !ctx.cwd ? p : `${trimTrailing(ctx.cwd, '/')}/${p}`
      return {ok: true, value: normalisePath(abs), note: 'gunicorn also requires the directory to exist'}
    }
    case 'user':
    case 'group':
      if (v.t === 'none') return {ok: true, value: null, note: `the ${spec.validator} gunicorn runs as`}
      if (v.t === 'int' || v.t === 'bool') return {ok: true, value: toJs(v)}
      if (v.t === 'str') return /^\d+$/.test(v.v) ? {ok: true, value: Number(v.v)} : {ok: true, value: v.v, note: `a ${spec.validator} name, looked up when gunicorn starts`}
      return {ok: false, message: `AttributeError: '${typeName(v)}' object has no attribute 'isdigit'`}
    case 'hostport': {
      const s = string(v)
      if (!s.ok || s.value === null) return s
      const parts = (s.value as string).split(':')
      if (parts.length !== 2) return {ok: false, message: 'TypeError: Value must consist of: hostname:port'}
      const port = pyInt10(parts[1])
      if (port === null) return {ok: false, message: `ValueError: invalid literal for int() with base 10: '${parts[1]}'`}
      return {ok: true, value: [parts[0], num(port)]}
    }
    case 'ssl_version':
      return {ok: true, value: toJs(v)}
    case 'proxy_protocol': {
      if (v.t === 'none' || (v.t === 'bool' && !v.v)) return {ok: true, value: 'off'}
      if (v.t === 'bool') return {ok: true, value: 'auto'}
      if (v.t === 'str') {
        const s = v.v.trim().toLowerCase()
        if (PROXY_MODES.includes(s)) return {ok: true, value: s}
        if (s === 'true') return {ok: true, value: 'auto'}
        if (s === 'false') return {ok: true, value: 'off'}
      }
      return {ok: false, message: `ValueError: invalid proxy_protocol ${pyRepr(v)} (expected one of ${PROXY_MODES.join(', ')})`}
    }
  }
}

export function normalisePath(p: string): string {
  const abs = p.startsWith('/')
  const out: string[] = []
  for (const seg of p.split('/')) {
    if (!seg || seg === '.') continue
    if (seg === '..') { if (out.length && out[out.length - 1] !== '..') out.pop(); else if (!abs) out.push('..'); continue }
    out.push(seg)
  }
  return (abs ? '/' : '') + out.join('/') || (abs ? '/' : '.')
}

/** A value gunicorn prints with --print-config (str() of the validated value). */
export function printConfigText(value: unknown): string {
  if (value === null || value === undefined) return 'None'
  if (typeof value === 'boolean') return value ? 'True' : 'False'
  if (typeof value === 'number' || typeof value === 'string') return String(value)
  if (Array.isArray(value)) return `[${value.map(reprJs).join(', ')}]`
  if (typeof value === 'object') return `{${Object.entries(value as Record<string, unknown>).map(([k, x]) => `${reprJs(k)}: ${reprJs(x)}`).join(', ')}}`
  return String(value)
}

function reprJs(v: unknown): string {
  if (typeof v === 'string') return pyRepr({t: 'str', v})
  if (Array.isArray(v) || (v && typeof v === 'object')) return printConfigText(v)
  return printConfigText(v)
}

