// For every rule with a fix, on each example that fires: apply the fix, audit again — that
// finding is gone and no new error appears — and fixing twice changes nothing.
import {buildHostModel} from '../../../src/model/build.js'
import {planFixes} from '../../../src/fix/edits.js'
import {applyToSnapshot as apply, snapshotTexts} from '../../../src/fix/converge.js'
import {compileRule} from '../../../src/rules/compile.js'
import {evaluateRules} from '../../../src/rules/evaluate.js'
import {exampleSnapshot} from '../../../src/rules/example-snapshot.js'
import {loadRuleDir} from '../../../src/rules/load.js'
import {BUILTIN_RULES_DIR} from '../../../src/paths.js'
import type {RuleExample} from '../../../src/rules/types.js'
import type {Snapshot} from '../../../src/snapshot/types.js'

const rules = await loadRuleDir(BUILTIN_RULES_DIR, true)
const all = rules.map((r) => compileRule(r))
const fixable = rules.filter((r) => (r.fix?.actions ?? []).length > 0)

function audit(snap: Snapshot, ex: RuleExample) {
  const o = ex.options ?? {}
  const model = buildHostModel(snap, {source: o.filesOnly ? 'files' : 'example', ...o, backends: (o.backends ?? []).map((b) => ({...b, file: '.conntune.yaml'}))})
  return {model, findings: evaluateRules(all, model).findings}
}

const texts = snapshotTexts

/**
 * Fixes that cannot make their finding go away by configuration, and say so in their fix text:
 * a counter kept since boot, and a connection rate no port range can carry.
 */
const PARTIAL: Record<string, string> = {
  'sysctl-tw-buckets-overflow: overflows counted': 'TCPTimeWaitOverflow counts since boot; raising the limit stops new overflows, the counter stays',
  'sysctl-ephemeral-port-pressure: expected rate beyond what the range sustains': '1000 new connections/s need connection reuse; the fix says so before widening the range',
}

for (const rule of fixable) {
  describe(`fix for ${rule.id}`, () => {
    for (const ex of rule.examples.filter((e) => e.expect === 'fire')) {
      it(`converges: ${ex.name}`, () => {
        const snap = exampleSnapshot(ex)
        const first = audit(snap, ex)
        const mine = first.findings.filter((f) => f.ruleId === rule.id)
        expect(mine.length).toBeGreaterThan(0)
        const plan = planFixes(mine, texts(snap))
        if (plan.after.size === 0) {
          // Nothing editable (e.g. an implicit upstream, a declared backend): it must say why.
          expect(plan.notes.length).toBeGreaterThan(0)
          return
        }
        const fixed = apply(snap, plan.after)
        const second = audit(fixed, ex)
        if (!PARTIAL[`${rule.id}: ${ex.name}`]) expect(second.findings.filter((f) => f.ruleId === rule.id).map((f) => f.message)).toEqual([])
        const errorsBefore = new Set(first.findings.filter((f) => f.severity === 'error').map((f) => f.ruleId))
        expect(second.findings.filter((f) => f.severity === 'error' && !errorsBefore.has(f.ruleId)).map((f) => f.ruleId)).toEqual([])
        // Fixing again (everything the second audit still reports from this rule) changes nothing.
        const again = planFixes(second.findings.filter((f) => f.ruleId === rule.id), texts(fixed))
        expect([...again.after].filter(([p, t]) => texts(fixed)[p] !== t)).toEqual([])
      })
    }
  })
}
