// docs/rules/ID.md, generated from the rule's YAML: what fires it, why, the evidence shown,
// the fix, references and the examples. SARIF helpUri and `rules show` point here; a test
// fails when a page is out of date (regenerate with `npm run docs`).
import {yamlSync} from '../yaml-sync.js'
import type {LoadedRule} from './types.js'

export {DOCS_URL, docsPath} from './docs-url.js'

function fence(lang: string, text: string): string {
  const body = text.trimEnd()
  const ticks = body.includes('```') ? '````' : '```'
  return `${ticks}${lang}\n${body}\n${ticks}`
}

export function ruleDoc(rule: LoadedRule): string {
  const out: string[] = []
  out.push(`<!-- Generated from rules/${rule.id}.yaml by \`npm run docs\`; edit the YAML, not this page. -->`)
  out.push(`# ${rule.id}`, '', `**${rule.title}**`, '')
  const sev = [`**Severity:** ${rule.severity}`]
  for (const s of rule.severityWhen ?? []) sev.push(`${s.severity} when \`${s.when.replace(/\s+/g, ' ').trim()}\``)
  out.push(`${sev.join('; ')} · **Walks:** \`${rule.scope}\` (each element is \`item\`)`, '')
  out.push('## Why', '', rule.rationale.trim(), '')
  out.push('## What fires it', '', fence('cel', rule.when), '')
  if (rule.params && Object.keys(rule.params).length > 0) {
    out.push('Thresholds (`params`, overridable by copying the rule):', '')
    for (const [k, v] of Object.entries(rule.params)) out.push(`- \`${k}\`: ${String(v)}`)
    out.push('')
  }
  out.push('## What it says', '', fence('text', rule.message.replace(/\s+/g, ' ').trim()), '')
  if (rule.evidence && Object.keys(rule.evidence).length > 0) {
    out.push('## Evidence shown with it', '')
    for (const [k, v] of Object.entries(rule.evidence)) out.push(`- **${k}**: \`${v.replace(/\s+/g, ' ').trim()}\``)
    out.push('')
  }
  if (rule.fix) {
    out.push('## Fix', '', fence('text', rule.fix.summary.replace(/\s+/g, ' ').trim()))
    for (const a of rule.fix.actions ?? []) {
      out.push('', 'sysctl' in a ? `- persists \`${a.sysctl}\` = \`${a.value}\` (one /etc/sysctl.d drop-in)` : 'set' in a ? `- sets \`${a.set}\` to \`${a.value}\` (changes its line, or adds it to its block)` : `- deletes the line of \`${a.deleteLine}\``)
    }
    out.push('')
  }
  out.push('## References', '')
  for (const r of rule.references) out.push(`- [${r.title}](${r.url})`)
  out.push('', '## Examples', '')
  for (const ex of rule.examples) {
    out.push(`### ${ex.expect === 'fire' ? 'Fires' : 'Passes'}: ${ex.name}`, '')
    const input: Record<string, unknown> = {}
    if (ex.options) input.options = ex.options
    if (ex.host) input.host = ex.host
    if (ex.count || ex.severity || ex.messageContains) input.expect = {...(ex.count ? {count: ex.count} : {}), ...(ex.severity ? {severity: ex.severity} : {}), ...(ex.messageContains ? {messageContains: ex.messageContains} : {})}
    out.push(Object.keys(input).length > 0 ? fence('yaml', yamlSync().stringify(input, {lineWidth: 0})) : '_Defaults only: a current kernel, nothing configured._', '')
  }
  return out.join('\n').trimEnd() + '\n'
}
