// .conntune.yaml ignores are looked up by rule, host and the endings of a finding's path, not
// tried one by one: the same findings must be suppressed as by the rule in the README (an
// ignore applies to its rule; `host:` to that host only; `file:` to that path or any path
// ending in /FILE), checked here against that rule written out directly, on random cases.
import {applyProjectIgnores} from '../../../src/pipeline/project.js'
import type {LoadedProject} from '../../../src/config/project.js'
import type {Finding} from '../../../src/rules/types.js'

function rng(seed: number) {
  return () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x80000000)
}
const pick = <T,>(r: () => number, xs: T[]): T => xs[Math.floor(r() * xs.length)]

const RULES = ['nginx-a', 'nginx-b', 'sysctl-c']
const HOSTS = ['web1', 'web2', 'files']
const FILES = ['/etc/nginx/nginx.conf', '/etc/nginx/sites/a.conf', 'nginx/sites/a.conf', 'a.conf', 'sites/b.conf', '/srv/app//x/a.conf', undefined]
const IGNORE_FILES = ['etc/nginx/nginx.conf', 'nginx.conf', 'a.conf', 'sites/a.conf', '/etc/nginx/sites/a.conf', 'x/a.conf', '/x/a.conf', 'b.conf', 'ites/a.conf', undefined]

const finding = (ruleId: string, host: string, file: string | undefined): Finding =>
  ({ruleId, severity: 'warning', title: 't', host, location: {...(file ? {file} : {}), text: file ?? ''}, message: 'm', evidence: {}, fix: {summary: 's', actions: []}, references: []}) as Finding

describe('project ignores', () => {
  it('suppress what the documented rule suppresses, on random ignores and findings', () => {
    const r = rng(11)
    for (let round = 0; round < 300; round++) {
      const ignores = Array.from({length: Math.floor(r() * 6)}, () => {
        const file = pick(r, IGNORE_FILES)
        const host = r() < 0.3 ? pick(r, HOSTS) : undefined
        return {rule: pick(r, RULES), reason: 'accepted', ...(file ? {file} : {}), ...(host ? {host} : {})}
      })
      const project = {file: '.conntune.yaml', config: {ignores}} as unknown as LoadedProject
      const findings = Array.from({length: 20}, () => finding(pick(r, RULES), pick(r, HOSTS), pick(r, FILES)))
      const want = findings.filter((f) => ignores.some((i) => i.rule === f.ruleId && (!i.host || i.host === f.host) && (!i.file || i.file === f.location.file || !!f.location.file?.endsWith(`/${i.file}`))))
      const got = applyProjectIgnores(findings, project, 'web1', '2026-01-01')
      expect(got.suppressed).toEqual(want)
      expect(got.kept).toEqual(findings.filter((f) => !want.includes(f)))
    }
  })

  it('an expired ignore suppresses nothing and is reported', () => {
    const project = {file: '.conntune.yaml', config: {ignores: [{rule: 'nginx-a', reason: 'r', expires: '2025-12-31'}]}} as unknown as LoadedProject
    const got = applyProjectIgnores([finding('nginx-a', 'web1', 'a.conf')], project, 'web1', '2026-01-01')
    expect(got.suppressed).toEqual([])
    expect(got.kept.map((f) => f.ruleId)).toEqual(['nginx-a', 'conntune-ignore-expired'])
  })
})
