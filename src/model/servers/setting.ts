// One effective setting of a server config: its value, and where it came from — or, when the
// default is in force, where a fixer would write it. Shared by the nginx, lighttpd and
// gunicorn models so rules and reports treat them alike.

export interface ConfigSetting {
  /** Directive or setting name as written: keepalive_timeout, server.max-keep-alive-idle, keepalive */
  name: string
  /** The value as text (null when unknown or unresolvable). */
  value: string | null
  /** Numeric value where it has one: a count, or seconds for durations. */
  num: number | null
  /** Set in a file (true), or the default in force (false). */
  explicit: boolean
  /** Why the value is what it is: "set at FILE:LINE", "inherited from http at FILE:LINE", "default (nginx ≥ 1.19.10)". */
  origin: string
  file: string | null
  line: number | null
  col: number | null
  /** Where the directive would go when it is not set: the block it belongs in. */
  insertAt: {file: string; line: number; col: number; context: string} | null
  /** Where a finding about it points (filled in by the host model). */
  at?: {file?: string; line?: number; col?: number; text: string}
  /** The block that set it (http, server, location…), where that matters for inheritance. */
  context?: string
  /** Why the value could not be worked out (a variable, an unresolved Python expression). */
  unresolved?: string
}

export function locText(s: {file: string | null; line: number | null}): string {
  return s.file ? `${s.file}${s.line ? `:${s.line}` : ''}` : 'default'
}

// A config of 100 000 locations has a default setting or three in each, with a handful of
// distinct reasons: one origin string per reason, not one per setting.
const defaultOrigins = new Map<string, string>()

export function defaultSetting(name: string, value: string | null, num: number | null, why: string, insertAt: ConfigSetting['insertAt']): ConfigSetting {
  let origin = defaultOrigins.get(why)
  if (origin === undefined) {
    origin = `default${why ? ` (${why})` : ''}`
    if (defaultOrigins.size < 10_000) defaultOrigins.set(why, origin)
  }
  return {name, value, num, explicit: false, origin, file: null, line: null, col: null, insertAt}
}

/** Where a finding about a setting points: its line, or the block it would be written in. */
export function settingLocation(s: ConfigSetting): {file?: string; line?: number; col?: number; text: string} {
  if (s.explicit && s.file) return s.line ? {file: s.file, line: s.line, col: s.col ?? 1, text: `${s.file}:${s.line}`} : {file: s.file, text: s.file}
  if (s.insertAt) return {file: s.insertAt.file, line: s.insertAt.line, col: s.insertAt.col, text: `${s.insertAt.file}:${s.insertAt.line} (${s.name} not set in ${s.insertAt.context})`}
  return {text: `${s.name} (default)`}
}

