// The text format, for people: grouped by severity, each finding with where, why (the
// evidence) and what to do. Colour only when asked (the command passes color: isTTY).
import type {Severity} from '../model/types.js'
import type {AuditResult} from '../pipeline/audit.js'
import {formatValue} from '../rules/evaluate.js'
import {escapeTerminal as esc} from '../text/escape.js'
import {readLines} from './read.js'

const CODES = {red: [31, 39], yellow: [33, 39], cyan: [36, 39], bold: [1, 22], dim: [2, 22]} as const
type Style = keyof typeof CODES

function styler(color: boolean) {
  return (style: Style, s: string) => (color ? `\u001B[${CODES[style][0]}m${s}\u001B[${CODES[style][1]}m` : s)
}

const LABEL: Record<Severity, {text: string; style: Style}> = {
  error: {text: 'ERROR', style: 'red'},
  warning: {text: 'WARNING', style: 'yellow'},
  info: {text: 'INFO', style: 'cyan'},
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

export function renderText(result: AuditResult, opts: {color: boolean}): string {
  const c = styler(opts.color)
  const out: string[] = []
  const multiHost = result.hosts.length > 1

  for (const h of result.hosts) {
    const facts = [...(h.hostname !== undefined && h.hostname !== h.name ? [`hostname ${h.hostname}`] : []), h.source, h.kernel ? `kernel ${h.kernel}` : 'kernel unknown', `role ${h.role}`]
    if (h.frontend) facts.push(`behind ${h.frontend}`)
    out.push(c('bold', esc(h.name)) + c('dim', ` (${esc(facts.join(', '))})`))
    // What was read comes first: "no findings" below is about exactly this.
    if (h.read) for (const l of readLines(h.read)) out.push(c('dim', `  read: ${esc(l)}`))
    if (h.suppressed > 0) out.push(c('dim', `  ${h.suppressed} finding${h.suppressed === 1 ? '' : 's'} covered by inline ignores`))
    if (h.logs && h.logs.files.length > 0) {
      const read = h.logs.files.filter((f) => !f.error)
      out.push(c('dim', esc(`  nginx logs ${h.logs.window}: ${read.length} of ${h.logs.files.length} read${read.length > 0 ? ` (${read.map((f) => `${f.file}: ${f.inWindow} signature line${f.inWindow === 1 ? '' : 's'}`).join(', ')})` : ''}`)))
      for (const u of h.logs.unattributed) out.push(`  ${c('yellow', 'observed:')} ${esc(u.file)}: ${u.status502} 502 and ${u.status504} 504 responses (its log_format does not record the upstream)`)
      for (const n of h.logs.notes) out.push(c('dim', `  note: ${esc(n)}`))
    }
    for (const p of h.problems) {
      const at = `${p.file}${p.line ? `:${p.line}` : ''}${p.line && p.col ? `:${p.col}` : ''}`
      out.push(`  ${c('yellow', 'incomplete:')} ${esc(at)}: ${esc(p.message)}`)
    }
    for (const s of h.read?.skipped ?? h.skipped ?? []) out.push(c('dim', `  skipped: ${esc(s.file)}: ${esc(s.reason)}`))
  }
  out.push('')

  for (const severity of ['error', 'warning', 'info'] as Severity[]) {
    // What the logs showed comes before what the configuration predicts (stable otherwise).
    const all = result.findings.filter((f) => f.severity === severity)
    const group = [...all.filter((f) => f.observed), ...all.filter((f) => !f.observed)]
    if (group.length === 0) continue
    const label = LABEL[severity]
    out.push(c(label.style, c('bold', `${label.text} (${group.length})`)))
    for (const f of group) {
      out.push(`  ${c(label.style, f.ruleId)}  ${multiHost ? `${esc(f.host)}: ` : ''}${esc(f.location.text)}`)
      if (f.observed) out.push(`    ${c('yellow', 'observed:')} ${esc(f.observed.replace(/^observed: /, ''))}`)
      // The message repeats the observation for formats that have no lead line; here it leads.
      out.push(`    ${esc(f.observed ? f.message.replace(`nginx ${f.observed}. `, '').replace(`nginx ${f.observed}.`, '').trim() : f.message)}`)
      const ev = Object.entries(f.evidence)
      if (ev.length > 0) out.push(c('dim', `    evidence: ${esc(ev.map(([k, v]) => `${k}=${formatValue(v)}`).join(', '))}`))
      if (f.fix) out.push(`    ${c('bold', 'fix:')} ${esc(f.fix.summary)}`)
      out.push('')
    }
  }

  if (multiHost && result.byRule.length > 0) {
    out.push(c('bold', `Across ${result.hosts.length} hosts`))
    for (const g of result.byRule) {
      const shown = esc(g.hosts.slice(0, 8).join(', ')) + (g.hosts.length > 8 ? `, … (${g.hosts.length - 8} more)` : '')
      out.push(`  ${c(LABEL[g.severity].style, g.ruleId)}  ${g.hosts.length}/${result.hosts.length} hosts: ${shown}`)
    }
    out.push('')
  }

  for (const r of result.ruleFailures) out.push(`${c('red', 'rule failed:')} ${esc(`${r.file}: ${r.ruleId} on ${r.host}: ${r.message}`)}`)

  const s = result.summary
  if (result.baseline) {
    const b = result.baseline
    out.push(c('dim', `Baseline ${b.file}: ${b.accepted} accepted finding${b.accepted === 1 ? '' : 's'} not shown${b.gone.length ? `; ${b.gone.length} no longer found (fixed — rewrite the baseline to drop them)` : ''}.`))
  }
  if (s.error + s.warning + s.info === 0) out.push(c('bold', noFindingsHeadline(result)))
  const parts = [plural(s.error, 'error'), plural(s.warning, 'warning'), `${s.info} info`]
  let line = `${parts.join(', ')} on ${plural(s.hosts, 'host')}`
  if (s.incompleteHosts > 0) line += `; incomplete on ${plural(s.incompleteHosts, 'host')}`
  out.push(line + '.')
  return out.join('\n') + '\n'
}

/** A fleet host that gave no snapshot (fleet.ts unreachableHost): nothing on it was judged. */
export function isUnaudited(h: AuditResult['hosts'][number]): boolean {
  return h.source === 'ssh' && h.kernel === null && !h.sockets.observed && h.problems.some((p) => p.file.startsWith('ssh://'))
}

/** "No findings" only means something about hosts that were read; unreachable ones are said apart. */
export function noFindingsHeadline(result: AuditResult): string {
  const none = result.baseline ? 'No new findings' : 'No findings'
  const unaudited = result.hosts.filter(isUnaudited).length
  if (unaudited === 0) return `${none}.`
  const audited = result.hosts.length - unaudited
  if (audited === 0) return `Nothing was audited: ${unaudited === 1 ? 'the host was' : `all ${unaudited} hosts were`} unreachable (see the problems above).`
  return `${none} on the ${audited} host${audited === 1 ? '' : 's'} audited; ${unaudited} unreachable, not audited.`
}
