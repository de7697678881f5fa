// /proc/net/netstat and /proc/net/snmp (net/ipv4/proc.c): sections as pairs of lines,
//   TcpExt: SyncookiesSent SyncookiesRecv ... TW TWRecycled ...
//   TcpExt: 0 0 ... 10 0 ...
// (also IpExt, MPTcpExt in netstat; Ip, Icmp, IcmpMsg, Tcp, Udp, UdpLite in snmp). Values are
// counters printed as u64 (or signed, like Tcp MaxConn -1); above 2^53 they are kept as the
// nearest double, which is fine for the thresholds rules use.
import {ParseError, type ParseResult} from '../types.js'
import {byPosition, labelledLines, parseCounter, short, type LabelledLine} from './fields.js'

export type Counters = Record<string, Record<string, number>>

export function parseNetstat(text: string, file: string): ParseResult<Counters> {
  const errors: ParseError[] = []
  // Null prototypes: labels and names come from the input ("constructor", "__proto__").
  const value: Counters = Object.create(null) as Counters
  const lines = labelledLines(text, file, errors)
  let header: LabelledLine | null = null

  const headerWithoutValues = (h: LabelledLine): void => {
    errors.push(new ParseError('syntax', {file, line: h.line, col: h.labelCol}, `"${h.label}:" names have no values line after them`))
  }
  const isValuesLine = (l: LabelledLine): boolean => l.fields.length > 0 && l.fields.every((f) => parseCounter(f.text) !== null)

  for (const l of lines) {
    if (header !== null && header.label === l.label) {
      pair(header, l, value, file, errors)
      header = null
      continue
    }
    if (header !== null) headerWithoutValues(header)
    header = null
    if (isValuesLine(l)) {
      errors.push(new ParseError('syntax', {file, line: l.line, col: l.labelCol}, `"${l.label}:" values without a names line before them`))
      continue
    }
    header = l
  }
  if (header !== null) headerWithoutValues(header)
  return {value, errors: byPosition(errors)}
}

function pair(names: LabelledLine, values: LabelledLine, out: Counters, file: string, errors: ParseError[]): void {
  const section: Record<string, number> = out[names.label] ?? (out[names.label] = Object.create(null) as Record<string, number>)
  const n = Math.min(names.fields.length, values.fields.length)
  if (names.fields.length !== values.fields.length) {
    // Point at the first extra value, or just past the last value when values are short.
    const extra = values.fields[n]
    const last = values.fields[values.fields.length - 1]
    const col = extra ? extra.col : last ? last.col + last.text.length : values.labelCol + values.label.length + 1
    errors.push(
      new ParseError(
        'syntax',
        {file, line: values.line, col},
        `"${names.label}:" has ${names.fields.length} names but ${values.fields.length} values; the first ${n} are used`,
      ),
    )
  }
  for (let i = 0; i < n; i++) {
    const v = parseCounter(values.fields[i].text)
    if (v === null) {
      errors.push(
        new ParseError('syntax', {file, line: values.line, col: values.fields[i].col}, `value of ${names.label} ${short(names.fields[i].text)} is not a number: "${short(values.fields[i].text)}"`),
      )
      continue
    }
    section[names.fields[i].text] = v
  }
}
