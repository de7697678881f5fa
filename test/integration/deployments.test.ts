// The deployment corpus: configurations in the shapes widely used projects ship them, each
// with what conntune must (and must not) report and the primary source that decides it
// (test/deployments/NAME/deployment.yaml). Every case runs the built CLI in its directory.
import {spawnSync} from 'node:child_process'
import {loadDeployments} from './deployments-load.js'
import {BIN} from './run-cli.js'

const deployments = loadDeployments()

describe('deployment corpus', () => {
  it('has deployments', () => {
    expect(deployments.length).toBeGreaterThan(0)
  })

  it.each(deployments.map((d) => [d.name, d] as const))('%s', (_name, d) => {
    const {expect: want, why} = d.spec
    // Every rule named in an expectation has the source that decides it.
    for (const id of [...(want.fire ?? []), ...(want.notFire ?? []), ...Object.keys(want.exactly ?? {})]) expect({id, why: why[id] ?? null}).toEqual({id, why: expect.any(String)})
    const r = spawnSync(process.execPath, [BIN, ...d.spec.run, '--format', 'json'], {cwd: d.dir, encoding: 'utf8', env: {...process.env, NO_COLOR: '1'}, maxBuffer: 64 * 1024 * 1024})
    let report: {findings: Array<{ruleId: string}>}
    try {
      report = JSON.parse(r.stdout)
    } catch {
      throw new Error(`${d.name}: not JSON (exit ${r.status}): ${r.stdout.slice(0, 300)} ${r.stderr.slice(0, 300)}`)
    }
    const counts: Record<string, number> = {}
    for (const f of report.findings) counts[f.ruleId] = (counts[f.ruleId] ?? 0) + 1
    const got = {
      exit: want.exit === undefined ? undefined : r.status,
      fire: (want.fire ?? []).filter((id) => counts[id]),
      notFire: (want.notFire ?? []).filter((id) => !counts[id]),
      exactly: Object.fromEntries(Object.keys(want.exactly ?? {}).map((id) => [id, counts[id] ?? 0])),
    }
    expect({name: d.name, ...got, all: counts}).toEqual({
      name: d.name,
      exit: want.exit,
      fire: want.fire ?? [],
      notFire: want.notFire ?? [],
      exactly: want.exactly ?? {},
      all: expect.anything(),
    })
  })
})
