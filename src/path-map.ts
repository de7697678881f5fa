// Prefix maps (`--map /etc/nginx=deploy/nginx`, `--root DIR` as `/=DIR`): where the absolute
// paths a repository's configs name are in the checkout. Shared by the check source (which
// reads through it) and the model (whose parsers follow includes through it), so both agree.

import {trimTrailing} from './text/trim.js'

export interface PathMapping {
  /** A host path prefix, normalized, no trailing slash ("/" for --root). */
  from: string
  /** The on-disk directory it lives in. */
  to: string
}

/** Is `path` (normalized, absolute) `dir` or below it? */
export function isInside(path: string, dir: string): boolean {
  return dir === '/' || path === dir || path.startsWith(dir.endsWith('/') ? dir : `${dir}/`)
}

/** Host path → on-disk path through the longest matching prefix, or null. */
export function mapPath(path: string, map: PathMapping[]): string | null {
  let best: PathMapping | null = null
  for (const m of map) if (isInside(path, m.from) && (!best || m.from.length > best.from.length)) best = m
  if (!best) return null
  const rest = best.from === '/' ? path : path.slice(best.from.length)
  return trimTrailing(`${trimTrailing(best.to, '/')}/${rest.replace(/^\/+/, '')}`, '/') || '/'
}
