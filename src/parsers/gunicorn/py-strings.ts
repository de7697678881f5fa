// Decodes one Python string literal token (any prefix, any quotes) to its value, the way
// CPython's compiler does. f-strings (and 3.14 t-strings) with replacement fields are not
// evaluated: their value depends on code.
export type DecodedString =
  | {kind: 'str' | 'bytes'; value: string}
  | {kind: 'unresolved'; reason: string}
  | {kind: 'error'; message: string; offset: number}

const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
}

export function decodeStringToken(text: string): DecodedString {
  let i = 0
  while (i < text.length && text[i] !== '"' && text[i] !== "'") i++
  const prefix = text.slice(0, i).toLowerCase()
  const q = text[i]
  const triple = text.startsWith(q.repeat(3), i)
  const ql = triple ? 3 : 1
  const body = text.slice(i + ql, text.length - ql)
  const raw = prefix.includes('r')
  const bytes = prefix.includes('b')
  const formatted = prefix.includes('f') || prefix.includes('t')
  const bodyOffset = i + ql

  if (formatted) {
    const literal = formatLiteralOnly(body, raw)
    if (literal.kind !== 'str') return literal.kind === 'error' ? {...literal, offset: literal.offset + bodyOffset} : literal
    if (prefix.includes('t')) return {kind: 'unresolved', reason: 't-string (a Template object, not a str)'}
    return raw ? {kind: 'str', value: literal.value} : decodeEscapes(literal.value, false, bodyOffset)
  }
  if (bytes) {
    for (let k = 0; k < body.length; k++) {
      if (body.charCodeAt(k) > 0x7f) return {kind: 'error', message: 'bytes can only contain ASCII literal characters', offset: bodyOffset + k}
    }
  }
  if (raw) return {kind: bytes ? 'bytes' : 'str', value: body}
  return decodeEscapes(body, bytes, bodyOffset)
}

/** f-string text with '{{'/'}}' folded; unresolved as soon as there is a replacement field. */
function formatLiteralOnly(body: string, raw: boolean): DecodedString {
  let out = ''
  for (let k = 0; k < body.length; k++) {
    const c = body[k]
    if (c === '{') {
      if (body[k + 1] === '{') { out += '{'; k++; continue }
      return {kind: 'unresolved', reason: 'f-string with replacement fields'}
    }
    if (c === '}') {
      if (body[k + 1] === '}') { out += '}'; k++; continue }
      return {kind: 'error', message: "f-string: single '}' is not allowed", offset: k}
    }
    if (c === '\\' && k + 1 < body.length) {
      const n = body[k + 1]
      if (!raw && n === 'N' && body[k + 2] === '{') {
        // \N{NAME}: the braces belong to the escape, not to a replacement field.
        const close = body.indexOf('}', k + 3)
        const stop = close === -1 ? body.length - 1 : close
        out += body.slice(k, stop + 1)
        k = stop
        continue
      }
      if (n === '{' || n === '}') { out += c; continue }
      out += c + n
      k++
      continue
    }
    out += c
  }
  return {kind: 'str', value: out}
}

function decodeEscapes(body: string, bytes: boolean, bodyOffset: number): DecodedString {
  let out = ''
  for (let k = 0; k < body.length; k++) {
    const c = body[k]
    if (c !== '\\') { out += c; continue }
    const e = body[k + 1]
    if (e === undefined) { out += '\\'; break }
    if (e === '\n') { k++; continue }
    if (SIMPLE_ESCAPES[e] !== undefined) { out += SIMPLE_ESCAPES[e]; k++; continue }
    if (e >= '0' && e <= '7') {
      const m = /^[0-7]{1,3}/.exec(body.slice(k + 1))![0]
      const code = parseInt(m, 8)
      if (bytes && code > 0xff) return {kind: 'error', message: 'octal escape value out of range for bytes', offset: bodyOffset + k}
      out += String.fromCodePoint(code)
      k += m.length
      continue
    }
    if (e === 'x') {
      const m = /^[0-9a-fA-F]{2}/.exec(body.slice(k + 2))
      if (!m) return {kind: 'error', message: `(${bytes ? 'value' : 'unicode'} error) truncated \\xXX escape`, offset: bodyOffset + k}
      out += String.fromCharCode(parseInt(m[0], 16))
      k += 3
      continue
    }
    if (!bytes && (e === 'u' || e === 'U')) {
      const n = e === 'u' ? 4 : 8
      const m = new RegExp(`^[0-9a-fA-F]{${n}}`).exec(body.slice(k + 2))
      if (!m) return {kind: 'error', message: `(unicode error) truncated \\${e}${'X'.repeat(n)} escape`, offset: bodyOffset + k}
      const cp = parseInt(m[0], 16)
      if (cp > 0x10ffff) return {kind: 'error', message: '(unicode error) illegal Unicode character', offset: bodyOffset + k}
      out += String.fromCodePoint(cp)
      k += 1 + n
      continue
    }
    if (!bytes && e === 'N') {
      // Resolving character names needs the Unicode name table; not worth it for configs.
      if (!/^\{[^}]+\}/.test(body.slice(k + 2))) return {kind: 'error', message: '(unicode error) malformed \\N character escape', offset: bodyOffset + k}
      return {kind: 'unresolved', reason: 'string with a \\N{...} escape'}
    }
    // Unknown escapes keep their backslash (CPython warns, and keeps going).
    out += '\\'
  }
  return {kind: bytes ? 'bytes' : 'str', value: out}
}
