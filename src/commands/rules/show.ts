import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base.js'
import {UserError} from '../../errors.js'
import {escapeTerminal} from '../../text/escape.js'

/** Ids containing the query first, then those sharing the most words with it. */
function suggestIds(query: string, ids: string[]): string[] {
  const contains = ids.filter((id) => id.includes(query))
  if (contains.length > 0) return contains
  const words = new Set(query.split('-').filter((w) => w.length > 1))
  return ids
    .map((id) => ({id, score: id.split('-').filter((w) => words.has(w)).length}))
    .filter((x) => x.score > 0)
    .sort((a, b) => b.score - a.score)
    .map((x) => x.id)
}

export default class RulesShow extends BaseCommand {
  static summary = 'Show one rule: what fires it, why, the fix, references and examples'
  static args = {id: Args.string({description: 'Rule id', required: true})}
  static flags = {rules: Flags.string({description: 'Also look in DIR', multiple: true, helpValue: 'DIR'})}

  async run(): Promise<unknown> {
    const {args, flags} = await this.parse(RulesShow)
    const [{loadRules}, {DOCS_URL, docsPath}] = await Promise.all([import('../../rules/load.js'), import('../../rules/docs.js')])
    const rules = await loadRules(flags.rules ?? [])
    const rule = rules.find((r) => r.id === args.id)
    if (!rule) {
      const near = suggestIds(args.id, rules.map((r) => r.id))
      throw new UserError(`no rule "${args.id}"${near.length ? `; did you mean ${near.slice(0, 3).join(', ')}?` : ' (conntune rules list shows them)'}`)
    }
    if (this.jsonEnabled()) return rule
    const lines = [
      `${rule.id}  (${rule.severity}, walks ${rule.scope})`,
      rule.title,
      '',
      'Fires when:',
      `  ${rule.when.trim().replace(/\n/g, '\n  ')}`,
      '',
      'Why:',
      `  ${rule.rationale.trim().replace(/\n/g, '\n  ')}`,
    ]
    if (rule.severityWhen?.length) lines.push('', 'Severity:', ...rule.severityWhen.map((s) => `  ${s.severity} when ${s.when.trim()}`))
    if (rule.fix) lines.push('', 'Fix:', `  ${rule.fix.summary.trim()}`)
    lines.push('', 'References:', ...rule.references.map((r) => `  ${r.title}\n    ${r.url}`))
    lines.push('', 'Examples:', ...rule.examples.map((e) => `  [${e.expect}] ${e.name}`))
    lines.push('', `Defined in ${rule.file}`)
    if (rule.builtin) lines.push(`Documentation: ${DOCS_URL}/${rule.id}.md (also ${docsPath(rule.id)} in the package)`)
    // User rules are files from anywhere (a pull request in CI): their text reaches a terminal.
    this.log(escapeTerminal(lines.join('\n'), {multiline: true}))
    return undefined
  }
}
