import {Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base.js'
import {escapeTerminal} from '../../text/escape.js'

export default class RulesList extends BaseCommand {
  static summary = 'List the rules: id, severity, title'
  static flags = {rules: Flags.string({description: 'Also list the rules in DIR', multiple: true, helpValue: 'DIR'})}

  async run(): Promise<unknown> {
    const {flags} = await this.parse(RulesList)
    const {loadRules} = await import('../../rules/load.js')
    const rules = await loadRules(flags.rules ?? [])
    const rows = rules.map((r) => ({id: r.id, severity: r.severity, scope: r.scope, title: r.title, builtin: r.builtin, file: r.file}))
    if (this.jsonEnabled()) return rows
    const w = Math.max(...rows.map((r) => r.id.length))
    // A user's rule file (from a pull request, in CI) can carry terminal controls in its title.
    for (const r of rows) this.log(escapeTerminal(`${r.id.padEnd(w)}  ${r.severity.padEnd(7)}  ${r.title}${r.builtin ? '' : `  (${r.file})`}`))
    return undefined
  }
}
