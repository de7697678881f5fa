// Builds /proc/net/tcp{,6} text the way the kernel prints it (tcp4_seq_show / tcp6_seq_show),
// for tests: full sockets, TIME_WAIT minisockets and request sockets, little- or big-endian.
import {isIP} from 'node:net'

export type Order = 'le' | 'be'

const hex = (n: number, width: number): string => (n >>> 0).toString(16).toUpperCase().padStart(width, '0')

function v4Bytes(ip: string): number[] {
  return ip.split('.').map(Number)
}

function v6Bytes(ip: string): number[] {
  if (isIP(ip) === 4) return [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...v4Bytes(ip)]
  let text = ip
  const tail: number[] = []
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)
  if (dotted) {
    tail.push(...v4Bytes(dotted[1]))
    text = text.slice(0, -dotted[1].length) + '0:0'
  }
  const [head, rest] = text.includes('::') ? text.split('::') : [text, undefined]
  const h = head ? head.split(':') : []
  const r = rest !== undefined && rest !== '' ? rest.split(':') : []
  const groups = rest === undefined ? h : [...h, ...new Array(8 - h.length - r.length).fill('0'), ...r]
  const bytes: number[] = []
  for (const g of groups) {
    const v = parseInt(g, 16)
    bytes.push(v >> 8, v & 0xff)
  }
  if (tail.length) bytes.splice(12, 4, ...tail)
  return bytes
}

function word(b: number[], at: number, order: Order): string {
  const v = order === 'le' ? b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24) : (b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]
  return hex(v, 8)
}

export function hex4(ip: string, order: Order = 'le'): string {
  return word(v4Bytes(ip), 0, order)
}

export function hex6(ip: string, order: Order = 'le'): string {
  const b = v6Bytes(ip)
  return word(b, 0, order) + word(b, 4, order) + word(b, 8, order) + word(b, 12, order)
}

export const HEADER4 = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode'.padEnd(149)
export const HEADER6 =
  '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode'

export interface RowSpec {
  local: string
  lport: number
  remote?: string
  rport?: number
  state: number
}

/** One row in the shape the kernel uses for that state (TIME_WAIT and request socks differ). */
export function row(family: 4 | 6, sl: number, r: RowSpec, order: Order = 'le'): string {
  const addr = (ip: string): string => (family === 4 ? hex4(ip, order) : hex6(ip, order))
  const remote = r.remote ?? (family === 4 ? '0.0.0.0' : '::')
  const head = `${String(sl).padStart(4)}: ${addr(r.local)}:${hex(r.lport, 4)} ${addr(remote)}:${hex(r.rport ?? 0, 4)} ${hex(r.state, 2)}`
  let line: string
  if (r.state === 6) line = `${head} 00000000:00000000 03:00001770 00000000     0        0 0 3 0000000000000000`
  else if (r.state === 3) line = `${head} 00000000:00000000 01:00000064 00000000     0        0 0 0 0000000000000000`
  else line = `${head} 00000000:00000000 00:00000000 00000000  1000        0 ${40000 + sl} 1 0000000000000000 20 4 30 10 -1`
  return family === 4 ? line.padEnd(149) : line
}

/** A whole file: header, rows, trailing newline. */
export function table(family: 4 | 6, rows: RowSpec[], order: Order = 'le'): string {
  const lines = [family === 4 ? HEADER4 : HEADER6, ...rows.map((r, i) => row(family, i, r, order))]
  return lines.join('\n') + '\n'
}
