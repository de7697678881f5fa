// What one host (and the hosts collected at once) may send is bounded: a fake `ssh` that
// prints without end is stopped at the per-host cap, and hosts that each stay under their cap
// are stopped when together they pass the fleet's budget. One clear line, never V8's
// "Cannot create a string longer than …".
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {runFleet} from '../../../src/sources/fleet.js'
import {OutputBudget} from '../../../src/sources/output-budget.js'
import {collectSsh, SshError} from '../../../src/sources/ssh.js'
import {fakeSsh as makeFakeSsh} from './fake-ssh.js'

const MiB = 1024 * 1024
let dir: string
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'ct-ssh-bounds-'))))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

const fakeSsh = (name: string, body: string) => makeFakeSsh(dir, name, body)

/** Valid collector output whose net/tcp is BYTES long, held open SECONDS before the END. */
const collectorWith = (bytes: number, seconds: number) =>
  fakeSsh(
    `collector-${bytes}-${seconds}`,
    [
      'B=--conntune-0f0e0d0c-1111-2222-3333-444455556666',
      `printf 'conntune-collector 1 %s\\n\\n%s PROC ok ${bytes} net/tcp\\n' "$B" "$B"`,
      `head -c ${bytes} /dev/zero | tr '\\0' x`,
      `sleep ${seconds}`,
      `printf '\\n%s END\\n' "$B"`,
    ].join('\n'),
  )

describe('ssh output bounds', () => {
  it('stops a host that prints without end at its cap, with one line', async () => {
    const ssh = fakeSsh('endless', 'exec yes conntune')
    const err = await collectSsh({host: 'evil', label: 'evil'}, {toolVersion: 't', sshBinary: ssh, maxOutputBytes: 4 * MiB}).catch((e) => e)
    expect(err).toBeInstanceOf(SshError)
    expect(err.kind).toBe('bad-output')
    expect(err.message).toBe('collector output exceeded 4 MiB; stopped')
  })

  it('takes from the shared budget and gives it all back', async () => {
    const budget = new OutputBudget(8 * MiB)
    const r = await collectSsh({host: 'ok', label: 'ok'}, {toolVersion: 't', sshBinary: collectorWith(2 * MiB, 0), budget})
    expect(r.snapshot.proc['net/tcp']?.text?.length).toBe(2 * MiB)
    expect(budget.inUse).toBe(0)
    await expect(collectSsh({host: 'e', label: 'e'}, {toolVersion: 't', sshBinary: fakeSsh('endless2', 'exec yes'), budget})).rejects.toThrow(/exceeded 8 MiB; stopped/)
    expect(budget.inUse).toBe(0)
  })

  it('hosts under their cap that together pass the fleet budget: one is stopped, the others complete', async () => {
    const ssh = collectorWith(3 * MiB, 1)
    const targets = ['a', 'b', 'c'].map((h) => ({host: h, label: h}))
    const at = {toolVersion: 't', sshBinary: ssh, maxOutputBytes: 8 * MiB, fleetOutputBytes: 7 * MiB, progress: false}
    const together = await runFleet(targets, {...at, concurrency: 3})
    const stopped = together.filter((r) => !r.ok)
    expect(stopped).toHaveLength(1)
    expect(stopped[0]).toMatchObject({kind: 'bad-output', error: 'output of the hosts collected at once exceeded 7 MiB; stopped'})
    for (const r of together.filter((x) => x.ok)) expect(r.ok && r.problems).toEqual([])
    // One at a time the same hosts fit: each gives its share back when it is done.
    const apart = await runFleet(targets, {...at, concurrency: 1})
    expect(apart.map((r) => r.ok)).toEqual([true, true, true])
  }, 30_000)
})
