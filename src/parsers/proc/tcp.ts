// /proc/net/tcp and /proc/net/tcp6, scanned in place.
//
// Row shapes (net/ipv4/tcp_ipv4.c, net/ipv6/tcp_ipv6.c):
//   full socket     sl: local rem st tx:rx tr:when retrnsmt uid timeout inode refcnt ptr rto ato qack cwnd ssthresh
//   request socket  sl: local rem 03 00000000:00000000 01:when retrans uid 0 0 0 ptr      (NEW_SYN_RECV printed as 03)
//   timewait sock   sl: local rem st 00000000:00000000 03:when 00000000 0 0 0 refcnt ptr  (st = 06, or 05 for a
//                                                                                            FIN_WAIT2 minisocket)
// Every shape has at least 12 whitespace-separated fields; tcp rows are space-padded to 149
// characters, tcp6 rows are not. A busy host has hundreds of thousands of rows, so this scans
// characters in place: no split, no regex, no object per row. Addresses are handed out as ids
// of an AddressTable, decoded to text once per distinct address.
import {ParseError} from '../types.js'
import {AddressTable, HEX_VALUE} from './address.js'

export const TCP_STATE_NAMES: readonly string[] = [
  '',
  'ESTABLISHED',
  'SYN_SENT',
  'SYN_RECV',
  'FIN_WAIT1',
  'FIN_WAIT2',
  'TIME_WAIT',
  'CLOSE',
  'CLOSE_WAIT',
  'LAST_ACK',
  'LISTEN',
  'CLOSING',
  'NEW_SYN_RECV',
]

/** Highest state number a row may carry (TCP_NEW_SYN_RECV). */
export const TCP_MAX_STATE = 12

/** Fields every row shape has (see the table above). */
const MIN_FIELDS = 12

/**
 * Called once per row. Addresses are ids in the scan's AddressTable; the state is the raw
 * kernel number (1..12, see TCP_STATE_NAMES).
 */
export type TcpRowHandler = (state: number, localAddr: number, localPort: number, remoteAddr: number, remotePort: number, timer: number) => void

/** The "tr" field (timer active): 0 none, 1 retransmit/probe, 2 keepalive (SO_KEEPALIVE on), 3 TIME_WAIT, 4 zero-window probe (proc_net_tcp.rst). */
export const TCP_TIMER_KEEPALIVE = 2

export interface TcpScanOptions {
  /** Shared by the tcp and tcp6 scans of one host so equal addresses get equal ids. */
  table?: AddressTable
  /** Stop after this many rows (a 'limit' error says so). Default 5 000 000. */
  maxRows?: number
  /** Errors kept before the rest are only counted. Default 100. */
  maxErrors?: number
}

export interface TcpScanResult {
  errors: ParseError[]
  rows: number
  table: AddressTable
}

const SPACE = 32
const TAB = 9
const CR = 13
const COLON = 58

function isBlank(c: number): boolean {
  return c === SPACE || c === TAB || c === CR
}

/** Scan /proc/net/tcp (family 4) or /proc/net/tcp6 (family 6) text; returns its errors. */
export function scanProcNetTcp(
  text: string,
  file: string,
  family: 4 | 6,
  onRow: TcpRowHandler,
  opts: TcpScanOptions = {},
): ParseError[] {
  return scanProcNetTcpDetailed(text, file, family, onRow, opts).errors
}

/** scanProcNetTcp, also returning the row count and the address table used. */
export function scanProcNetTcpDetailed(
  text: string,
  file: string,
  family: 4 | 6,
  onRow: TcpRowHandler,
  opts: TcpScanOptions = {},
): TcpScanResult {
  const table = opts.table ?? new AddressTable()
  const maxRows = opts.maxRows ?? 5_000_000
  const maxErrors = opts.maxErrors ?? 100
  const errors: ParseError[] = []
  let dropped = 0
  const fail = (line: number, col: number, message: string): void => {
    if (errors.length < maxErrors) errors.push(new ParseError('syntax', {file, line, col}, message))
    else dropped++
  }

  if (text.indexOf('\0') !== -1) {
    errors.push(new ParseError('io', {file, line: 1, col: 1}, 'binary file'))
    return {errors, rows: 0, table}
  }
  if (text.trim() === '') {
    errors.push(new ParseError('syntax', {file, line: 1, col: 1}, 'empty file (expected the "sl local_address" header line)'))
    return {errors, rows: 0, table}
  }

  const words = family === 4 ? 1 : 4
  const len = text.length
  const hex = HEX_VALUE
  let rows = 0
  let line = 0
  let pos = 0
  let seenContent = false
  // Scratch for the 4 words of an IPv6 address; reused for every row.
  const w = new Int32Array(4)

  // Parses "<hex words>:<4 hex port>" at p; returns the position after it, or -1.
  // The address id lands in addrOut[0], the port in addrOut[1].
  const addrOut = new Int32Array(2)
  const readEndpoint = (p: number, end: number): number => {
    for (let k = 0; k < words; k++) {
      let v = 0
      if (p + 8 > end) return -1
      for (let i = 0; i < 8; i++) {
        const c = text.charCodeAt(p + i)
        const d = c < 128 ? hex[c] : -1
        if (d < 0) return -1
        v = (v << 4) | d
      }
      w[k] = v
      p += 8
    }
    if (p >= end || text.charCodeAt(p) !== COLON) return -1
    p++
    if (p + 4 > end) return -1
    let port = 0
    for (let i = 0; i < 4; i++) {
      const c = text.charCodeAt(p + i)
      const d = c < 128 ? hex[c] : -1
      if (d < 0) return -1
      port = (port << 4) | d
    }
    p += 4
    addrOut[0] = words === 1 ? table.internV4(w[0]) : table.intern(w[0], w[1], w[2], w[3])
    addrOut[1] = port
    return p
  }

  while (pos < len) {
    line++
    let end = text.indexOf('\n', pos)
    if (end === -1) end = len
    const start = pos
    pos = end + 1

    let p = start
    while (p < end && isBlank(text.charCodeAt(p))) p++
    if (p === end) continue
    const first = text.charCodeAt(p)
    if (first < 48 || first > 57) {
      // The header ("  sl  local_address ...") is the only non-row line a real file has.
      const header = !seenContent && text.startsWith('sl', p)
      seenContent = true
      if (!header) fail(line, p - start + 1, 'not a socket row (expected "<n>: <local address>:<port> ...")')
      continue
    }
    seenContent = true
    if (rows >= maxRows) {
      errors.push(new ParseError('limit', {file, line, col: 1}, `more than ${maxRows} rows; the rest was not read`))
      break
    }

    // sl
    while (p < end) {
      const c = text.charCodeAt(p)
      if (c < 48 || c > 57) break
      p++
    }
    if (p >= end || text.charCodeAt(p) !== COLON) {
      fail(line, p - start + 1, 'expected ":" after the row number')
      continue
    }
    p++
    if (p >= end || !isBlank(text.charCodeAt(p))) {
      fail(line, p - start + 1, 'expected a space after the row number')
      continue
    }
    while (p < end && isBlank(text.charCodeAt(p))) p++

    // local address
    let q = readEndpoint(p, end)
    if (q < 0) {
      fail(line, p - start + 1, `expected the local address as ${words * 8} hex digits, ":", 4 hex digits of port`)
      continue
    }
    const localAddr = addrOut[0]
    const localPort = addrOut[1]
    p = q
    if (p >= end || !isBlank(text.charCodeAt(p))) {
      fail(line, p - start + 1, 'expected a space after the local address')
      continue
    }
    while (p < end && isBlank(text.charCodeAt(p))) p++

    // remote address
    q = readEndpoint(p, end)
    if (q < 0) {
      fail(line, p - start + 1, `expected the remote address as ${words * 8} hex digits, ":", 4 hex digits of port`)
      continue
    }
    const remoteAddr = addrOut[0]
    const remotePort = addrOut[1]
    p = q
    if (p >= end || !isBlank(text.charCodeAt(p))) {
      fail(line, p - start + 1, 'expected a space after the remote address')
      continue
    }
    while (p < end && isBlank(text.charCodeAt(p))) p++

    // st: exactly two hex digits
    const stAt = p
    const c1 = p < end ? text.charCodeAt(p) : 0
    const c2 = p + 1 < end ? text.charCodeAt(p + 1) : 0
    const d1 = c1 < 128 ? hex[c1] : -1
    const d2 = c2 < 128 ? hex[c2] : -1
    p += 2
    if (d1 < 0 || d2 < 0 || (p < end && !isBlank(text.charCodeAt(p)))) {
      fail(line, stAt - start + 1, 'expected the state as 2 hex digits')
      continue
    }
    const state = (d1 << 4) | d2
    if (state < 1 || state > TCP_MAX_STATE) {
      fail(line, stAt - start + 1, `unknown TCP state 0x${text.slice(stAt, stAt + 2)}`)
      continue
    }

    // Only the timer ("tr" of field 6, tr:when) is needed from the rest, but a row cut short
    // means the file was truncated.
    let fields = 4
    let inField = false
    let timer = -1
    for (let r = p; r < end && fields < MIN_FIELDS; r++) {
      const blank = isBlank(text.charCodeAt(r))
      if (!blank && !inField) {
        fields++
        if (fields === 6) {
          const t1 = text.charCodeAt(r)
          const t2 = r + 1 < end ? text.charCodeAt(r + 1) : 0
          const h1 = t1 < 128 ? hex[t1] : -1
          const h2 = t2 < 128 ? hex[t2] : -1
          if (h1 >= 0 && h2 >= 0) timer = (h1 << 4) | h2
        }
      }
      inField = !blank
    }
    if (fields < MIN_FIELDS) fail(line, end - start + 1, `truncated row: ${fields} of at least ${MIN_FIELDS} fields`)

    rows++
    onRow(state, localAddr, localPort, remoteAddr, remotePort, timer)
  }

  if (dropped > 0) {
    errors.push(new ParseError('limit', {file, line: errors[errors.length - 1].line, col: 1}, `${dropped} more errors not shown`))
  }
  return {errors, rows, table}
}
