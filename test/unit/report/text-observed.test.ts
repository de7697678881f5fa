// The text report leads with what nginx's logs showed: the host's log summary comes before any
// finding, findings with log counts come first in their severity group, and each of them opens
// with its "observed:" line (said once: the message below it does not repeat it).
import {auditSnapshots} from '../../../src/pipeline/audit.js'
import {renderText} from '../../../src/report/text.js'
import {exampleSnapshot} from '../../../src/rules/example-snapshot.js'
import {loadRules} from '../../../src/rules/load.js'

describe('text report: observed evidence first', () => {
  it('on the misaligned hop whose error log shows the race', async () => {
    const rules = await loadRules()
    const ex = rules.find((r) => r.id === 'hop-race-observed')!.examples[0]
    const result = auditSnapshots([{snapshot: exampleSnapshot(ex), source: 'example'}], rules, {failOn: 'none', nginxVersion: '1.24.0'})
    const lines = renderText(result, {color: false}).split('\n')
    const race = lines.findIndex((l) => /^ {2}hop-race-observed {2}/.test(l))
    const shorter = lines.findIndex((l) => /^ {2}hop-backend-idle-shorter {2}/.test(l))
    expect(race).toBeGreaterThan(0)
    expect(shorter).toBeGreaterThan(0)
    const summary = lines.findIndex((l) => l.startsWith('  nginx logs in the last 24h: 1 of'))
    expect(summary).toBeGreaterThan(-1)
    expect(summary).toBeLessThan(Math.min(race, shorter))
    const said = 'observed: 3 keep-alive race signature(s) (premature close 2, reset 1; 1 on non-idempotent requests, which nginx does not retry) toward 127.0.0.1:8000 in the last 24h'
    for (const at of [race, shorter]) {
      expect(lines[at + 1]).toMatch(new RegExp(`^ {4}${said.replace(/[()[\].*+?^$|\\]/g, '\\$&')}`))
      expect(lines[at + 2]).not.toContain('keep-alive race signature(s)')
    }
    // Both are warnings here; each observed finding precedes every finding without log counts.
    const findingLines = lines.map((l, i) => [l, i] as const).filter(([l]) => /^ {2}[a-z0-9-]+ {2}/.test(l))
    const observedAt = findingLines.filter(([, i]) => lines[i + 1].startsWith('    observed:')).map(([, i]) => i)
    const otherAt = findingLines.filter(([, i]) => !lines[i + 1].startsWith('    observed:')).map(([, i]) => i)
    expect(observedAt).toHaveLength(2)
    const warnEnd = lines.findIndex((l, i) => i > race && /^[A-Z]/.test(l))
    for (const o of otherAt.filter((i) => i < (warnEnd < 0 ? Infinity : warnEnd) && i > Math.min(...observedAt))) expect(o).toBeGreaterThan(Math.max(...observedAt))
    // JSON keeps the message whole and adds the observation as its own field.
    const f = result.findings.find((x) => x.ruleId === 'hop-race-observed')!
    expect(f.observed!.startsWith(said)).toBe(true)
    expect(f.message).toContain(f.observed)
  })
})
