// Inline ignores: `# conntune: ignore RULE-ID[, RULE-ID] -- reason` in any config format
// (nginx, lighttpd, gunicorn.conf.py, sysctl.d with `#` or `;`). A comment on its own line
// covers the next line that is not a comment or blank; a trailing comment covers its own line.
// An ignore without a reason is itself reported: accepted risks must say why.
import type {CommentLine} from '../model/servers/discover.js'
import type {Finding} from './types.js'
import {lastLineBreak} from '../text/trim.js'

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

const HEAD = /^\s*conntune:\s*ignore\s+([a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*)/
const BLANK = /\s/

/**
 * What /^\s*conntune:\s*ignore\s+(IDS)\s*(?:--\s*(.*?))?\s*$/ matches, in one pass: that regex
 * is O(n²) on a reason holding a long run of blanks. As it does, when the ids are not followed
 * by blanks or `-- reason`, the list is cut back to a `--` inside an id (`ignore a--why` is rule
 * a, reason "why"), the latest such cut first; the reason is one line.
 */
export function readIgnoreDirective(text: string): {rules: string[]; reason: string | null} | null {
  const m = HEAD.exec(text)
  if (!m) return null
  const listStart = m[0].length - m[1].length
  const listEnd = m[0].length
  let lastSolid = text.length - 1
  while (lastSolid >= 0 && BLANK.test(text[lastSolid])) lastSolid--
  const lastBreak = lastLineBreak(text, lastSolid)
  const solidFrom = (i: number): number => {
    while (i <= lastSolid && BLANK.test(text[i])) i++
    return i
  }
  // The ids end at `end` (`dashes`: a `--` starts there): blanks to the end, or `--` and a reason.
  const accept = (end: number, dashes: number): {rules: string[]; reason: string | null} | null => {
    if (dashes === -1) return null
    const from = solidFrom(dashes + 2)
    if (lastBreak >= from) return null
    return {rules: text.slice(listStart, end).split(',').map((r) => r.trim()), reason: text.slice(from, lastSolid + 1) || null}
  }
  if (listEnd > lastSolid) return {rules: m[1].split(',').map((r) => r.trim()), reason: null}
  const after = solidFrom(listEnd)
  const whole = accept(listEnd, text.startsWith('--', after) ? after : -1)
  if (whole) return whole
  for (let i = listEnd - 2; i > listStart; i--) {
    if (text[i] !== '-' || text[i + 1] !== '-' || !/[a-z0-9-]/.test(text[i - 1])) continue
    const cut = accept(i, i)
    if (cut) return cut
  }
  return null
}

export function parseIgnores(comments: CommentLine[], texts: Record<string, string>): InlineIgnore[] {
  const out: InlineIgnore[] = []
  const lines = new Map<string, {text: string[]; nextCode: Int32Array}>()
  for (const c of comments) {
    const d = readIgnoreDirective(c.text)
    if (!d) continue
    let file = lines.get(c.file)
    if (!file) lines.set(c.file, (file = linesOf(texts[c.file] ?? '')))
    const before = (file.text[c.line - 1] ?? '').slice(0, Math.max(0, c.col - 1))
    // On a line of its own, it covers the next line that is not blank or a comment.
    const target = before.trim() === '' ? (file.nextCode[c.line + 1] ?? c.line + 1) : c.line
    out.push({file: c.file, line: c.line, target, rules: d.rules, reason: d.reason})
  }
  return out
}

/**
 * A file's lines, and for each line number the first line from it on that is neither blank nor
 * a comment (one more than the last line when there is none): found once per file, so a run
 * of 100 000 ignore comments does not rescan the run for each of them.
 */
function linesOf(source: string): {text: string[]; nextCode: Int32Array} {
  const text = source.split(/\r?\n/)
  const nextCode = new Int32Array(text.length + 2)
  nextCode[text.length + 1] = text.length + 1
  for (let n = text.length; n >= 1; n--) nextCode[n] = /^\s*([#;].*)?$/.test(text[n - 1]!) ? nextCode[n + 1]! : n
  return {text, nextCode}
}

/** Drops findings an ignore covers; adds one finding per ignore that gives no reason. */
export function applyIgnores(findings: Finding[], ignores: InlineIgnore[], host: string): {kept: Finding[]; suppressed: Finding[]} {
  const kept: Finding[] = []
  const suppressed: Finding[] = []
  // By rule and the line they cover: a config with an ignore per server and a finding per
  // server, or n ignores above one line that holds n servers (nginx allows a whole config on one
  // line), costs a lookup per finding.
  const covering = new Set<string>()
  for (const i of ignores) {
    if (!i.reason) continue
    for (const r of i.rules) covering.add(`${r}\n${i.target}\n${i.file}`)
  }
  for (const f of findings) {
    const hit = f.location.file !== undefined && f.location.line !== undefined && covering.has(`${f.ruleId}\n${f.location.line}\n${f.location.file}`)
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
