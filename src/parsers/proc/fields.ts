// Line and field splitting shared by the small /proc/net text files (sockstat, netstat, snmp):
// "Label: word word word". Positions are kept so errors can point at the exact field.
import {ParseError} from '../types.js'

export interface Field {
  text: string
  /** 1-based column */
  col: number
}

export interface LabelledLine {
  line: number
  label: string
  labelCol: number
  fields: Field[]
}

/** These files are a few KiB; anything past this is not a /proc counter file. */
export const MAX_TEXT_LENGTH = 1024 * 1024

/** Longest field kept whole; /proc names and u64 counters are far shorter. */
export const MAX_FIELD_LENGTH = 256

/**
 * Splits text into "Label: fields..." lines. Blank lines are skipped; a line without a
 * "Label:" prefix is an error. NUL bytes make the whole text an 'io' error.
 */
export function labelledLines(text: string, file: string, errors: ParseError[]): LabelledLine[] {
  const out: LabelledLine[] = []
  if (text.indexOf('\0') !== -1) {
    errors.push(new ParseError('io', {file, line: 1, col: 1}, 'binary file'))
    return out
  }
  let body = text
  if (body.length > MAX_TEXT_LENGTH) {
    body = body.slice(0, body.lastIndexOf('\n', MAX_TEXT_LENGTH) + 1)
    const line = body.split('\n').length
    errors.push(new ParseError('limit', {file, line, col: 1}, `larger than ${MAX_TEXT_LENGTH} characters; the rest was not read`))
  }
  const lines = body.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]
    const lineNo = i + 1
    const fields: Field[] = []
    const re = /[^ \t\r]+/g
    let m: RegExpExecArray | null
    while ((m = re.exec(raw)) !== null) fields.push({text: m[0], col: m.index + 1})
    if (fields.length === 0) continue
    const head = fields[0]
    const colon = head.text.indexOf(':')
    if (colon <= 0 || !/^[A-Za-z][A-Za-z0-9_]*$/.test(head.text.slice(0, colon))) {
      errors.push(new ParseError('syntax', {file, line: lineNo, col: head.col}, `expected "Label:" at the start of the line, found "${short(head.text)}"`))
      continue
    }
    const rest = head.text.slice(colon + 1)
    if (rest !== '') fields[0] = {text: rest, col: head.col + colon + 1}
    else fields.shift()
    let tooLong = false
    for (const f of fields) {
      if (f.text.length > MAX_FIELD_LENGTH) {
        errors.push(new ParseError('limit', {file, line: lineNo, col: f.col}, `field longer than ${MAX_FIELD_LENGTH} characters`))
        tooLong = true
      }
    }
    if (tooLong) continue
    out.push({line: lineNo, label: head.text.slice(0, colon), labelCol: head.col, fields})
  }
  return out
}

/** A /proc counter: optional minus, decimal digits. u64 counters above 2^53 lose precision as numbers. */
export function parseCounter(s: string): number | null {
  return /^-?\d+$/.test(s) ? Number(s) : null
}

export function short(s: string): string {
  return s.length > 40 ? `${s.slice(0, 37)}...` : s
}

/** Errors in file order (parsers find them in passes). */
export function byPosition(errors: ParseError[]): ParseError[] {
  return errors
    .map((e, i) => ({e, i}))
    .sort((a, b) => a.e.line - b.e.line || a.e.col - b.e.col || a.i - b.i)
    .map((x) => x.e)
}
