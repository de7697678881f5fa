// Addresses as /proc/net/tcp and tcp6 print them. The kernel prints each 32-bit word of the
// address with %08X from the in-memory (network byte order) bytes read as a host integer, so
// the text depends on the host's byte order: 127.0.0.1 is "0100007F" on little-endian hosts
// (x86_64, arm64, ppc64le, riscv64) and "7F000001" on big-endian ones (s390x).

export type ByteOrder = 'le' | 'be'

/** Hex digit value by char code, -1 for anything that is not [0-9A-Fa-f]. */
export const HEX_VALUE: Int8Array = (() => {
  const t = new Int8Array(128).fill(-1)
  for (let i = 0; i < 10; i++) t[48 + i] = i
  for (let i = 0; i < 6; i++) {
    t[65 + i] = 10 + i
    t[97 + i] = 10 + i
  }
  return t
})()

/** The four bytes of one printed word, in address (network) order. */
function wordBytes(word: number, order: ByteOrder, out: number[], at: number): void {
  if (order === 'le') {
    out[at] = word & 0xff
    out[at + 1] = (word >>> 8) & 0xff
    out[at + 2] = (word >>> 16) & 0xff
    out[at + 3] = (word >>> 24) & 0xff
  } else {
    out[at] = (word >>> 24) & 0xff
    out[at + 1] = (word >>> 16) & 0xff
    out[at + 2] = (word >>> 8) & 0xff
    out[at + 3] = word & 0xff
  }
}

/** The printed form of the word holding bytes 00 00 ff ff (the v4-mapped marker, ::ffff:0:0/96). */
export function mappedMarker(order: ByteOrder): number {
  return order === 'le' ? 0xffff0000 | 0 : 0x0000ffff
}

function parseWord(hex: string, at: number): number {
  let v = 0
  for (let i = at; i < at + 8; i++) {
    const c = hex.charCodeAt(i)
    const d = c < 128 ? HEX_VALUE[c] : -1
    if (d < 0) return NaN
    v = (v << 4) | d
  }
  return v
}

function dotted(b: number[], at: number): string {
  return `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`
}

/** RFC 5952 text for 16 bytes: lowercase, no leading zeros, the longest run (>= 2) of zero groups as "::". */
export function formatIpv6Bytes(b: number[]): string {
  const groups: number[] = []
  for (let i = 0; i < 16; i += 2) groups.push((b[i] << 8) | b[i + 1])
  let bestStart = -1
  let bestLen = 0
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++
      continue
    }
    let j = i
    while (j < 8 && groups[j] === 0) j++
    // First of equally long runs wins (RFC 5952 section 4.2.3).
    if (j - i > bestLen) {
      bestStart = i
      bestLen = j - i
    }
    i = j
  }
  if (bestLen < 2) return groups.map((g) => g.toString(16)).join(':')
  const head = groups.slice(0, bestStart).map((g) => g.toString(16)).join(':')
  const tail = groups.slice(bestStart + bestLen).map((g) => g.toString(16)).join(':')
  return `${head}::${tail}`
}

/** "0100007F" → "127.0.0.1" (little-endian host). null when the text is not 8 hex digits. */
export function decodeIpv4Hex(hex: string, order: ByteOrder = 'le'): string | null {
  if (hex.length !== 8) return null
  const w = parseWord(hex, 0)
  if (Number.isNaN(w)) return null
  const b = [0, 0, 0, 0]
  wordBytes(w, order, b, 0)
  return dotted(b, 0)
}

/**
 * 32 hex digits → RFC 5952 text. IPv4-mapped addresses (::ffff:a.b.c.d) come back as plain
 * "a.b.c.d" because that is the peer a dual-stack socket really talks to; pass
 * {keepMapped: true} for the "::ffff:a.b.c.d" form. null when the text is not 32 hex digits.
 */
export function decodeIpv6Hex(hex: string, opts: {byteOrder?: ByteOrder; keepMapped?: boolean} = {}): string | null {
  if (hex.length !== 32) return null
  const order = opts.byteOrder ?? 'le'
  const b = new Array<number>(16).fill(0)
  for (let i = 0; i < 4; i++) {
    const w = parseWord(hex, i * 8)
    if (Number.isNaN(w)) return null
    wordBytes(w, order, b, i * 4)
  }
  if (isMappedBytes(b)) return opts.keepMapped ? `::ffff:${dotted(b, 12)}` : dotted(b, 12)
  return formatIpv6Bytes(b)
}

function isMappedBytes(b: number[]): boolean {
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false
  return b[10] === 0xff && b[11] === 0xff
}

/**
 * Interns addresses seen in /proc/net/tcp{,6} as small integer ids, so a scan of hundreds of
 * thousands of rows allocates nothing per row and decodes each distinct address once.
 * An IPv4 address and its v4-mapped IPv6 form get the same id: they are the same peer.
 */
export class AddressTable {
  readonly byteOrder: ByteOrder
  private readonly marker: number
  private mask: number
  /** slot → id + 1 (0 = empty) */
  private slots: Int32Array
  /** id → 4 printed words */
  private words: Int32Array
  private texts: Array<string | undefined> = []
  private n = 0

  constructor(byteOrder: ByteOrder = 'le') {
    this.byteOrder = byteOrder
    this.marker = mappedMarker(byteOrder)
    this.mask = 1023
    this.slots = new Int32Array(1024)
    this.words = new Int32Array(4 * 512)
  }

  get size(): number {
    return this.n
  }

  /** Id of an address printed as one word in /proc/net/tcp. */
  internV4(word: number): number {
    return this.intern(0, 0, this.marker, word)
  }

  /** Id of an address printed as four words in /proc/net/tcp6. */
  intern(w0: number, w1: number, w2: number, w3: number): number {
    let h = Math.imul(w0 ^ 0x9e3779b9, 0x85ebca6b)
    h = Math.imul(h ^ w1 ^ (h >>> 15), 0xc2b2ae35)
    h = Math.imul(h ^ w2 ^ (h >>> 13), 0x27d4eb2f)
    h = Math.imul(h ^ w3 ^ (h >>> 16), 0x165667b1)
    h ^= h >>> 15
    let s = h & this.mask
    const words = this.words
    for (;;) {
      const e = this.slots[s]
      if (e === 0) break
      const k = (e - 1) * 4
      if (words[k] === w0 && words[k + 1] === w1 && words[k + 2] === w2 && words[k + 3] === w3) return e - 1
      s = (s + 1) & this.mask
    }
    const id = this.n++
    if (id * 4 + 4 > this.words.length) {
      const grown = new Int32Array(this.words.length * 2)
      grown.set(this.words)
      this.words = grown
    }
    const k = id * 4
    this.words[k] = w0
    this.words[k + 1] = w1
    this.words[k + 2] = w2
    this.words[k + 3] = w3
    this.slots[s] = id + 1
    // Keep the load factor under one half so probes stay short.
    if (this.n * 2 > this.mask) this.rehash()
    return id
  }

  private rehash(): void {
    const size = (this.mask + 1) * 2
    const slots = new Int32Array(size)
    const mask = size - 1
    const old = this.slots
    this.mask = mask
    this.slots = slots
    for (let i = 0; i < old.length; i++) {
      const e = old[i]
      if (e === 0) continue
      const k = (e - 1) * 4
      const w = this.words
      let h = Math.imul(w[k] ^ 0x9e3779b9, 0x85ebca6b)
      h = Math.imul(h ^ w[k + 1] ^ (h >>> 15), 0xc2b2ae35)
      h = Math.imul(h ^ w[k + 2] ^ (h >>> 13), 0x27d4eb2f)
      h = Math.imul(h ^ w[k + 3] ^ (h >>> 16), 0x165667b1)
      h ^= h >>> 15
      let s = h & mask
      while (slots[s] !== 0) s = (s + 1) & mask
      slots[s] = e
    }
  }

  private bytes(id: number): number[] {
    const b = new Array<number>(16).fill(0)
    for (let i = 0; i < 4; i++) wordBytes(this.words[id * 4 + i], this.byteOrder, b, i * 4)
    return b
  }

  /** IPv4 (or v4-mapped) address. */
  isV4(id: number): boolean {
    const k = id * 4
    return this.words[k] === 0 && this.words[k + 1] === 0 && this.words[k + 2] === this.marker
  }

  /** 0.0.0.0 or :: — what a wildcard listener is bound to. */
  isUnspecified(id: number): boolean {
    const k = id * 4
    const w = this.words
    if (w[k] !== 0 || w[k + 1] !== 0 || w[k + 3] !== 0) return false
    return w[k + 2] === 0 || w[k + 2] === this.marker
  }

  /** 127.0.0.0/8 or ::1. */
  isLoopback(id: number): boolean {
    const b = this.bytes(id)
    if (this.isV4(id)) return b[12] === 127
    for (let i = 0; i < 15; i++) if (b[i] !== 0) return false
    return b[15] === 1
  }

  /** Orders two ids by address value (network byte order), as sort() wants. */
  compare(a: number, b: number): number {
    if (a === b) return 0
    const w = this.words
    for (let i = 0; i < 4; i++) {
      let x = w[a * 4 + i]
      let y = w[b * 4 + i]
      if (x === y) continue
      if (this.byteOrder === 'le') {
        x = ((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24)
        y = ((y & 0xff) << 24) | ((y & 0xff00) << 8) | ((y >>> 8) & 0xff00) | (y >>> 24)
      }
      return (x >>> 0) - (y >>> 0)
    }
    return 0
  }

  /** Address text: dotted quad for IPv4 and v4-mapped, RFC 5952 otherwise. */
  text(id: number): string {
    let t = this.texts[id]
    if (t === undefined) {
      const b = this.bytes(id)
      t = this.isV4(id) ? dotted(b, 12) : formatIpv6Bytes(b)
      this.texts[id] = t
    }
    return t
  }

  /** "ip:port" with IPv6 in brackets. */
  endpoint(id: number, port: number): string {
    return this.isV4(id) ? `${this.text(id)}:${port}` : `[${this.text(id)}]:${port}`
  }
}
