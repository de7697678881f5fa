// Markdown for a pull-request comment: a headline a reviewer can read at a glance (counts
// by severity and whether the check passes), a table per severity with the fix for each
// finding, info findings folded away, and what made the audit incomplete. GitHub caps a
// comment at 65 536 characters, so cells are truncated and long tables cut with a count.
import type {Severity} from '../model/types.js'
import {atOrAbove, type AuditResult} from '../pipeline/audit.js'
import type {Finding} from '../rules/types.js'
import type {ReportContext} from './index.js'
import {META_RULES, ruleHelpUri} from './sarif.js'
import {noFindingsHeadline} from './text.js'
import {readLines} from './read.js'
import {append} from '../append.js'

const MAX_MESSAGE = 300
const MAX_FIX = 200
const MAX_ROWS = 50
const MAX_PROBLEMS = 20

/** Cut at a character (not UTF-16 unit) boundary, preferring a word break, and say so with "…". */
export function truncate(s: string, max: number): string {
  const chars = Array.from(s)
  if (chars.length <= max) return s
  const cut = chars.slice(0, max - 1).join('')
  const space = cut.lastIndexOf(' ')
  return `${space > max * 0.6 ? cut.slice(0, space) : cut}…`
}

/** Control characters (an ESC from a file name, say) mean nothing in a comment; tabs and line breaks stay. */
function stripControls(s: string): string {
  return s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '')
}

/** Backslash-escape what Markdown or HTML would interpret; a table cell also needs "|". */
function escapePlain(s: string): string {
  return s.replace(/[\\`*_[\]~<>&|!#]/g, (c) => `\\${c}`)
}

/**
 * Inline text for a table cell. Rule messages quote commands and settings in `backticks`:
 * those stay code spans (only "|" escaped, as GFM tables require); an unpaired backtick is
 * shown as one. Line breaks become <br> so a cell stays one table row.
 */
export function escapeCell(text: string): string {
  const s = stripControls(text.replace(/\r\n?/g, '\n'))
  let out = ''
  let i = 0
  while (i < s.length) {
    const open = s.indexOf('`', i)
    const close = open === -1 ? -1 : s.indexOf('`', open + 1)
    if (open === -1 || close === -1) {
      out += escapePlain(s.slice(i))
      break
    }
    out += escapePlain(s.slice(i, open))
    const code = s.slice(open + 1, close).replace(/\n/g, ' ')
    out += code.trim() === '' ? escapePlain(s.slice(open, close + 1)) : `\`${code.replace(/\|/g, '\\|')}\``
    i = close + 1
  }
  return out.replace(/\n/g, '<br>')
}

/** A path or sysctl key as code, unless it holds a backtick (then escaped text). */
function codeCell(s: string): string {
  const one = stripControls(s.replace(/\r\n?|\n/g, ' '))
  return one.includes('`') ? escapeCell(one) : `\`${one.replace(/\|/g, '\\|')}\``
}

function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`
}

function verdict(result: AuditResult): string {
  const s = result.summary
  const failing = result.findings.filter((f) => atOrAbove(f.severity, result.failOn)).length
  switch (result.exitCode) {
    case 0:
      return result.failOn === 'none' ? '✅ **Passed** (`--fail-on none`)' : `✅ **Passed**: nothing at or above ${result.failOn}`
    case 1:
      return `❌ **Failed**: ${plural(failing, 'finding')} at or above ${result.failOn} (exit 1)`
    case 2:
      return `⛔ **Invalid**: ${plural(result.ruleFailures.length, 'rule')} failed to run (exit 2)`
    case 3:
      return `⚠️ **Incomplete**: ${plural(s.incompleteHosts, 'host')} could not be read in full (exit 3)`
    default:
      return `exit ${result.exitCode}`
  }
}

const HEADING: Record<Severity, string> = {error: 'Errors', warning: 'Warnings', info: 'Info'}

function table(findings: Finding[], ctx: ReportContext, multiHost: boolean): string[] {
  const shipped = new Set([...ctx.rules.filter((r) => r.builtin).map((r) => r.id)])
  const meta = new Map(META_RULES.map((m) => [m.id, m.helpUri]))
  const ruleCell = (id: string) => {
    const uri = shipped.has(id) ? ruleHelpUri(id) : meta.get(id)
    return uri ? `[\`${id}\`](${uri})` : codeCell(id)
  }
  const rows = findings.slice(0, MAX_ROWS).map((f) => {
    const where = `${multiHost ? `${escapeCell(f.host)}: ` : ''}${codeCell(f.location.text)}`
    const fix = f.fix ? escapeCell(truncate(f.fix.summary, MAX_FIX)) : '—'
    return `| ${ruleCell(f.ruleId)} | ${where} | ${escapeCell(truncate(f.message, MAX_MESSAGE))} | ${fix} |`
  })
  const out = ['| Rule | Location | Message | Fix |', '| --- | --- | --- | --- |', ...rows]
  if (findings.length > MAX_ROWS) out.push('', `…and ${findings.length - MAX_ROWS} more; the full list is in the SARIF or JSON report.`)
  return out
}

export function renderMarkdown(result: AuditResult, ctx: ReportContext): string {
  const s = result.summary
  const multiHost = result.hosts.length > 1
  const out: string[] = [
    `### ${escapePlain(ctx.tool.name)}: ${plural(s.error, 'error')}, ${plural(s.warning, 'warning')}, ${s.info} info`,
    '',
    `${verdict(result)} — ${plural(s.hosts, 'host')} checked.`,
  ]

  if (multiHost && result.byRule.length > 0) {
    out.push('', `**Across ${plural(result.hosts.length, 'host')}**`, '', '| rule | severity | hosts | which |', '| --- | --- | --- | --- |')
    for (const g of result.byRule) {
      const which = g.hosts.slice(0, 10).map(escapeCell).join(', ') + (g.hosts.length > 10 ? `, … ${g.hosts.length - 10} more` : '')
      out.push(`| ${codeCell(g.ruleId)} | ${g.severity} | ${g.hosts.length}/${result.hosts.length} | ${which} |`)
    }
  }

  const incomplete = result.hosts.filter((h) => h.problems.length > 0)
  if (incomplete.length > 0) {
    out.push('', `**Incomplete** on ${incomplete.map((h) => `${escapeCell(h.name)} (${plural(h.problems.length, 'unreadable input')})`).join(', ')}:`)
    const problems = incomplete.flatMap((h) => h.problems.map((p) => ({h, p})))
    for (const {h, p} of problems.slice(0, MAX_PROBLEMS)) {
      const at = `${p.file}${p.line ? `:${p.line}` : ''}${p.line && p.col ? `:${p.col}` : ''}`
      out.push(`- ${multiHost ? `${escapeCell(h.name)}: ` : ''}${codeCell(at)}: ${escapeCell(truncate(p.message, MAX_MESSAGE))}`)
    }
    if (problems.length > MAX_PROBLEMS) out.push(`- …and ${problems.length - MAX_PROBLEMS} more`)
  }
  const suppressed = result.hosts.reduce((n, h) => n + h.suppressed, 0)
  if (suppressed > 0) out.push('', `${plural(suppressed, 'finding')} covered by ignores (inline or .conntune.yaml) ${suppressed === 1 ? 'is' : 'are'} not shown.`)
  if (result.baseline) {
    const b = result.baseline
    const gone = b.gone.length > 0 ? `; ${plural(b.gone.length, 'entry', 'entries')} no longer found (fixed)` : ''
    out.push('', `${plural(b.accepted, 'finding')} accepted by the baseline ${codeCell(b.file)} ${b.accepted === 1 ? 'is' : 'are'} not shown${gone}.`)
  }
  if (result.ruleFailures.length > 0) {
    out.push('', '**Rules that failed to run:**')
    for (const r of result.ruleFailures) out.push(`- ${codeCell(r.ruleId)} on ${escapeCell(r.host)}: ${escapeCell(truncate(r.message, MAX_MESSAGE))}`)
  }

  for (const severity of ['error', 'warning'] as const) {
    const group = result.findings.filter((f) => f.severity === severity)
    if (group.length > 0) out.push('', `#### ${HEADING[severity]} (${group.length})`, '', ...table(group, ctx, multiHost))
  }
  const info = result.findings.filter((f) => f.severity === 'info')
  if (info.length > 0) {
    // Blank lines around the table: GitHub renders Markdown inside <details> only then.
    out.push('', '<details>', `<summary>${HEADING.info} (${info.length})</summary>`, '', ...table(info, ctx, multiHost), '', '</details>')
  }
  if (s.error + s.warning + s.info === 0) out.push('', noFindingsHeadline(result))
  append(out, whatWasRead(result))
  return out.join('\n') + '\n'
}

/** Folded away, after the headline it qualifies: per host, what the findings (or none) are about. */
function whatWasRead(result: AuditResult): string[] {
  const hosts = result.hosts.filter((h) => h.read)
  if (hosts.length === 0) return []
  const out = ['', '<details>', `<summary>What was read (${plural(hosts.length, 'host')})</summary>`, '']
  for (const h of hosts.slice(0, MAX_ROWS)) {
    const read = h.read!
    out.push(`**${escapeCell(h.name)}**`, '')
    for (const l of readLines(read)) out.push(`- ${escapeCell(l)}`)
    if (read.logs.files > 0) out.push(`- nginx logs: ${read.logs.read} of ${plural(read.logs.files, 'file')} read`)
    for (const n of read.logs.notes.slice(0, MAX_PROBLEMS)) out.push(`- note: ${escapeCell(truncate(n, MAX_MESSAGE))}`)
    for (const k of read.skipped.slice(0, MAX_PROBLEMS)) out.push(`- skipped ${codeCell(k.file)}: ${escapeCell(k.reason)}`)
    if (read.skipped.length > MAX_PROBLEMS) out.push(`- …and ${read.skipped.length - MAX_PROBLEMS} more skipped`)
    out.push('')
  }
  if (hosts.length > MAX_ROWS) out.push(`…and ${hosts.length - MAX_ROWS} more hosts; the JSON report lists them all.`, '')
  out.push('</details>')
  return out
}
