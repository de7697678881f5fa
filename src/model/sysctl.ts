// Persisted kernel settings as systemd-sysctl applies them at boot (sysctl.d(5)): files
// from all sysctl.d directories ordered by file name; a same-named file in a higher-priority
// directory replaces the lower one (an empty file or a link to /dev/null masks it); within
// that order later assignments win; an explicit key beats any glob, whatever the order.
// /etc/sysctl.conf is read last, as `sysctl --system` does, unless a sysctl.d entry is a
// link to it (Debian's 99-sysctl.conf), in which case it is read in that place only.
import {posix} from 'node:path'
import {parseSysctlConf} from '../parsers/sysctl/index.js'
import type {ParseError} from '../parsers/types.js'
import {SYSCTL_CONF, SYSCTL_DIRS, SYSCTL_KEYS} from '../snapshot/kernel-keys.js'
import type {Snapshot} from '../snapshot/types.js'
import {append} from '../append.js'

export interface PersistedEntry {
  key: string
  /** Last path component: tcp_tw_reuse */
  name: string
  /**
   * The value shown: for a numeric value followed by "# ...", the numbers only. Neither
   * systemd-sysctl (252) nor procps sysctl (4.0.2) strips a trailing comment: both write
   * "30 # c" to the kernel, whose integer handlers keep 30 and succeed (checked on 6.18). The
   * line as written is in `raw`.
   */
  value: string
  raw: string
  /** The trailing "# ..." that is not part of the value, when there is one. */
  trailingComment: string | null
  num: number | null
  file: string
  line: number
  col: number
  valueCol: number
  glob: boolean
  /** This line decides the value at boot (a later line or an explicit key did not replace it). */
  effective: boolean
}

const NUMERIC_THEN_COMMENT = /^(-?\d+(?:\s+-?\d+)*)\s+(#.*)$/

export interface PersistedSettings {
  /** Files in the order they are applied, with the directory they came from. */
  files: string[]
  /** Every assignment, in applied order. */
  entries: PersistedEntry[]
  errors: ParseError[]
  /** Files read and parsed, as shown in findings (a link's target), in applied order. */
  read: string[]
  /** Files that could not be read: path → reason. */
  unreadable: Array<{file: string; error: string}>
  comments: Record<string, Array<{line: number; col: number; text: string}>>
}

export function firstInt(value: string | null | undefined): number | null {
  if (value === null || value === undefined) return null
  const m = /^\s*(-?\d+)/.exec(value)
  return m ? Number(m[1]) : null
}

/**
 * Does a sysctl.d glob key (`*` any run without a dot, `?` one character but a dot, anything
 * else itself) name `key`? Not as a regex: `[^.]*` once per star backtracks exponentially in
 * the number of stars (`net.ipv4.****************x` took minutes against one key). No wildcard
 * crosses a dot, so the dots split both into segments matched pairwise, each with the greedy
 * two-pointer wildcard match: O(pattern × key) at worst, and keys are short.
 */
export function globMatches(glob: string, key: string): boolean {
  const gs = glob.split('.')
  const ks = key.split('.')
  return gs.length === ks.length && gs.every((g, i) => segmentMatches(g, ks[i]))
}

function segmentMatches(p: string, s: string): boolean {
  let i = 0
  let j = 0
  let star = -1
  let resume = 0
  while (j < s.length) {
    if (i < p.length && (p[i] === '?' || p[i] === s[j])) {
      i++
      j++
    } else if (i < p.length && p[i] === '*') {
      star = i++
      resume = j
    } else if (star !== -1) {
      i = star + 1
      j = ++resume
    } else return false
  }
  while (i < p.length && p[i] === '*') i++
  return i === p.length
}

/** Which files apply, in order: sysctl.d(5) precedence over the captured directory listings. */
export function orderSysctlFiles(snap: Pick<Snapshot, 'dirs' | 'files'>): string[] {
  const chosen = new Map<string, string>()
  // SYSCTL_DIRS is highest priority first; the first directory to offer a name keeps it.
  for (const dir of SYSCTL_DIRS) {
    for (const name of snap.dirs[dir]?.entries ?? []) {
      if (!name.endsWith('.conf') || chosen.has(name)) continue
      chosen.set(name, posix.join(dir, name))
    }
  }
  const ordered = [...chosen.keys()].sort().map((name) => chosen.get(name)!)
  const linksToConf = ordered.some((p) => snap.files[p]?.link === SYSCTL_CONF)
  if (!linksToConf && snap.files[SYSCTL_CONF]) ordered.push(SYSCTL_CONF)
  return ordered
}

/** `order` overrides the boot order: `conntune check` names the files itself. */
export function readPersisted(snap: Pick<Snapshot, 'dirs' | 'files'>, order?: string[]): PersistedSettings {
  const files = order ?? orderSysctlFiles(snap)
  const entries: PersistedEntry[] = []
  const errors: ParseError[] = []
  const unreadable: PersistedSettings['unreadable'] = []
  const comments: PersistedSettings['comments'] = {}
  const read: string[] = []

  for (const path of files) {
    const captured = snap.files[path]
    // Findings point at the file people edit: the link target, not the link.
    const shownPath = captured?.link && captured.link !== '/dev/null' ? captured.link : path
    if (!captured || captured.text === undefined) {
      unreadable.push({file: shownPath, error: captured?.error ?? 'not captured'})
      continue
    }
    const parsed = parseSysctlConf(captured.text, shownPath)
    read.push(shownPath)
    append(errors, parsed.errors)
    comments[shownPath] = parsed.value.comments
    for (const e of parsed.value.entries) {
      if (e.value === undefined || e.value === null) continue // a glob exclusion, not an assignment
      const commented = NUMERIC_THEN_COMMENT.exec(e.value)
      entries.push({
        key: e.key,
        name: e.key.slice(e.key.lastIndexOf('.') + 1),
        value: commented ? commented[1] : e.value,
        raw: e.value,
        trailingComment: commented ? commented[2] : null,
        num: firstInt(e.value),
        file: shownPath,
        line: e.line,
        col: e.col,
        valueCol: e.valueCol,
        glob: e.glob,
        effective: false,
      })
    }
  }

  // The last explicit assignment of a key wins; a glob decides only the keys nobody names.
  const lastExplicit = new Map<string, number>()
  entries.forEach((e, i) => {
    if (!e.glob) lastExplicit.set(e.key, i)
  })
  for (const i of lastExplicit.values()) entries[i].effective = true
  const result = {files, read, entries, errors, unreadable, comments}
  for (const key of SYSCTL_KEYS) {
    const decider = persistedValue(result, key)
    if (decider?.glob) decider.effective = true
  }
  return result
}

/** The boot-time value of a key: the effective explicit line, else the last matching glob. */
export function persistedValue(p: PersistedSettings, key: string): PersistedEntry | null {
  let globHit: PersistedEntry | null = null
  for (let i = p.entries.length - 1; i >= 0; i--) {
    const e = p.entries[i]
    if (!e.glob && e.key === key) return e
    if (e.glob && !globHit && globMatches(e.key, key)) globHit = e
  }
  return globHit
}
