// The nginx configuration texts a snapshot holds, as nginx read them: the `nginx -T` dump
// when there is one, else the captured files under nginx's config trees (and named entries).
import {splitNginxDump} from '../parsers/nginx/dump.js'
import {nginxLogTargets, type LogTargets} from '../parsers/nginx-logs/targets.js'
import {CONFIG_TREES} from './config-locations.js'
import type {Snapshot} from './types.js'

export function nginxConfigTexts(snap: Pick<Snapshot, 'files' | 'commands' | 'entries'>): Array<{file: string; text: string}> {
  const dump = snap.commands?.['nginx -T']
  if (dump?.exitCode === 0 && dump.stdout) {
    const split = splitNginxDump(dump.stdout, 'nginx -T')
    const files = Object.entries(split.value.files)
    if (files.length > 0) return files.map(([file, text]) => ({file, text}))
  }
  const roots = new Set<string>([...CONFIG_TREES.nginx, ...(snap.entries?.nginx ?? [])])
  return Object.entries(snap.files)
    .filter(([p, f]) => f.text !== undefined && underRoot(p, roots))
    .map(([file, f]) => ({file, text: f.text!}))
}

/**
 * Whether p is a root or below one. A snapshot can name thousands of entries and files:
 * testing every file against every root was quadratic, so p's own ancestors are looked up.
 */
function underRoot(p: string, roots: ReadonlySet<string>): boolean {
  if (roots.has(p)) return true
  for (let i = p.lastIndexOf('/'); i >= 0; i = i === 0 ? -1 : p.lastIndexOf('/', i - 1)) if (roots.has(p.slice(0, i))) return true
  return false
}

export function snapshotLogTargets(snap: Pick<Snapshot, 'files' | 'commands' | 'entries'>): LogTargets {
  const texts = nginxConfigTexts(snap)
  const v = snap.commands?.['nginx -V']
  if (texts.length === 0 && !v?.stderr) return {targets: [], formats: {}, notes: []}
  return nginxLogTargets(texts, v?.stderr)
}
