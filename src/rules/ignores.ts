// Inline ignores: `# conntune: ignore RULE-ID[, RULE-ID] -- reason` in any config format
// (nginx, lighttpd, gunicorn.conf.py, sysctl.d with `#` or `;`). A comment on its own line
// covers the next line that is not a comment or blank; a trailing comment covers its own line.
// An ignore without a reason is itself reported: accepted risks must say why.
import type {CommentLine} from '../model/servers/discover.js'
import type {Finding} from './types.js'

export const IGNORE_WITHOUT_REASON = 'conntune-ignore-without-reason'

export interface InlineIgnore {
  file: string
  /** The comment's own line. */
  line: number
  /** The line it covers. */
  target: number
  rules: string[]
  reason: string | null
}

const DIRECTIVE = /^\s*conntune:\s*ignore\s+([a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*)\s*(?:--\s*(.*?))?\s*$/

export function parseIgnores(comments: CommentLine[], texts: Record<string, string>): InlineIgnore[] {
  const out: InlineIgnore[] = []
  const lines = new Map<string, string[]>()
  for (const c of comments) {
    const m = DIRECTIVE.exec(c.text)
    if (!m) continue
    if (!lines.has(c.file)) lines.set(c.file, (texts[c.file] ?? '').split(/\r?\n/))
    const text = lines.get(c.file)!
    const before = (text[c.line - 1] ?? '').slice(0, Math.max(0, c.col - 1))
    let target = c.line
    if (before.trim() === '') {
      // Own line: the next line with something on it other than a comment.
      target = c.line + 1
      while (target <= text.length && /^\s*([#;].*)?$/.test(text[target - 1] ?? '')) target++
    }
    out.push({file: c.file, line: c.line, target, rules: m[1].split(',').map((r) => r.trim()), reason: m[2]?.trim() || null})
  }
  return out
}

/** Drops findings an ignore covers; adds one finding per ignore that gives no reason. */
export function applyIgnores(findings: Finding[], ignores: InlineIgnore[], host: string): {kept: Finding[]; suppressed: Finding[]} {
  const kept: Finding[] = []
  const suppressed: Finding[] = []
  for (const f of findings) {
    const hit = ignores.find((i) => i.reason && i.file === f.location.file && i.target === f.location.line && i.rules.includes(f.ruleId))
    ;(hit ? suppressed : kept).push(f)
  }
  for (const i of ignores.filter((x) => !x.reason)) {
    kept.push({
      ruleId: IGNORE_WITHOUT_REASON,
      severity: 'warning',
      title: 'An inline ignore gives no reason',
      host,
      location: {file: i.file, line: i.line, text: `${i.file}:${i.line}`},
      message: `conntune: ignore ${i.rules.join(', ')} at ${i.file}:${i.line} has no reason, so it is not applied. Write it as "# conntune: ignore ${i.rules.join(', ')} -- why this is accepted".`,
      evidence: {rules: i.rules.join(', ')},
      fix: {summary: `Add " -- <reason>" to the comment at ${i.file}:${i.line}.`, actions: []},
      references: [],
    })
  }
  return {kept, suppressed}
}
