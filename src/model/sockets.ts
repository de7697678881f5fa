// What a host's TCP sockets say about who closes first and which destinations eat ephemeral
// ports, from /proc/net/tcp and /proc/net/tcp6 text.
//
// Server side vs outbound: a socket is this host's server side when a listener in the same
// file (tcp or tcp6) holds its local port on the wildcard address or on its local address.
// Sockets accepted by an AF_INET6 listener are AF_INET6 sockets and are listed in tcp6 (with
// v4-mapped addresses when the peer is IPv4), so an [::] listener accepting IPv4 is covered by
// matching within tcp6; a 0.0.0.0 listener never accepts a tcp6 socket. Everything else is
// outbound: this host is the client.
import {ParseError, type ParseResult} from '../parsers/types.js'
import type {ByteOrder} from '../parsers/proc/address.js'
import {AddressTable} from '../parsers/proc/address.js'
import {scanProcNetTcp, TCP_TIMER_KEEPALIVE} from '../parsers/proc/tcp.js'
import {append} from '../append.js'

export type TcpStateName =
  | 'ESTABLISHED'
  | 'SYN_SENT'
  | 'SYN_RECV'
  | 'FIN_WAIT1'
  | 'FIN_WAIT2'
  | 'TIME_WAIT'
  | 'CLOSE'
  | 'CLOSE_WAIT'
  | 'LAST_ACK'
  | 'LISTEN'
  | 'CLOSING'

/** available = high-low+1 minus ip_local_reserved_ports inside the range */
export interface PortRange {
  low: number
  high: number
  available: number
}

export interface ListenPortCounts {
  port: number
  established: number
  timeWait: number
  closeWait: number
  synRecv: number
  other: number
}

export interface Destination {
  /** Local IP */
  local: string
  /** "ip:port", IPv6 bracketed */
  remote: string
  ip: string
  port: number
  /** The remote IP is 127.0.0.0/8 or ::1 */
  loopback: boolean
  established: number
  timeWait: number
  other: number
  total: number
  /** total / range.available: how much of the ephemeral range this tuple holds */
  share: number
}

export interface CloseWaitGroup {
  kind: 'listener' | 'outbound'
  port: number | null
  remote: string | null
  count: number
}

export interface SocketSummary {
  /** false when no tcp/tcp6 text was available */
  observed: boolean
  total: number
  states: Record<TcpStateName, number>
  /** from LISTEN rows, sorted by port */
  listeners: Array<{port: number; addresses: string[]}>
  timeWait: {total: number; server: number; client: number}
  listenPorts: ListenPortCounts[]
  destinations: Destination[]
  closeWait: CloseWaitGroup[]
  /** how many destination groups were dropped past the cap */
  truncated: {destinations: number}
  /** Sockets whose keepalive timer runs ("tr" 2 in /proc/net/tcp): they enabled SO_KEEPALIVE. */
  keepaliveTimers: number
}

export interface SummarizeInput {
  tcp?: string
  tcp6?: string
  /** Names used in errors; default /proc/net/tcp and /proc/net/tcp6. */
  files?: {tcp: string; tcp6: string}
}

export interface SummarizeOptions {
  /** Destination groups kept, largest first. Default 100. */
  maxDestinations?: number
  /** Byte order of the host the text came from. Default 'le' (x86_64, arm64, ppc64le). */
  byteOrder?: ByteOrder
}

// Kernel state numbers (include/net/tcp_states.h).
const ESTABLISHED = 1
const SYN_SENT = 2
const SYN_RECV = 3
const FIN_WAIT1 = 4
const FIN_WAIT2 = 5
const TIME_WAIT = 6
const CLOSE = 7
const CLOSE_WAIT = 8
const LAST_ACK = 9
const LISTEN = 10
const CLOSING = 11
const NEW_SYN_RECV = 12

const STATE_KEYS: Array<[TcpStateName, number]> = [
  ['ESTABLISHED', ESTABLISHED],
  ['SYN_SENT', SYN_SENT],
  ['SYN_RECV', SYN_RECV],
  ['FIN_WAIT1', FIN_WAIT1],
  ['FIN_WAIT2', FIN_WAIT2],
  ['TIME_WAIT', TIME_WAIT],
  ['CLOSE', CLOSE],
  ['CLOSE_WAIT', CLOSE_WAIT],
  ['LAST_ACK', LAST_ACK],
  ['LISTEN', LISTEN],
  ['CLOSING', CLOSING],
]

/** Outbound states in which the socket still holds its local port toward the remote. */
const HOLDS_PORT: Uint8Array = (() => {
  const t = new Uint8Array(16)
  for (const s of [ESTABLISHED, SYN_SENT, FIN_WAIT1, FIN_WAIT2, TIME_WAIT, CLOSING, LAST_ACK, CLOSE_WAIT]) t[s] = 1
  return t
})()

const HAS_LISTENER = 1
const HAS_WILDCARD = 2

/** Rows kept in parallel typed arrays: one scan, then classification once all listeners are known. */
class RowStore {
  n = 0
  state: Uint8Array
  fam: Uint8Array
  local: Int32Array
  lport: Uint16Array
  remote: Int32Array
  rport: Uint16Array

  constructor(capacity: number) {
    const c = Math.max(16, capacity)
    this.state = new Uint8Array(c)
    this.fam = new Uint8Array(c)
    this.local = new Int32Array(c)
    this.lport = new Uint16Array(c)
    this.remote = new Int32Array(c)
    this.rport = new Uint16Array(c)
  }

  grow(): void {
    const c = this.state.length * 2
    const g = <T extends Uint8Array | Uint16Array | Int32Array>(a: T, make: (n: number) => T): T => {
      const b = make(c)
      b.set(a)
      return b
    }
    this.state = g(this.state, (n) => new Uint8Array(n))
    this.fam = g(this.fam, (n) => new Uint8Array(n))
    this.local = g(this.local, (n) => new Int32Array(n))
    this.lport = g(this.lport, (n) => new Uint16Array(n))
    this.remote = g(this.remote, (n) => new Int32Array(n))
    this.rport = g(this.rport, (n) => new Uint16Array(n))
  }
}

function emptyStates(): Record<TcpStateName, number> {
  const s = {} as Record<TcpStateName, number>
  for (const [name] of STATE_KEYS) s[name] = 0
  return s
}

/**
 * Parses a range as printed by /proc/sys/net/ipv4/ip_local_port_range ("32768\t60999") and
 * the ports of ip_local_reserved_ports ("8080,9000-9100") that fall inside it. null when the
 * range text is not two port numbers.
 */
export function parsePortRange(rangeText: string, reservedText = ''): PortRange | null {
  const m = /^\s*(\d{1,5})\s+(\d{1,5})\s*$/.exec(rangeText)
  if (!m) return null
  const low = Number(m[1])
  const high = Number(m[2])
  if (low > 65535 || high > 65535) return null
  return makePortRange(low, high, reservedText)
}

/** A PortRange with ip_local_reserved_ports ("8080,9000-9100") taken out of `available`. */
export function makePortRange(low: number, high: number, reservedText = ''): PortRange {
  if (high < low) return {low, high, available: 0}
  const reserved = new Uint8Array(high - low + 1)
  for (const part of reservedText.split(',')) {
    const m = /^\s*(\d{1,5})(?:\s*-\s*(\d{1,5}))?\s*$/.exec(part)
    if (!m) continue
    const a = Number(m[1])
    const b = m[2] === undefined ? a : Number(m[2])
    for (let p = Math.max(a, low); p <= Math.min(b, high); p++) reserved[p - low] = 1
  }
  let taken = 0
  for (const r of reserved) taken += r
  return {low, high, available: high - low + 1 - taken}
}

export function summarizeSockets(input: SummarizeInput, range: PortRange, opts: SummarizeOptions = {}): ParseResult<SocketSummary> {
  const maxDestinations = Math.max(0, opts.maxDestinations ?? 100)
  const files = input.files ?? {tcp: '/proc/net/tcp', tcp6: '/proc/net/tcp6'}
  const table = new AddressTable(opts.byteOrder ?? 'le')
  const errors: ParseError[] = []
  const observed = input.tcp !== undefined || input.tcp6 !== undefined

  // Rows are ~150 characters; sizing from the text avoids regrowing on big hosts.
  const rows = new RowStore(Math.ceil(((input.tcp?.length ?? 0) + (input.tcp6?.length ?? 0)) / 120))
  let fam = 4
  let keepaliveTimers = 0
  const onRow = (state: number, l: number, lp: number, r: number, rp: number, timer: number): void => {
    if (timer === TCP_TIMER_KEEPALIVE) keepaliveTimers++
    if (rows.n === rows.state.length) rows.grow()
    const i = rows.n++
    rows.state[i] = state === NEW_SYN_RECV ? SYN_RECV : state
    rows.fam[i] = fam
    rows.local[i] = l
    rows.lport[i] = lp
    rows.remote[i] = r
    rows.rport[i] = rp
  }
  if (input.tcp !== undefined) {
    fam = 4
    append(errors, scanProcNetTcp(input.tcp, files.tcp, 4, onRow, {table}))
  }
  if (input.tcp6 !== undefined) {
    fam = 6
    append(errors, scanProcNetTcp(input.tcp6, files.tcp6, 6, onRow, {table}))
  }

  const n = rows.n
  const {state, local, lport, remote, rport} = rows
  const famOf = rows.fam
  const stateCount = new Int32Array(16)

  // Listeners: flags per (family, port); specific addresses per (family, port).
  const listen4 = new Uint8Array(65536)
  const listen6 = new Uint8Array(65536)
  // A Set: a host may listen on one port at thousands of addresses, and every connection asks.
  const specific = new Map<number, Set<number>>()
  const listenerAddrs = new Map<number, Set<number>>()
  for (let i = 0; i < n; i++) {
    const st = state[i]
    stateCount[st]++
    if (st !== LISTEN) continue
    const port = lport[i]
    const flags = famOf[i] === 4 ? listen4 : listen6
    flags[port] |= HAS_LISTENER
    const id = local[i]
    if (table.isUnspecified(id)) flags[port] |= HAS_WILDCARD
    else {
      const key = famOf[i] * 65536 + port
      const ids = specific.get(key)
      if (ids === undefined) specific.set(key, new Set([id]))
      else ids.add(id)
    }
    let set = listenerAddrs.get(port)
    if (set === undefined) listenerAddrs.set(port, (set = new Set()))
    set.add(id)
  }

  // Per listening port: server-side counts by state.
  const lpEst = new Int32Array(65536)
  const lpTw = new Int32Array(65536)
  const lpCw = new Int32Array(65536)
  const lpSyn = new Int32Array(65536)
  const lpOther = new Int32Array(65536)
  let twServer = 0
  let twClient = 0
  const closeWaitOut = new Map<string, number>()

  const groups = new GroupTable()

  for (let i = 0; i < n; i++) {
    const st = state[i]
    if (st === LISTEN) continue
    const port = lport[i]
    const flags = (famOf[i] === 4 ? listen4 : listen6)[port]
    let server = false
    if (flags & HAS_LISTENER) {
      if (flags & HAS_WILDCARD) server = true
      else {
        server = specific.get(famOf[i] * 65536 + port)?.has(local[i]) === true
      }
    }
    if (server) {
      if (st === ESTABLISHED) lpEst[port]++
      else if (st === TIME_WAIT) {
        lpTw[port]++
        twServer++
      } else if (st === CLOSE_WAIT) lpCw[port]++
      else if (st === SYN_RECV) lpSyn[port]++
      else lpOther[port]++
      continue
    }
    if (st === TIME_WAIT) twClient++
    if (st === CLOSE_WAIT) {
      const ep = table.endpoint(remote[i], rport[i])
      closeWaitOut.set(ep, (closeWaitOut.get(ep) ?? 0) + 1)
    }
    // A closed or unconnected socket (remote port 0) holds no destination tuple.
    if (HOLDS_PORT[st] === 0 || rport[i] === 0) continue
    const g = groups.index(local[i], remote[i], rport[i])
    if (st === ESTABLISHED) groups.est[g]++
    else if (st === TIME_WAIT) groups.tw[g]++
    else groups.other[g]++
  }

  const states = emptyStates()
  for (const [name, num] of STATE_KEYS) states[name] = stateCount[num]

  const listenerPorts = [...listenerAddrs.keys()].sort((a, b) => a - b)
  const listeners = listenerPorts.map((port) => ({
    port,
    addresses: [...(listenerAddrs.get(port) ?? [])].map((id) => table.text(id)).sort(compareAddressText),
  }))
  const listenPorts: ListenPortCounts[] = listenerPorts.map((port) => ({
    port,
    established: lpEst[port],
    timeWait: lpTw[port],
    closeWait: lpCw[port],
    synRecv: lpSyn[port],
    other: lpOther[port],
  }))

  // Largest first; ties by remote address, remote port, local address (numeric, so a host
  // with hundreds of thousands of destinations sorts without building their texts).
  const order = Array.from({length: groups.size}, (_, i) => i)
  const totals = new Int32Array(groups.size)
  for (let i = 0; i < groups.size; i++) totals[i] = groups.est[i] + groups.tw[i] + groups.other[i]
  const {local: gLocal, remote: gRemote, port: gPort, est: gEst, tw: gTw, other: gOther} = groups
  order.sort(
    (a, b) =>
      totals[b] - totals[a] ||
      table.compare(gRemote[a], gRemote[b]) ||
      gPort[a] - gPort[b] ||
      table.compare(gLocal[a], gLocal[b]),
  )
  const kept = order.slice(0, maxDestinations)
  const available = range.available
  const destinations: Destination[] = kept.map((i) => {
    const total = totals[i]
    return {
      local: table.text(gLocal[i]),
      remote: table.endpoint(gRemote[i], gPort[i]),
      ip: table.text(gRemote[i]),
      port: gPort[i],
      loopback: table.isLoopback(gRemote[i]),
      established: gEst[i],
      timeWait: gTw[i],
      other: gOther[i],
      total,
      // With no usable ports at all, any holder has taken all of them.
      share: available > 0 ? total / available : total > 0 ? 1 : 0,
    }
  })

  const closeWait: CloseWaitGroup[] = []
  for (const port of listenerPorts) {
    if (lpCw[port] > 0) closeWait.push({kind: 'listener', port, remote: null, count: lpCw[port]})
  }
  for (const [remoteEp, count] of closeWaitOut) closeWait.push({kind: 'outbound', port: null, remote: remoteEp, count})
  closeWait.sort(
    (a, b) =>
      b.count - a.count ||
      (a.kind === b.kind ? 0 : a.kind === 'listener' ? -1 : 1) ||
      (a.port ?? 0) - (b.port ?? 0) ||
      compareStrings(a.remote ?? '', b.remote ?? ''),
  )

  return {
    value: {
      observed,
      total: n,
      states,
      listeners,
      timeWait: {total: stateCount[TIME_WAIT], server: twServer, client: twClient},
      listenPorts,
      destinations,
      closeWait,
      truncated: {destinations: order.length - kept.length},
      keepaliveTimers,
    },
    errors,
  }
}

/**
 * Outbound groups keyed by (local id, remote id, remote port) in an open-addressing table over
 * typed arrays: a host with hundreds of thousands of destinations costs no per-row allocation.
 */
class GroupTable {
  size = 0
  local: Int32Array = new Int32Array(256)
  remote: Int32Array = new Int32Array(256)
  port: Int32Array = new Int32Array(256)
  est: Int32Array = new Int32Array(256)
  tw: Int32Array = new Int32Array(256)
  other: Int32Array = new Int32Array(256)
  private slots: Int32Array = new Int32Array(1024)
  private mask = 1023

  private static hash(l: number, r: number, p: number): number {
    let h = Math.imul(l ^ 0x9e3779b9, 0x85ebca6b)
    h = Math.imul(h ^ r ^ (h >>> 15), 0xc2b2ae35)
    h = Math.imul(h ^ p ^ (h >>> 13), 0x27d4eb2f)
    return h ^ (h >>> 16)
  }

  index(l: number, r: number, p: number): number {
    let s = GroupTable.hash(l, r, p) & this.mask
    for (;;) {
      const e = this.slots[s]
      if (e === 0) break
      const g = e - 1
      if (this.local[g] === l && this.remote[g] === r && this.port[g] === p) return g
      s = (s + 1) & this.mask
    }
    const g = this.size++
    if (g === this.local.length) this.grow()
    this.local[g] = l
    this.remote[g] = r
    this.port[g] = p
    this.slots[s] = g + 1
    if (this.size * 2 > this.mask) this.rehash()
    return g
  }

  private grow(): void {
    const c = this.local.length * 2
    const g = (a: Int32Array): Int32Array => {
      const b = new Int32Array(c)
      b.set(a)
      return b
    }
    this.local = g(this.local)
    this.remote = g(this.remote)
    this.port = g(this.port)
    this.est = g(this.est)
    this.tw = g(this.tw)
    this.other = g(this.other)
  }

  private rehash(): void {
    const size = (this.mask + 1) * 2
    this.mask = size - 1
    this.slots = new Int32Array(size)
    for (let g = 0; g < this.size; g++) {
      let s = GroupTable.hash(this.local[g], this.remote[g], this.port[g]) & this.mask
      while (this.slots[s] !== 0) s = (s + 1) & this.mask
      this.slots[s] = g + 1
    }
  }
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** IPv4 before IPv6, then by text: stable, readable listener address lists. */
function compareAddressText(a: string, b: string): number {
  const av6 = a.includes(':')
  const bv6 = b.includes(':')
  if (av6 !== bv6) return av6 ? 1 : -1
  return compareStrings(a, b)
}
