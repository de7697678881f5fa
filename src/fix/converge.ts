// One fix can uncover the next: enabling nginx's upstream keep-alive makes a backend that
// closes idle connections first a real 502 risk. So the plan is applied to the snapshot as the
// host would see it afterwards, audited again, and extended until nothing new is asked for.
import {posix} from 'node:path'
import {parseSysctlConf} from '../parsers/sysctl/index.js'
import type {Finding} from '../rules/types.js'
import type {Snapshot} from '../snapshot/types.js'
import {DROP_IN, planFixes, type FixPlan} from './edits.js'

/**
 * The snapshot after the plan's files are written, `sysctl --system` has loaded the drop-in
 * (on a captured host) and nginx reads its files again (the old `nginx -T` dump is stale).
 */
export function applyToSnapshot(snap: Snapshot, after: Map<string, string>): Snapshot {
  const next: Snapshot = structuredClone(snap)
  if (next.commands) delete next.commands['nginx -T']
  for (const [path, text] of after) {
    next.files[path] = {text}
    const dir = posix.dirname(path)
    const entries = new Set(next.dirs[dir]?.entries ?? [])
    entries.add(posix.basename(path))
    next.dirs[dir] = {entries: [...entries].sort()}
    if (posix.basename(path) === DROP_IN && Object.keys(next.sysctl).length > 0) {
      for (const e of parseSysctlConf(text, path).value.entries) next.sysctl[e.key] = {value: e.value}
    }
  }
  return next
}

/** path → text of every file the snapshot read (the texts fixes edit). */
export function snapshotTexts(snap: Snapshot): Record<string, string> {
  return Object.fromEntries(Object.entries(snap.files).flatMap(([p, f]) => (f.text !== undefined ? [[p, f.text]] : [])))
}

const MAX_ROUNDS = 4

/**
 * Plans fixes for `findings`, then for what an audit of the fixed snapshot still finds, until a
 * round changes no file. `before` keeps the texts as read, so --write's change detection and the
 * diffs are against the files on disk.
 */
export function planConverged(
  snap: Snapshot,
  findings: Finding[],
  audit: (snap: Snapshot) => Finding[],
  opts: {prefer?: 'backend' | 'proxy'} = {},
): FixPlan {
  const texts = snapshotTexts
  const read = texts(snap)
  const plan = planFixes(findings, read, opts)
  const notes = new Set(plan.notes)
  let current = snap
  let changed = plan.after
  for (let round = 1; round < MAX_ROUNDS && changed.size > 0; round++) {
    current = applyToSnapshot(current, changed)
    const now = texts(current)
    const next = planFixes(audit(current), now, opts)
    for (const n of next.notes) notes.add(n)
    changed = new Map([...next.after].filter(([p, t]) => now[p] !== t))
    for (const [p, t] of changed) {
      if (!plan.before.has(p)) plan.before.set(p, read[p] ?? '')
      plan.after.set(p, t)
    }
  }
  // A file that ends as it began is not part of the plan.
  for (const [p, t] of plan.after) if (read[p] === t) {
    plan.after.delete(p)
    plan.before.delete(p)
  }
  return {before: plan.before, after: plan.after, notes: [...notes]}
}
