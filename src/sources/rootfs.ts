// Reads files "as the host sees them" below --root DIR. Absolute symlinks are re-rooted
// (a link to /etc/sysctl.conf inside a fixture tree means the fixture's copy, not ours),
// hops are bounded (symlink loops end as ELOOP), and reads stop at a size bound.
import {lstatSync, readdirSync, readlinkSync, realpathSync, statSync} from 'node:fs'
import {readRegular} from './read-regular.js'
import {posix} from 'node:path'
import {cappedListing} from '../snapshot/kernel-keys.js'
import {resolveContained, rootBoundary, type Boundary} from './contain.js'
import type {CapturedFile} from '../snapshot/types.js'

const PRIVATE_KEY = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/

export class RootFs {
  /**
   * `boundary` contains the live filesystem (conntune check: the checked trees); without it,
   * a root other than / is its own boundary (absolute links re-rooted, `..` stops at it).
   */
  constructor(
    readonly root: string,
    private readonly boundary?: Boundary,
  ) {
    if (!boundary && root !== '/') {
      this.boundary = rootBoundary(root)
      this.realRoot = this.boundary.floor!
    }
  }

  private readonly realRoot: string = '/'

  /** Host path → real path on this machine, following symlinks inside the root. */
  resolve(hostPath: string): {real: string; hostReal: string} | {error: string} {
    // On the live host the kernel follows links itself (and bounds loops with ELOOP); only
    // the final component is looked at, to record where a link points.
    if (!this.boundary) return this.resolveLive(posix.normalize(hostPath))
    const r = resolveContained(posix.join(this.realRoot, hostPath), this.boundary)
    if ('error' in r) return r
    if (r.real === '/dev/null') return {real: r.real, hostReal: r.real}
    return {real: r.real, hostReal: this.realRoot === '/' ? r.real : `/${posix.relative(this.realRoot, r.real)}`}
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

  /** Reads a regular file up to maxBytes (read-regular.ts). Binary (NUL) files are reported, not returned. */
  readFile(hostPath: string, maxBytes: number): CapturedFile {
    const r = this.resolve(hostPath)
    if ('error' in r) return {error: r.error}
    const link = r.hostReal !== posix.normalize(hostPath) ? r.hostReal : undefined
    const read = readRegular(r.real, maxBytes)
    if ('error' in read) return {error: read.error, ...(link ? {link} : {})}
    const data = read.data
    // Key material is never configuration: not read, so no message can quote it.
    if (data.includes(0) || PRIVATE_KEY.test(data.toString('latin1', 0, Math.min(data.length, 1 << 16)))) return {error: 'binary', ...(link ? {link} : {})}
    return {
      text: data.toString('utf8'),
      ...(read.truncated ? {truncated: true, ...(read.size !== undefined ? {size: read.size} : {})} : {}),
      ...(link ? {link} : {}),
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

  /**
   * Directory entries (names), sorted, at most `cap` (default: a snapshot's bound; `more` counts the
   * rest); ENOENT is reported so callers can tell "none" from "unreadable".
   */
  listDir(hostPath: string, cap?: number): {entries?: string[]; more?: number; error?: string} {
    const r = this.resolve(hostPath)
    if ('error' in r) return {error: r.error}
    try {
      return cappedListing(readdirSync(r.real).sort(), cap)
    } catch (error) {
      return {error: (error as NodeJS.ErrnoException).code ?? 'EIO'}
    }
  }
}
