// The one way conntune opens a file it was pointed at. Any path may be crafted: a FIFO
// blocks open() and read() forever, /dev/zero or /dev/urandom never end, a tty can become
// our controlling terminal. So: open O_NONBLOCK|O_NOCTTY (a FIFO opens at once, with no
// writer), fstat the descriptor itself (no race with a swapped path), refuse anything not a
// regular file, and read at most maxBytes+1 bytes, so a file too big is known to be so.
// /proc and /sys files are regular with st_size 0: they are read like any other, to the cap.
import {closeSync, constants, fstatSync, openSync, readSync} from 'node:fs'
import {UserError} from '../errors.js'

export const NOT_REGULAR = 'not a regular file'

const FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY
// Reused for the read that finds the end of a file of known size; what it reads is copied.
const PROBE = Buffer.allocUnsafe(64 * 1024)

export interface RegularRead {
  data: Buffer
  /** More than maxBytes: data holds the first maxBytes. */
  truncated: boolean
  /** The file's size from fstat, when it says one (not /proc, /sys). */
  size?: number
}

function code(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? 'EIO'
}

/** An open descriptor on a regular file, or why not. The caller closes it. */
export function openRegular(path: string): {fd: number; size: number} | {error: string} {
  let fd: number
  try {
    fd = openSync(path, FLAGS)
  } catch (error) {
    return {error: code(error)}
  }
  try {
    const st = fstatSync(fd)
    if (st.isFile()) return {fd, size: st.size}
    closeSync(fd)
    return {error: st.isDirectory() ? 'EISDIR' : NOT_REGULAR}
  } catch (error) {
    closeSync(fd)
    return {error: code(error)}
  }
}

/** Reads a regular file up to maxBytes (see the top of this file). */
export function readRegular(path: string, maxBytes: number): RegularRead | {error: string} {
  // A masked systemd unit is a link to /dev/null: it reads as empty, as systemd sees it.
  if (path === '/dev/null') return {data: Buffer.alloc(0), truncated: false}
  const o = openRegular(path)
  if ('error' in o) return o
  try {
    const chunks: Buffer[] = []
    let total = 0
    for (;;) {
      // One byte past the bound says whether there is more.
      const left = maxBytes + 1 - total
      if (left <= 0) break
      // Sized to the file where fstat knows its size, then a small probe for the end (a file
      // may still grow); /proc and /sys say 0 and are read in 1 MiB pieces. A 1 MiB buffer per
      // read was 2 MiB allocated for every small file of a checkout.
      const known = o.size > 0
      const probe = known && total >= o.size
      const want = Math.min(1 << 20, left, known ? (probe ? PROBE.length : o.size - total + 1) : 1 << 20)
      const buf = probe ? PROBE : Buffer.allocUnsafe(want)
      const n = readSync(o.fd, buf, 0, want, null)
      if (n === 0) break
      chunks.push(probe ? Buffer.from(buf.subarray(0, n)) : n === want ? buf : buf.subarray(0, n))
      total += n
    }
    const truncated = total > maxBytes
    const data = Buffer.concat(chunks, total).subarray(0, Math.min(total, maxBytes))
    return {data, truncated, ...(o.size > 0 ? {size: o.size} : {})}
  } catch (error) {
    return {error: code(error)}
  } finally {
    closeSync(o.fd)
  }
}

/** A regular file's text, or a one-line reason (for readers that throw their own UserError). */
export function readRegularText(path: string, maxBytes: number): {text: string} | {error: string} {
  const r = readRegular(path, maxBytes)
  if ('error' in r) return {error: r.error}
  if (r.truncated) return {error: tooLarge(r.size, maxBytes)}
  return {text: r.data.toString('utf8')}
}

/** "3221225472 bytes, more than the 4194304 read" — the real size when fstat knows it. */
export function tooLarge(size: number | undefined, maxBytes: number): string {
  return size !== undefined ? `${size} bytes, larger than the ${maxBytes}-byte bound` : `larger than ${maxBytes} bytes`
}

/** A regular file's text, or a UserError (exit 2): "FILE: cannot read WHAT: REASON". */
export function readTextOrThrow(file: string, maxBytes: number, what = ''): string {
  const r = readRegularText(file, maxBytes)
  if ('error' in r) throw new UserError(`${file}: cannot read${what ? ` ${what}` : ''}: ${r.error}`)
  return r.text
}

/** Bounds for files named on the command line or found beside them (none is ever this big). */
export const FILE_BOUNDS = {
  project: 1 << 20,
  rule: 1 << 20,
  baseline: 256 << 20,
  inventory: 64 << 20,
  dump: 512 << 20,
} as const
