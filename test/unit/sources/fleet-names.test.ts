// Names are not trust: the inventory or --host name is a host's identity; what it calls itself
// is an attribute. Two hosts with one hostname stay two hosts (findings, by-rule counts, files).
import {fileURLToPath} from 'node:url'
import {UserError} from '../../../src/errors.js'
import {auditSnapshots, uniqueNames} from '../../../src/pipeline/audit.js'
import {loadRules} from '../../../src/rules/load.js'
import {collectLocal} from '../../../src/sources/local.js'
import {distinctTargets} from '../../../src/sources/remote.js'
import {snapshotFileNames} from '../../../src/sources/snapshot-files.js'
import {parseCollectorOutput} from '../../../src/sources/collector-output.js'
import {toJsonReport} from '../../../src/report/json.js'
import {renderText} from '../../../src/report/text.js'

const LEGACY = fileURLToPath(new URL('../../fixtures/hosts/legacy-recycle', import.meta.url))

describe('one name, two hosts', () => {
  it('two snapshots that share a name are reported as two hosts, and by-rule counts both', async () => {
    const a = await collectLocal({root: LEGACY, toolVersion: 'test'})
    const b = await collectLocal({root: LEGACY, toolVersion: 'test'})
    a.host = {name: 'web.test'}
    b.host = {name: 'web.test'}
    const result = auditSnapshots([{snapshot: a, source: 'local'}, {snapshot: b, source: 'local'}], await loadRules(), {failOn: 'none'})
    expect(result.hosts.map((h) => h.name)).toEqual(['web.test', 'web.test #2'])
    expect(result.summary.hosts).toBe(2)
    expect(result.byRule.length).toBeGreaterThan(0)
    for (const g of result.byRule) expect(g.hosts).toEqual(['web.test', 'web.test #2'])
  })

  it('uniqueNames never lands on a name another input already has', () => {
    expect(uniqueNames(['a', 'a', 'a #2', 'b'])).toEqual(['a', 'a #3', 'a #2', 'b'])
  })

  it('the hostname is shown as an attribute, escaped, beside the identity', async () => {
    const s = await collectLocal({root: LEGACY, toolVersion: 'test'})
    s.host = {name: 'web1', hostname: 'evil\\x1b[2J'}
    const result = auditSnapshots([{snapshot: s, source: 'ssh'}], [], {failOn: 'none'})
    expect(result.hosts[0]).toMatchObject({name: 'web1', hostname: 'evil\\x1b[2J'})
    expect((toJsonReport(result, {name: 'conntune', version: 'test'}) as {hosts: Array<{hostname?: string}>}).hosts[0].hostname).toBe('evil\\x1b[2J')
    expect(renderText(result, {color: false})).toContain('web1 (hostname evil\\x1b[2J, ssh,')
  })
})

describe('targets', () => {
  const t = (label: string, host = label, extra: object = {}) => ({host, label, ...extra})
  it('the same host twice is read once; one name for two hosts is refused', () => {
    expect(distinctTargets([t('web1'), t('web1'), t('db1')]).map((x) => x.label)).toEqual(['web1', 'db1'])
    expect(() => distinctTargets([t('web1', '10.0.0.1'), t('web1', '10.0.0.2')])).toThrow(/"web1" is given for two different hosts \(10\.0\.0\.1 and 10\.0\.0\.2\)/)
    expect(() => distinctTargets([t('web1', 'web1', {port: 22}), t('web1', 'web1', {port: 2222})])).toThrow(UserError)
  })
  it('names with control characters are refused', () => {
    expect(() => distinctTargets([t('web\u001b[31m1', 'web1')])).toThrow('control characters')
  })
})

describe('collect -o DIR file names', () => {
  it('sanitised, never hidden, bounded, and distinct (also case-insensitively)', () => {
    expect(snapshotFileNames(['web1', 'a/b', 'a_b', '..', 'Web1', 'x'.repeat(300)])).toEqual([
      'web1.json', 'a_b.json', 'a_b-2.json', '__.json', 'Web1-2.json', `${'x'.repeat(120)}.json`,
    ])
  })
})

describe('collector output', () => {
  it('reports the hostname it read, separately from the name', () => {
    const B = '--conntune-0f0e0d0c-1111-2222-3333-444455556666'
    const out = `conntune-collector 1 ${B}\n\n${B} KERNEL ok hostname\nweb.test\n${B} END\n`
    const r = parseCollectorOutput(out, {source: 'ssh', toolVersion: 'test', fallbackName: 'web1'})
    expect(r.hostname).toBe('web.test')
  })
})
