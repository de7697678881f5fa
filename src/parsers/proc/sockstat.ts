// /proc/net/sockstat (net/ipv4/proc.c sockstat_seq_show):
//   sockets: used 285
//   TCP: inuse 7 orphan 0 tw 3 alloc 9 mem 1
//   UDP: inuse 0 mem 0
//   ...
// Every line is "Label: name value name value ...".
import {ParseError, type ParseResult} from '../types.js'
import {byPosition, labelledLines, parseCounter, short} from './fields.js'

export interface SockstatTcp {
  inuse: number
  orphan: number
  tw: number
  alloc: number
  /** pages */
  mem: number
}

export interface Sockstat {
  tcp: SockstatTcp | null
  socketsUsed: number | null
  /** Every "Label: name value ..." line as read, e.g. sections.TCP.tw, sections.FRAG.memory. */
  sections: Record<string, Record<string, number>>
}

const TCP_FIELDS = ['inuse', 'orphan', 'tw', 'alloc', 'mem'] as const

export function parseSockstat(text: string, file: string): ParseResult<Sockstat> {
  const errors: ParseError[] = []
  // Null prototypes: labels and names come from the input ("constructor", "__proto__").
  const sections: Record<string, Record<string, number>> = Object.create(null) as Record<string, Record<string, number>>
  const lines = labelledLines(text, file, errors)
  const binary = errors.some((e) => e.kind === 'io')
  let lastLine = 0
  for (const l of lines) {
    lastLine = l.line
    const section: Record<string, number> = sections[l.label] ?? (sections[l.label] = Object.create(null) as Record<string, number>)
    const f = l.fields
    for (let i = 0; i < f.length; i += 2) {
      const name = f[i]
      if (parseCounter(name.text) !== null) {
        errors.push(new ParseError('syntax', {file, line: l.line, col: name.col}, `expected a field name, found the number ${short(name.text)}`))
        continue
      }
      const val = f[i + 1]
      if (val === undefined) {
        errors.push(new ParseError('syntax', {file, line: l.line, col: name.col}, `"${short(name.text)}" has no value (truncated line?)`))
        break
      }
      const n = parseCounter(val.text)
      if (n === null) {
        errors.push(new ParseError('syntax', {file, line: l.line, col: val.col}, `value of "${short(name.text)}" is not a number: "${short(val.text)}"`))
        continue
      }
      section[name.text] = n
    }
  }
  if (text.length > 0) lastLine = Math.max(lastLine, text.split('\n').length)

  let tcp: SockstatTcp | null = null
  const t = sections.TCP
  if (binary) {
    // The io error says it all.
  } else if (t === undefined) {
    errors.push(new ParseError('syntax', {file, line: lastLine + 1, col: 1}, 'no "TCP:" line'))
  } else {
    const missing = TCP_FIELDS.filter((k) => t[k] === undefined)
    if (missing.length > 0) {
      const line = lines.find((l) => l.label === 'TCP')?.line ?? 1
      errors.push(new ParseError('syntax', {file, line, col: 1}, `"TCP:" line lacks ${missing.join(', ')}`))
    } else tcp = {inuse: t.inuse, orphan: t.orphan, tw: t.tw, alloc: t.alloc, mem: t.mem}
  }

  let socketsUsed: number | null = null
  if (!binary) {
    const s = lines.find((l) => l.label === 'sockets')
    if (sections.sockets?.used !== undefined) socketsUsed = sections.sockets.used
    else if (s === undefined) errors.push(new ParseError('syntax', {file, line: 1, col: 1}, 'no "sockets: used N" line'))
    else if (!errors.some((e) => e.line === s.line)) errors.push(new ParseError('syntax', {file, line: s.line, col: 1}, '"sockets:" line lacks used'))
  }
  return {value: {tcp, socketsUsed, sections}, errors: byPosition(errors)}
}
