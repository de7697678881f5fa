// Multi-host reports: findings per host, and grouped by rule across hosts, in every format.
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {sarifErrors} from '../unit/report/sarif-validate.js'
import {parseXml} from '../unit/report/xml-reader.js'
import {HOSTS, conntune, json} from './run-cli.js'

let tmp: string
let snaps: string[]
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'ct-fleet-'))
  snaps = ['legacy-recycle', 'proxy-tw-pressure', 'server-closes-first'].map((h) => {
    const out = join(tmp, `${h}.json`)
    expect(conntune(['collect', '--root', join(HOSTS, h), '-o', out]).code).toBe(0)
    return out
  })
})
afterAll(() => rmSync(tmp, {recursive: true, force: true}))

const audit = (...args: string[]) => conntune(['audit', '--snapshot', ...snaps, '--role', 'proxy', '--fail-on', 'none', ...args])

describe('fleet reports', () => {
  it('json groups findings by rule: how many hosts, which', () => {
    const r = json(audit('--format', 'json'))
    const recycle = r.byRule.find((g: any) => g.ruleId === 'sysctl-tw-recycle-enabled')
    expect(recycle).toEqual({ruleId: 'sysctl-tw-recycle-enabled', severity: 'error', title: expect.any(String), findings: 1, hosts: ['legacy']})
    expect(r.byRule[0].severity).toBe('error')
    expect(r.byRule.reduce((n: number, g: any) => n + g.findings, 0)).toBe(r.findings.length)
  })

  it('text, markdown, sarif, junit and github all carry the across-hosts view', () => {
    expect(audit().stdout).toMatch(/Across 3 hosts\n\s+sysctl-tw-recycle-enabled\s+1\/3 hosts: legacy/)
    expect(audit('--format', 'markdown').stdout).toMatch(/\*\*Across 3 hosts\*\*[\s\S]*\| `sysctl-tw-recycle-enabled` \| error \| 1\/3 \| legacy \|/)
    const sarif = JSON.parse(audit('--format', 'sarif').stdout)
    expect(sarifErrors(sarif)).toEqual([])
    expect(sarif.runs[0].properties.byRule.map((g: any) => g.ruleId)).toContain('sysctl-tw-recycle-enabled')
    const junit = parseXml(audit('--format', 'junit').stdout)
    const fleet = junit.children.find((c: any) => c.attrs?.name === 'across hosts')
    expect(fleet!.children.map((c: any) => c.attrs.name)).toContain('sysctl-tw-recycle-enabled')
    expect(audit('--format', 'github').stdout).toMatch(/^::notice title=sysctl-tw-recycle-enabled on 1\/3 hosts::legacy$/m)
  })
})
