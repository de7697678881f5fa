// How one ssh process can fail, each told apart: a program that is not there, a host that never
// answers (and one that ignores SIGTERM), an ssh that floods stderr, a refused connection, a
// cancelled fleet. Fake ssh programs: the real ones are in test/real/ssh-fleet.test.ts.
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {collectSsh, SshError} from '../../../src/sources/ssh.js'
import {MAX_STDERR_BYTES} from '../../../src/sources/output-budget.js'
import {fakeSsh as makeFakeSsh} from './fake-ssh.js'

let dir: string
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'ct-ssh-proc-'))))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

const fakeSsh = (name: string, body: string) => makeFakeSsh(dir, name, body)

const fails = (sshBinary: string, extra: Record<string, unknown> = {}) =>
  collectSsh({host: 'h', label: 'h'}, {toolVersion: 't', sshBinary, ...extra}).then(
    () => {
      throw new Error('expected a failure')
    },
    (e: unknown) => {
      expect(e).toBeInstanceOf(SshError)
      return e as SshError
    },
  )

describe('one ssh process', () => {
  it('a program that is not there', async () => {
    const e = await fails(join(dir, 'no-such-ssh'))
    expect([e.kind, e.message]).toEqual(['failed', `cannot run ${join(dir, 'no-such-ssh')}: ENOENT`])
  })

  it('a host that never answers is stopped at the timeout', async () => {
    const t0 = Date.now()
    const e = await fails(fakeSsh('hang', 'exec sleep 30'), {timeoutMs: 300})
    expect([e.kind, e.message]).toEqual(['timeout', 'no answer within 0s (ssh was stopped)'])
    expect(Date.now() - t0).toBeLessThan(5000)
  })

  it('one that ignores SIGTERM is killed a moment later', async () => {
    const t0 = Date.now()
    // sleep in the background so the shell itself (which traps TERM) is what must be killed.
    const e = await fails(fakeSsh('stubborn', "trap '' TERM\nwhile :; do sleep 0.1; done"), {timeoutMs: 200})
    expect(e.kind).toBe('timeout')
    const took = Date.now() - t0
    expect(took).toBeGreaterThanOrEqual(2000)
    expect(took).toBeLessThan(8000)
  }, 15_000)

  it('a host past its output cap that ignores SIGTERM is killed a moment later, not at the timeout', async () => {
    const t0 = Date.now()
    const e = await fails(fakeSsh('stubborn-flood', "trap '' TERM\nwhile :; do echo conntune; done"), {maxOutputBytes: 1 << 20, timeoutMs: 60_000})
    expect([e.kind, e.message]).toEqual(['bad-output', 'collector output exceeded 1 MiB; stopped'])
    expect(Date.now() - t0).toBeLessThan(15_000)
  }, 30_000)

  it('stderr past its bound stops ssh with one line', async () => {
    const e = await fails(fakeSsh('noisy', 'exec yes noise >&2'))
    expect([e.kind, e.message]).toEqual(['bad-output', `ssh's error output exceeded ${MAX_STDERR_BYTES / 2 ** 20} MiB; stopped`])
  })

  it('a refused connection is unreachable, with ssh own last line', async () => {
    const e = await fails(fakeSsh('refused', "echo 'Warning: Permanently added x' >&2; echo 'ssh: connect to host h port 22: Connection refused' >&2; exit 255"))
    expect([e.kind, e.message]).toEqual(['unreachable', 'ssh: connect to host h port 22: Connection refused'])
  })

  it('a changed host key is a host-key failure', async () => {
    const e = await fails(fakeSsh('changed', "echo '@ WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED! @' >&2; echo 'Host key verification failed.' >&2; exit 255"))
    expect(e.kind).toBe('host-key')
  })

  it('a cancelled collection stops', async () => {
    const ac = new AbortController()
    setTimeout(() => ac.abort(), 200)
    const e = await fails(fakeSsh('slow', 'exec sleep 30'), {signal: ac.signal})
    expect([e.kind, e.message]).toEqual(['timeout', 'stopped'])
  })

  it('the script arrives on stdin whole', async () => {
    // The fake prints back what it read as a FILE section, so the reader hands it over intact.
    const echo = fakeSsh('echo', ["B=--conntune-0f0e0d0c-1111-2222-3333-444455556666", 'S=$(cat; printf x)', 'S=${S%x}', 'printf \'conntune-collector 1 %s\\n\\n%s FILE ok 4194304 /script\\n%s\\n%s END\\n\' "$B" "$B" "$S" "$B"'].join('\n'))
    const r = await collectSsh({host: 'h', label: 'h'}, {toolVersion: 't', sshBinary: echo})
    const {collectorScript} = await import('../../../src/sources/collector-script.js')
    expect(r.snapshot.files['/script']?.text).toBe(collectorScript())
  })
})
