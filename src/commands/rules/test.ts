import {Args} from '@oclif/core'
import {BaseCommand} from '../../cli/base.js'
import {escapeTerminal} from '../../text/escape.js'
import {EXIT} from '../../errors.js'

export default class RulesTest extends BaseCommand {
  static summary = "Run rules' examples: each must fire, or not, as it says"
  static description = 'With DIR, tests the rules in DIR (validated against rules/schema.json); without, the shipped rules. Exit 1 when an example fails, 2 when a rule is invalid.'
  static args = {dir: Args.string({description: 'Directory of rule YAML files (default: the shipped rules)'})}

  async run(): Promise<unknown> {
    const {args} = await this.parse(RulesTest)
    const [{loadRuleDir, loadBuiltinRules}, {runRuleExamples}] = await Promise.all([import('../../rules/load.js'), import('../../rules/run-examples.js')])
    const rules = args.dir ? await loadRuleDir(args.dir) : await loadBuiltinRules()
    const results = runRuleExamples(rules)
    const failed = results.filter((r) => !r.ok)
    this.finish(failed.length > 0 ? EXIT.findings : EXIT.ok)
    if (this.jsonEnabled()) return {rules: rules.length, examples: results.length, failed}
    for (const r of failed) this.log(`FAIL ${escapeTerminal(`${r.ruleId} — ${r.example}: ${r.problem}`)}\n     ${escapeTerminal(r.file)}`)
    this.log(`${results.length - failed.length} passed, ${failed.length} failed`)
    return undefined
  }
}
