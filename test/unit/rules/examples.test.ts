// One generic test for every shipped rule: each example must fire (or not) as it says,
// through the real parsers and model. A rule without both kinds of example fails to load.
import {loadRuleDir} from '../../../src/rules/load.js'
import {runExample} from '../../../src/rules/run-examples.js'
import {compileRule} from '../../../src/rules/compile.js'
import {BUILTIN_RULES_DIR} from '../../../src/paths.js'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

const rules = await loadRuleDir(BUILTIN_RULES_DIR, true)

describe('shipped rules', () => {
  it('include every rule id this release covers', () => {
    const ids = rules.map((r) => r.id)
    for (const id of [
      'sysctl-tw-recycle-enabled', 'sysctl-tw-recycle-dead-config', 'sysctl-fin-timeout-not-time-wait',
      'sysctl-tw-reuse-off-on-proxy', 'sysctl-tw-reuse-needs-timestamps', 'sysctl-tw-reuse-no-effect-on-server',
      'sysctl-tw-buckets-overflow', 'sysctl-tw-buckets-lowered', 'sysctl-ephemeral-port-pressure',
      'sysctl-keepalive-exceeds-idle-timeout', 'sockets-server-closes-first', 'sockets-close-wait-leak',
    ]) expect(ids).toContain(id)
  })

  it('cite primary sources only (kernel, RFCs, vendor and project docs, the Linux man-pages project)', () => {
    const primary = /^https:\/\/(docs\.kernel\.org|www\.kernel\.org|git\.kernel\.org|www\.rfc-editor\.org|nginx\.org|docs\.gunicorn\.org|www\.freedesktop\.org|redmine\.lighttpd\.net|docs\.aws\.amazon\.com|cloud\.google\.com|learn\.microsoft\.com|docs\.oracle\.com|devcenter\.heroku\.com|man7\.org)\//
    for (const r of rules) for (const ref of r.references) expect(`${r.id}: ${ref.url}`).toMatch(new RegExp(`: ${primary.source.slice(1)}`))
  })

  it('compile whole: every CEL expression and template is valid', () => {
    for (const r of rules) expect(() => compileRule(r, {eager: true})).not.toThrow()
  })

  it('never claim that tcp_fin_timeout shortens TIME_WAIT', () => {
    for (const r of rules) {
      const text = readFileSync(join(BUILTIN_RULES_DIR, `${r.id}.yaml`), 'utf8').toLowerCase()
      expect(text).not.toMatch(/fin_timeout[^.\n]*(shortens|reduces|controls) time_wait/)
    }
  })
})

for (const rule of rules) {
  describe(rule.id, () => {
    for (const ex of rule.examples) {
      it(`${ex.expect === 'fire' ? 'fires' : 'passes'}: ${ex.name}`, () => {
        const r = runExample(rule, ex)
        expect(r.problem ?? 'ok').toBe('ok')
      })
    }
  })
}
