// Host-key checking is judged on what `ssh -G` resolves (the real ssh binary; -G connects to
// nothing), so every spelling ssh accepts, and an -F file's Host blocks, are caught. The hosts
// point at 127.0.0.1 port 1: a session that is let through fails fast as unreachable.
import {mkdtempSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {collectSsh, checkSshOption, type SshTarget} from '../../../src/sources/ssh.js'
import {hostKeyCheckingOff, parseSshG} from '../../../src/sources/ssh-hostkeys.js'

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ct-hostkeys-'))
  writeFileSync(join(dir, 'known_hosts'), '')
  symlinkSync('/dev/null', join(dir, 'null-link'))
})
afterAll(() => rmSync(dir, {recursive: true, force: true}))

/** An -F file: every host is 127.0.0.1:1, then the lines given. */
function config(name: string, lines: string[]): string {
  const file = join(dir, name)
  writeFileSync(file, [...lines, 'Host *', '  HostName 127.0.0.1', '  Port 1', '  User nobody', ''].join('\n'))
  return file
}

async function attempt(sshConfig: string, host = 'web1', sshOptions: string[] = [], extraArgs?: string[]) {
  const target: SshTarget = {host, label: host, ...(extraArgs ? {extraArgs} : {})}
  try {
    await collectSsh(target, {toolVersion: 'test', sshConfig, sshOptions, connectTimeout: 5, timeoutMs: 20_000})
    return 'connected'
  } catch (error) {
    const e = error as {kind?: string; message: string}
    return `${e.kind}: ${e.message}`
  }
}

describe('--ssh-option text check (fails fast, exit 2)', () => {
  it.each(['StrictHostKeyChecking=false', 'StrictHostKeyChecking=FALSE', 'StrictHostKeyChecking="no"', "StrictHostKeyChecking='off'", 'stricthostkeychecking= No '])('refuses %s', (opt) => {
    expect(() => checkSshOption(opt)).toThrow('never turns off host-key checking')
  })
  it.each(['UserKnownHostsFile=/dev//null', 'UserKnownHostsFile="/dev/null"', 'UserKnownHostsFile=/dev/./null', 'UserKnownHostsFile=none', 'UserKnownHostsFile=~/.ssh/kh /dev/null'])('refuses %s', (opt) => {
    expect(() => checkSshOption(opt)).toThrow('never turns off host-key checking')
  })
  it('refuses KnownHostsCommand from the command line; lets real settings through', () => {
    expect(() => checkSshOption('KnownHostsCommand=/bin/true')).toThrow('KnownHostsCommand')
    expect(() => checkSshOption('StrictHostKeyChecking=accept-new')).not.toThrow()
    expect(() => checkSshOption('UserKnownHostsFile=/etc/ssh/lab_known_hosts')).not.toThrow()
  })
})

describe('the resolved configuration (ssh -G) decides', () => {
  it('an -F file that sets StrictHostKeyChecking no is refused before connecting', async () => {
    expect(await attempt(config('off', ['StrictHostKeyChecking no']))).toMatch(/^host-key: not connecting: host-key checking would be off \(StrictHostKeyChecking is off/)
  })

  it('only the hosts a Host block turns off are refused', async () => {
    const cfg = config('block', ['Host web*', '  StrictHostKeyChecking=off'])
    expect(await attempt(cfg, 'web1')).toMatch(/^host-key: .*StrictHostKeyChecking is off/)
    expect(await attempt(cfg, 'db1')).toMatch(/^unreachable: .*Connection refused/)
  })

  it('accept-new is refused when new keys cannot be remembered: /dev//null, a link to /dev/null, a missing directory', async () => {
    expect(await attempt(config('an-null', ['StrictHostKeyChecking accept-new', 'UserKnownHostsFile /dev//null'])))
      .toMatch(/^host-key: .*accept-new but new keys cannot be remembered \("\/dev\/\/null" is \/dev\/null\)/)
    expect(await attempt(config('an-link', ['StrictHostKeyChecking accept-new', `UserKnownHostsFile ${join(dir, 'null-link')} ${join(dir, 'known_hosts')}`]))).toMatch(/^host-key: .*is \/dev\/null/)
    expect(await attempt(config('an-missing', ['StrictHostKeyChecking accept-new', `UserKnownHostsFile ${join(dir, 'no-such-dir', 'kh')}`]))).toMatch(/^host-key: .*cannot be created/)
    expect(await attempt(config('an-none', ['StrictHostKeyChecking accept-new', 'UserKnownHostsFile none']))).toMatch(/^host-key: .*UserKnownHostsFile none/)
  })

  it('the same through --ssh-option spellings the text check does not know: ssh -G still sees them', async () => {
    // `Yes`/quoted yes are fine; accept-new + /dev/null via a config-only spelling is caught by -G.
    expect(await attempt(config('plain', []), 'web1', ['StrictHostKeyChecking="accept-new"', `UserKnownHostsFile=${join(dir, 'null-link')}`])).toMatch(/^host-key: .*is \/dev\/null/)
  })

  it('inventory ssh arguments (ansible_ssh_common_args) are resolved and judged the same way', async () => {
    expect(await attempt(config('inv', ['StrictHostKeyChecking accept-new']), 'web1', [], ['-o', `UserKnownHostsFile=${join(dir, 'null-link')}`])).toMatch(/^host-key: .*is \/dev\/null/)
  })

  it('lets through checking that is on: yes (even with /dev/null), ask, accept-new with a real or creatable file', async () => {
    for (const lines of [
      ['StrictHostKeyChecking yes', 'UserKnownHostsFile /dev/null'],
      ['StrictHostKeyChecking ask'],
      ['StrictHostKeyChecking accept-new', `UserKnownHostsFile ${join(dir, 'known_hosts')}`],
      ['StrictHostKeyChecking accept-new', `UserKnownHostsFile ${join(dir, 'not-yet')} /dev/null`],
    ]) {
      expect(await attempt(config('on', lines))).toMatch(/^unreachable: .*Connection refused/)
    }
  })
})

describe('parseSshG / hostKeyCheckingOff', () => {
  it('reads the lower-case keys ssh -G prints; none is no file', () => {
    const cfg = parseSshG('user root\nstricthostkeychecking accept-new\nuserknownhostsfile none\nglobalknownhostsfile /etc/ssh/ssh_known_hosts\n')
    expect(cfg).toEqual({stricthostkeychecking: 'accept-new', userknownhostsfile: [], globalknownhostsfile: ['/etc/ssh/ssh_known_hosts']})
    expect(parseSshG('not ssh output')).toBeNull()
    expect(hostKeyCheckingOff({stricthostkeychecking: 'false', userknownhostsfile: [], globalknownhostsfile: []})).toBe('StrictHostKeyChecking is off')
    expect(hostKeyCheckingOff({stricthostkeychecking: 'maybe', userknownhostsfile: [], globalknownhostsfile: []})).toMatch(/not a value/)
    expect(hostKeyCheckingOff({stricthostkeychecking: 'true', userknownhostsfile: ['/dev/null'], globalknownhostsfile: []})).toBeNull()
  })
})
