// Runs every rule's examples through the whole pipeline (snapshot → parsers → model →
// that one rule) and says which did not behave as written. Used by the test suite for the
// shipped rules and by `conntune rules test DIR` for users' own rules.
import {buildHostModel} from '../model/build.js'
import {compileRule} from './compile.js'
import {evaluateRules} from './evaluate.js'
import {exampleSnapshot} from './example-snapshot.js'
import type {LoadedRule, RuleExample} from './types.js'

export interface ExampleResult {
  ruleId: string
  file: string
  example: string
  ok: boolean
  problem?: string
}

export function runExample(rule: LoadedRule, ex: RuleExample): ExampleResult {
  const base = {ruleId: rule.id, file: rule.file, example: ex.name}
  const opts = ex.options ?? {}
  let model
  try {
    model = buildHostModel(exampleSnapshot(ex), {
      source: opts.filesOnly ? 'files' : 'example',
      role: opts.role,
      behind: opts.behind,
      lbIdleTimeout: opts.lbIdleTimeout,
      natIdleTimeout: opts.natIdleTimeout,
      expectedRate: opts.expectedRate,
      nginxVersion: opts.nginxVersion,
      lighttpdVersion: opts.lighttpdVersion,
      gunicornVersion: opts.gunicornVersion,
      backends: (opts.backends ?? []).map((b) => ({...b, file: '.conntune.yaml'})),
    })
  } catch (error) {
    return {...base, ok: false, problem: `could not build the example host: ${(error as Error).message}`}
  }
  const {findings, failures} = evaluateRules([compileRule(rule)], model)
  if (failures.length > 0) return {...base, ok: false, problem: `rule failed: ${failures[0].message}`}
  const want = ex.expect === 'fire' ? (ex.count ?? 1) : 0
  if (findings.length !== want) {
    return {...base, ok: false, problem: `expected ${want} finding(s), got ${findings.length}${findings[0] ? ` (first: ${findings[0].message})` : ''}`}
  }
  if (ex.severity && findings.some((f) => f.severity !== ex.severity)) {
    return {...base, ok: false, problem: `expected severity ${ex.severity}, got ${findings.map((f) => f.severity).join(', ')}`}
  }
  if (ex.messageContains && !findings.some((f) => f.message.includes(ex.messageContains!))) {
    return {...base, ok: false, problem: `no message contains "${ex.messageContains}": ${findings.map((f) => f.message).join(' | ')}`}
  }
  return {...base, ok: true}
}

export function runRuleExamples(rules: LoadedRule[]): ExampleResult[] {
  return rules.flatMap((r) => r.examples.map((ex) => runExample(r, ex)))
}
