// Baselines: accept the findings a repo (or fleet) has today, block new ones. A baseline is
// the list of finding fingerprints (rule, host, file, the deciding line's text — not the line
// number), so findings survive edits that move lines but come back when a value changes.
import {UserError} from '../errors.js'
import {FILE_BOUNDS, readTextOrThrow} from '../sources/read-regular.js'
import type {Finding} from '../rules/types.js'
import {compareCodePoints} from '../text/order.js'

export const BASELINE_FORMAT = 'conntune-baseline'
export const BASELINE_VERSION = 1

export interface BaselineEntry {
  fingerprint: string
  ruleId: string
  host: string
  location: string
  message: string
}

export interface Baseline {
  file: string
  entries: BaselineEntry[]
  fingerprints: Set<string>
}

export function baselineText(findings: Finding[]): string {
  const entries: BaselineEntry[] = findings
    .filter((f) => f.fingerprint)
    .map((f) => ({fingerprint: f.fingerprint!, ruleId: f.ruleId, host: f.host, location: f.location.text, message: f.message}))
    .sort((a, b) => compareCodePoints(a.ruleId, b.ruleId) || compareCodePoints(a.location, b.location))
  return JSON.stringify({format: BASELINE_FORMAT, version: BASELINE_VERSION, findings: entries}, null, 2) + '\n'
}

export function readBaseline(file: string): Baseline {
  let data: unknown
  try {
    data = JSON.parse(readTextOrThrow(file, FILE_BOUNDS.baseline, 'baseline'))
  } catch (error) {
    if (error instanceof UserError) throw error
    const code = (error as NodeJS.ErrnoException).code
    throw new UserError(`${file}: ${code ? `cannot read baseline: ${code}` : `not a conntune baseline: invalid JSON (${(error as Error).message})`}`)
  }
  const d = data as {format?: unknown; version?: unknown; findings?: unknown}
  if (d?.format !== BASELINE_FORMAT) throw new UserError(`${file}: not a conntune baseline (no "format": "${BASELINE_FORMAT}")`)
  if (typeof d.version !== 'number' || d.version > BASELINE_VERSION) throw new UserError(`${file}: baseline version ${String(d.version)} is not one this conntune reads (${BASELINE_VERSION})`)
  if (!Array.isArray(d.findings) || d.findings.some((e) => typeof (e as BaselineEntry)?.fingerprint !== 'string')) {
    throw new UserError(`${file}: invalid baseline: "findings" must be a list of entries with a fingerprint`)
  }
  const entries = d.findings as BaselineEntry[]
  return {file, entries, fingerprints: new Set(entries.map((e) => e.fingerprint))}
}

/** Splits findings into new ones and baselined ones; lists baseline entries no longer found. */
export function applyBaseline(findings: Finding[], baseline: Baseline | null): {fresh: Finding[]; baselined: Finding[]; gone: BaselineEntry[]} {
  if (!baseline) return {fresh: findings, baselined: [], gone: []}
  const seen = new Set<string>()
  const fresh: Finding[] = []
  const baselined: Finding[] = []
  for (const f of findings) {
    if (f.fingerprint && baseline.fingerprints.has(f.fingerprint)) {
      baselined.push(f)
      seen.add(f.fingerprint)
    } else fresh.push(f)
  }
  return {fresh, baselined, gone: baseline.entries.filter((e) => !seen.has(e.fingerprint))}
}
