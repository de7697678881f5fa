// The deployments corpus: configurations in the shapes widely used projects ship, each with
// what conntune must (and must not) report, decided from primary sources (see each `why`).
import {spawnSync} from 'node:child_process'
import {BIN} from './run-cli.js'
import {loadDeployments} from '../deployments/load.js'

const deployments = loadDeployments()

describe('deployments corpus', () => {
  it('has deployments, each with a reason for every rule it names', () => {
    expect(deployments.length).toBeGreaterThan(0)
    for (const d of deployments) {
      const named = [...(d.expect.fire ?? []), ...(d.expect.notFire ?? []), ...Object.keys(d.expect.exactly ?? {})]
      expect({deployment: d.name, missing: named.filter((id) => !d.why[id])}).toEqual({deployment: d.name, missing: []})
    }
  })

  it.each(deployments.map((d) => [d.name, d] as const))('%s', (_name, d) => {
    const r = spawnSync(process.execPath, [BIN, ...d.run, '--format', 'json'], {cwd: d.dir, encoding: 'utf8', env: {...process.env, NO_COLOR: '1'}})
    let report: {findings: Array<{ruleId: string}>}
    try {
      report = JSON.parse(r.stdout)
    } catch {
      throw new Error(`${d.name}: not JSON (exit ${r.status}): ${r.stdout.slice(0, 300)} ${r.stderr.slice(0, 300)}`)
    }
    const count = (id: string) => report.findings.filter((f) => f.ruleId === id).length
    const got = {
      exit: d.expect.exit === undefined ? undefined : r.status,
      fire: (d.expect.fire ?? []).filter((id) => count(id) > 0),
      notFire: (d.expect.notFire ?? []).filter((id) => count(id) === 0),
      exactly: Object.fromEntries(Object.keys(d.expect.exactly ?? {}).map((id) => [id, count(id)])),
    }
    const want = {exit: d.expect.exit, fire: d.expect.fire ?? [], notFire: d.expect.notFire ?? [], exactly: d.expect.exactly ?? {}}
    // The same on both sides: on a mismatch the diff shows what did fire.
    const fired = [...new Set(report.findings.map((f) => f.ruleId))].sort()
    expect({...got, fired}).toEqual({...want, fired})
  })
})
