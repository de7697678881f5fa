// nginx logs as evidence, read on the host: a bounded tail of each log nginx's config names,
// keeping only lines with one of the fixed signatures (error log) or a 502/504 (access log).
// What the lines mean (time window, upstream, counts) is decided on the analysis side.
import {closeSync, readSync} from 'node:fs'
import {openRegular} from './read-regular.js'
import {keepLine} from '../parsers/nginx-logs/signatures.js'
import {LOG_LIMITS} from '../snapshot/config-locations.js'
import {snapshotLogTargets} from '../snapshot/nginx-texts.js'
import type {CapturedLog, Snapshot} from '../snapshot/types.js'
import type {RootFs} from './rootfs.js'

/** "+0100" for a Date's local offset. */
export function utcOffsetText(d: Date): string {
  const off = -d.getTimezoneOffset()
  const a = Math.abs(off)
  return `${off < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}${String(a % 60).padStart(2, '0')}`
}

/** The last `max` bytes of a regular file, from the start of a line. */
function tail(fs: RootFs, path: string, max: number): {buf: Buffer; cut: boolean} | {error: string} {
  const r = fs.resolve(path)
  if ('error' in r) return {error: r.error}
  const o = openRegular(r.real)
  if ('error' in o) return o
  const {fd, size} = o
  try {
    const st = {size}
    const start = Math.max(0, st.size - max)
    const buf = Buffer.allocUnsafe(Math.min(st.size, max))
    let got = 0
    while (got < buf.length) {
      const n = readSync(fd, buf, got, buf.length - got, start + got)
      if (n === 0) break
      got += n
    }
    let data = buf.subarray(0, got)
    if (start > 0) {
      // The first line is a fragment of one the bound cut.
      const nl = data.indexOf(10)
      data = nl < 0 ? data.subarray(data.length) : data.subarray(nl + 1)
    }
    return {buf: data, cut: start > 0}
  } catch (error) {
    return {error: (error as NodeJS.ErrnoException).code ?? 'EIO'}
  } finally {
    closeSync(fd)
  }
}

/** Signature lines of one log (and its rotated `.1` while the byte budget lasts), newest last. */
export function readLog(fs: RootFs, path: string, kind: CapturedLog['kind']): CapturedLog {
  const current = tail(fs, path, LOG_LIMITS.tailBytes)
  if ('error' in current) return {kind, error: current.error}
  const parts = [current.buf]
  let truncated = current.cut
  let bytes = current.buf.length
  const left = LOG_LIMITS.tailBytes - bytes
  if (!truncated && left > 0) {
    const rotated = tail(fs, `${path}.1`, left)
    if (!('error' in rotated)) {
      parts.unshift(rotated.buf)
      bytes += rotated.buf.length
      truncated = rotated.cut
    }
  }
  // A log is text: NUL bytes mean this is not one (or it was written over).
  if (parts.some((p) => p.includes(0))) return {kind, error: 'binary (NUL bytes)', bytes}
  const lines: string[] = []
  let matched = 0
  for (const part of parts) {
    for (const line of part.toString('utf8').split('\n')) {
      if (!keepLine(kind, line)) continue
      matched++
      lines.push(line.length > LOG_LIMITS.lineChars ? line.slice(0, LOG_LIMITS.lineChars) : line)
      if (lines.length > LOG_LIMITS.lines) lines.shift()
    }
  }
  return {kind, lines, matched, bytes, ...(truncated ? {truncated} : {})}
}

export function collectLogs(fs: RootFs, snap: Pick<Snapshot, 'files' | 'commands' | 'entries'>, now: Date): Snapshot['logs'] | undefined {
  const {targets} = snapshotLogTargets(snap)
  if (targets.length === 0) return undefined
  const files: Record<string, CapturedLog> = {}
  for (const t of targets.slice(0, LOG_LIMITS.files)) files[t.path] = readLog(fs, t.path, t.kind)
  return {utcOffset: utcOffsetText(now), files}
}
