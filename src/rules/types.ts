import type {Location, Severity} from '../model/types.js'

export interface RuleExample {
  name: string
  expect: 'fire' | 'pass'
  count?: number
  severity?: Severity
  messageContains?: string
  options?: {role?: 'proxy' | 'server'; behind?: string; lbIdleTimeout?: number; natIdleTimeout?: number; expectedRate?: number; filesOnly?: boolean; nginxDump?: boolean; backends?: Array<{address: string; kind: string; name?: string; idleTimeout?: number; keepsIdleConnections?: boolean}>; nginxVersion?: string; lighttpdVersion?: string; gunicornVersion?: string}
  host?: {
    kernel?: string
    sysctl?: Record<string, string | null>
    files?: Record<string, string>
    proc?: Record<string, string>
    sockets?: Array<{state: string; local: string; remote: string; count?: number}>
    nginx?: string
    lighttpd?: string
    gunicorn?: string
    errorLog?: string
    accessLog?: string
  }
}

export type FixActionSpec = {sysctl: string; value: string} | {deleteLine: string} | {set: string; value: string; prefer?: 'backend' | 'proxy'}

/** A rule as written in rules/*.yaml (validated against rules/schema.json). */
export interface RuleSpec {
  id: string
  title: string
  severity: Severity
  severityWhen?: Array<{when: string; severity: Severity}>
  scope: string
  when: string
  at: string
  message: string
  /** CEL: what the host's logs showed for this finding ("" when nothing); reports lead with it. */
  observed?: string
  evidence?: Record<string, string>
  params?: Record<string, number | string | boolean>
  fix?: {summary: string; actions?: FixActionSpec[]}
  rationale: string
  references: Array<{title: string; url: string}>
  examples: RuleExample[]
}

export interface LoadedRule extends RuleSpec {
  /** The YAML file it came from. */
  file: string
  builtin: boolean
}

export type FixAction =
  | {kind: 'sysctl'; key: string; value: string}
  | {kind: 'delete-line'; file: string; line: number}
  /** Change a setting's line, or add the setting to the block it belongs in (insertAt). */
  | {kind: 'set'; name: string; value: string; current: string | null; file: string | null; line: number | null; insertAt: {file: string; line: number; col: number; context: string} | null; prefer?: 'backend' | 'proxy'}

export interface Finding {
  ruleId: string
  severity: Severity
  title: string
  host: string
  location: Location
  message: string
  /** "observed: 12 keep-alive race signature(s) … toward ADDR in the last 24h", when logs showed any. */
  observed?: string
  evidence: Record<string, unknown>
  fix: {summary: string; actions: FixAction[]} | null
  references: string[]
  /** Stable across line shifts (see rules/fingerprint.ts); set by the pipeline. */
  fingerprint?: string
}
