// Reads files "as the host sees them" below --root DIR. Absolute symlinks are re-rooted
// (a link to /etc/sysctl.conf inside a fixture tree means the fixture's copy, not ours),
// hops are bounded (symlink loops end as ELOOP), and reads stop at a size bound.
import {closeSync, lstatSync, openSync, readSync, readdirSync, readlinkSync, realpathSync, statSync} from 'node:fs'
import {posix} from 'node:path'
import {LIMITS} from '../snapshot/kernel-keys.js'
import type {CapturedFile} from '../snapshot/types.js'

export class RootFs {
  constructor(readonly root: string) {}

  /** Host path → real path on this machine, following symlinks inside the root. */
  resolve(hostPath: string): {real: string; hostReal: string} | {error: string} {
    // On the live host the kernel follows links itself (and bounds loops with ELOOP); only
    // the final component is looked at, to record where a link points.
    if (this.root === '/') return this.resolveLive(posix.normalize(hostPath))
    let parts = hostPath.split('/').filter(Boolean)
    let done: string[] = []
    let hops = 0
    while (parts.length > 0) {
      const part = parts.shift()!
      if (part === '.') continue
      if (part === '..') {
        done.pop()
        continue
      }
      const candidate = [...done, part]
      const real = this.onDisk(candidate)
      let st
      try {
        st = lstatSync(real)
      } catch (error) {
        return {error: (error as NodeJS.ErrnoException).code ?? 'EIO'}
      }
      if (st.isSymbolicLink()) {
        if (++hops > LIMITS.symlinkHops) return {error: 'ELOOP'}
        let target: string
        try {
          target = readlinkSync(real)
        } catch (error) {
          return {error: (error as NodeJS.ErrnoException).code ?? 'EIO'}
        }
        // /dev/null is how systemd masks a vendor file; it must stay empty, not re-rooted.
        if (target === '/dev/null') return {real: '/dev/null', hostReal: '/dev/null'}
        const next = target.split('/').filter(Boolean)
        if (target.startsWith('/')) done = []
        parts = [...next, ...parts]
        continue
      }
      done = candidate
    }
    return {real: this.onDisk(done), hostReal: '/' + done.join('/')}
  }

  private resolveLive(path: string): {real: string; hostReal: string} | {error: string} {
    try {
      if (!lstatSync(path).isSymbolicLink()) return {real: path, hostReal: path}
      const target = readlinkSync(path)
      if (target === '/dev/null') return {real: '/dev/null', hostReal: '/dev/null'}
      const real = realpathSync(path)
      return {real, hostReal: real}
    } catch (error) {
      return {error: (error as NodeJS.ErrnoException).code ?? 'EIO'}
    }
  }

  private onDisk(parts: string[]): string {
    return posix.join(this.root, ...parts)
  }

  /** Reads a file up to maxBytes. Binary (NUL) files are reported, not returned. */
  readFile(hostPath: string, maxBytes: number): CapturedFile {
    const r = this.resolve(hostPath)
    if ('error' in r) return {error: r.error}
    const link = r.hostReal !== posix.normalize(hostPath) ? r.hostReal : undefined
    let fd: number
    try {
      fd = openSync(r.real, 'r')
    } catch (error) {
      return {error: (error as NodeJS.ErrnoException).code ?? 'EIO', ...(link ? {link} : {})}
    }
    try {
      const chunks: Buffer[] = []
      let total = 0
      let truncated = false
      // /proc files report size 0, so read until EOF rather than trusting stat.
      for (;;) {
        const want = Math.min(1 << 20, maxBytes - total)
        if (want <= 0) {
          const probe = Buffer.alloc(1)
          truncated = readSync(fd, probe, 0, 1, null) > 0
          break
        }
        const buf = Buffer.allocUnsafe(want)
        const n = readSync(fd, buf, 0, want, null)
        if (n === 0) break
        chunks.push(n === want ? buf : buf.subarray(0, n))
        total += n
      }
      const data = Buffer.concat(chunks, total)
      if (data.includes(0)) return {error: 'binary', ...(link ? {link} : {})}
      return {text: data.toString('utf8'), ...(truncated ? {truncated} : {}), ...(link ? {link} : {})}
    } catch (error) {
      return {error: (error as NodeJS.ErrnoException).code ?? 'EIO', ...(link ? {link} : {})}
    } finally {
      closeSync(fd)
    }
  }

  /** What a host path is, after symlinks. */
  kind(hostPath: string): 'file' | 'dir' | 'other' | 'missing' {
    const r = this.resolve(hostPath)
    if ('error' in r) return 'missing'
    try {
      const st = statSync(r.real)
      return st.isFile() ? 'file' : st.isDirectory() ? 'dir' : 'other'
    } catch {
      return 'missing'
    }
  }

  /** Directory entries (names), sorted; ENOENT is reported so callers can tell "none" from "unreadable". */
  listDir(hostPath: string): {entries?: string[]; error?: string} {
    const r = this.resolve(hostPath)
    if ('error' in r) return {error: r.error}
    try {
      const names = readdirSync(r.real).sort()
      return {entries: names.slice(0, LIMITS.dirEntries)}
    } catch (error) {
      return {error: (error as NodeJS.ErrnoException).code ?? 'EIO'}
    }
  }
}
