// Containment: where a path really is, with every symlink resolved by hand, and whether that
// place is inside what conntune was asked to read or write. conntune runs as root on hosts and
// in CI on strangers' pull requests, so a link in a checked repo (`sysctl.d/97.conf ->
// ~/.ssh/id_ed25519`) or in a --root tree (`nginx.conf -> /etc/shadow`) must never be followed
// out. Reads (RootFs, the check source) and writes (fix --write) ask the same question here.
import {lstatSync, readlinkSync, realpathSync} from 'node:fs'
import {posix} from 'node:path'
import {isInside, mapPath, type PathMapping} from '../path-map.js'
import {LIMITS} from '../snapshot/kernel-keys.js'
import {trimTrailing} from '../text/trim.js'

export {isInside, type PathMapping}

/** The errno-like code for a path refused because it leaves the tree. */
export const OUTSIDE = 'outside the checked tree'

export interface Boundary {
  /** Real on-disk directories (no symlinks in them) a resolved path must end inside. */
  trees: string[]
  /**
   * What an absolute symlink target means on disk: under --root R it is R + target (the host's
   * view), in a repo a --map prefix's directory; null when it names nothing inside.
   */
  rebase(target: string): string | null
  /** chroot semantics: `..` never climbs above this directory (the --root). */
  floor?: string
}

export type Contained = {real: string} | {error: string}

function splitParts(p: string): string[] {
  return p.split('/').filter(Boolean)
}

/** A directory as a containment tree: absolute, with its own symlinks resolved (cwd may be /tmp -> /private/tmp). */
export function treeOf(dir: string): string {
  try {
    return realpathSync(dir)
  } catch {
    return posix.resolve(dir)
  }
}

/**
 * The real on-disk path of `path` (absolute, on disk), resolving each component's symlinks,
 * or why not: ENOENT and friends, ELOOP after LIMITS.symlinkHops links, OUTSIDE when the
 * result (or a link target nothing maps) is not inside the boundary.
 */
export function resolveContained(path: string, b: Boundary): Contained {
  const floor = b.floor ? splitParts(b.floor) : []
  let done: string[] = []
  let parts = splitParts(posix.resolve(path))
  let hops = 0
  while (parts.length > 0) {
    const part = parts.shift()!
    if (part === '.') continue
    if (part === '..') {
      if (done.length > floor.length) done.pop()
      continue
    }
    const candidate = [...done, part]
    const here = `/${candidate.join('/')}`
    let st
    try {
      st = lstatSync(here)
    } catch (error) {
      return {error: (error as NodeJS.ErrnoException).code ?? 'EIO'}
    }
    if (!st.isSymbolicLink()) {
      done = candidate
      continue
    }
    if (++hops > LIMITS.symlinkHops) return {error: 'ELOOP'}
    let target: string
    try {
      target = readlinkSync(here)
    } catch (error) {
      return {error: (error as NodeJS.ErrnoException).code ?? 'EIO'}
    }
    // /dev/null is how systemd masks a vendor file: empty, and safe to read anywhere.
    if (target === '/dev/null') return parts.length === 0 ? {real: '/dev/null'} : {error: 'ENOTDIR'}
    if (target.startsWith('/')) {
      const rebased = b.rebase(posix.normalize(target))
      if (rebased === null) return {error: OUTSIDE}
      done = []
      parts = [...splitParts(rebased), ...parts]
    } else {
      parts = [...splitParts(target), ...parts]
    }
  }
  const real = `/${done.join('/')}`
  return inside(real, b) ? {real} : {error: OUTSIDE}
}

function inside(real: string, b: Boundary): boolean {
  return b.trees.some((t) => isInside(real, t))
}

/** Parses `/etc/nginx=deploy/nginx` (relative `to` against `base`); null when malformed. */
export function parseMapping(spec: string, base: string): PathMapping | null {
  const eq = spec.indexOf('=')
  if (eq <= 0) return null
  const from = trimTrailing(posix.normalize(spec.slice(0, eq)), '/') || '/'
  const to = spec.slice(eq + 1)
  if (!from.startsWith('/') || to === '') return null
  return {from, to: posix.resolve(base, to)}
}

/**
 * The boundary of `conntune check`: the checked trees (the directory conntune runs in, any
 * named path outside it, and every --map / --root directory). An absolute path (an include,
 * a link target) is a host path: it is read through the longest --map prefix (--root DIR is
 * the map `/=DIR`); unmapped, it is valid only when it is literally inside a tree.
 */
export function checkBoundary(opts: {trees: string[]; map: PathMapping[]}): Boundary {
  const map = opts.map.map((m) => ({from: m.from, to: treeOf(m.to)}))
  const trees = [...opts.trees.map(treeOf), ...map.map((m) => m.to)]
  return {trees, rebase: (target) => mapPath(target, map) ?? (trees.some((t) => isInside(target, t)) ? target : null)}
}

/**
 * Where a write to `path` lands: its real place when it exists (a link's target, re-rooted and
 * checked like a read), or, for a file to create, below the nearest existing directory's real
 * place. The same boundary as reads, so fix --write can never land outside --root.
 */
export function resolveForWrite(path: string, b: Boundary): Contained {
  const r = resolveContained(path, b)
  if (!('error' in r) || r.error !== 'ENOENT') return r
  const parent = posix.dirname(posix.resolve(path))
  if (parent === path) return r
  const up = resolveForWrite(parent, b)
  if ('error' in up) return up
  const real = posix.join(up.real, posix.basename(path))
  // Only a name that is not there at all is created: a dangling link would be written through.
  try {
    lstatSync(real)
    return {error: 'a link to nothing inside the tree'}
  } catch {
    // absent, as expected
  }
  return b.trees.some((t) => isInside(real, t)) ? {real} : {error: OUTSIDE}
}

/** The boundary of a host tree under --root R: absolute links mean R + target, `..` stops at R. */
export function rootBoundary(root: string): Boundary {
  const real = treeOf(root)
  return {trees: [real], floor: real, rebase: (target) => posix.join(real, target)}
}
