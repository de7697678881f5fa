// Fleet audit over real SSH: each host is a network namespace with its own TCP sysctls and its
// own config files (/etc/netns/NAME/* is bind-mounted over /etc by `ip netns exec`), running
// Debian's sshd on a veth address with a key made for the test. One run audits them all;
// a stopped sshd is unreachable while the others complete; an unknown host key is refused.
import {spawn, spawnSync, type ChildProcess} from 'node:child_process'
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {auditSnapshots} from '../../src/pipeline/audit.js'
import {loadRules} from '../../src/rules/load.js'
import {runFleet, withFailedHosts} from '../../src/sources/fleet.js'
import type {SshTarget} from '../../src/sources/ssh.js'
import {describeReal, missingNetns, missingProgram} from './require-real.js'
import {fileURLToPath} from 'node:url'

const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url))

const TAG = `cts${process.pid % 100000}`
const NET = 100 + (process.pid % 100)
const SSHD = '/usr/sbin/sshd'

interface Host {
  name: string
  ns: string
  veth: string
  addr: string
  sysctls: Record<string, string>
  sysctlFile?: string
  nginxConf?: string
  sshd?: ChildProcess
  log: string
}

function run(cmd: string, args: string[]) {
  const r = spawnSync(cmd, args, {encoding: 'utf8'})
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr || r.error?.message}`)
  return r.stdout
}

const hosts: Host[] = [
  {
    name: 'alpha', ns: `${TAG}a`, veth: `${TAG}a0`, addr: `10.${NET}.1.2`, log: '',
    sysctls: {'net.ipv4.tcp_tw_reuse': '1', 'net.ipv4.tcp_timestamps': '0', 'net.ipv4.ip_local_port_range': '40000 40999'},
    sysctlFile: '# old tuning\nnet.ipv4.tcp_tw_recycle = 1\n',
    // @LOGS@ is the test's directory: the host's nginx names its error log there.
    nginxConf: 'error_log "@LOGS@/alpha-error.log" warn;\n# error_log @LOGS@/commented.log;\nevents {}\nhttp {\n  keepalive_timeout 65;\n  access_log "@LOGS@/alpha-access.log";\n  server { listen 127.0.0.1:8080; }\n}\n',
  },
  {
    name: 'beta', ns: `${TAG}b`, veth: `${TAG}b0`, addr: `10.${NET}.2.2`, log: '',
    sysctls: {'net.ipv4.tcp_tw_reuse': '0', 'net.ipv4.tcp_timestamps': '1', 'net.ipv4.ip_local_port_range': '20000 29999'},
    nginxConf: 'events {}\nhttp {\n  keepalive_timeout 0;\n  access_log @LOGS@/beta-access.log;\n  server { listen 127.0.0.1:8080; }\n}\n',
  },
  {
    name: 'gamma', ns: `${TAG}c`, veth: `${TAG}c0`, addr: `10.${NET}.3.2`, log: '',
    sysctls: {'net.ipv4.tcp_tw_reuse': '2', 'net.ipv4.tcp_timestamps': '1', 'net.ipv4.ip_local_port_range': '32768 60999'},
  },
]

const ACCESS_502 = '127.0.0.1 - - [02/Dec/2026:09:58:00 +0000] "POST /api HTTP/1.1" 502 157 "-" "curl"'
const RACE = (time: string, n: number) =>
  `2026/12/02 ${time} [error] 7#7: *${n} upstream prematurely closed connection while reading response header from upstream, client: 127.0.0.1, server: _, request: "POST /api HTTP/1.1", upstream: "http://127.0.0.1:8000/api", host: "alpha"`

const hasNginxDir = (() => {
  try {
    return spawnSync('test', ['-d', '/etc/nginx']).status === 0
  } catch {
    return false
  }
})()

describeReal('fleet audit over ssh to sshd in network namespaces', [missingNetns(), missingProgram(SSHD, ['-V']), missingProgram('ssh', ['-V']), missingProgram('ssh-keygen', ['-?'])], () => {
  let dir: string
  let sshConfig: string
  let emptyKnownHosts: string

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ctssh-'))
    mkdirSync('/run/sshd', {recursive: true, mode: 0o755})
    run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'client'), '-C', 'conntune-test'])
    run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'hostkey'), '-C', 'conntune-test-host'])
    const hostPub = readFileSync(join(dir, 'hostkey.pub'), 'utf8').trim().split(' ').slice(0, 2).join(' ')
    writeFileSync(join(dir, 'known_hosts'), hosts.map((h) => `${h.addr} ${hostPub}\n`).join(''))
    writeFileSync(join(dir, 'empty_known_hosts'), '')
    emptyKnownHosts = join(dir, 'empty_known_hosts')
    writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client.pub')))
    writeFileSync(
      join(dir, 'sshd_config'),
      [
        'Port 22',
        'PermitRootLogin prohibit-password',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'UsePAM no',
        'StrictModes no',
        `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
        'PidFile none',
        'LogLevel VERBOSE',
        '',
      ].join('\n'),
    )
    sshConfig = join(dir, 'ssh_config')
    writeFileSync(
      sshConfig,
      ['Host *', '  User root', `  IdentityFile ${join(dir, 'client')}`, '  IdentitiesOnly yes', `  UserKnownHostsFile ${join(dir, 'known_hosts')}`, '  StrictHostKeyChecking yes', '  IdentityAgent none', ''].join('\n'),
    )
    for (const [i, h] of hosts.entries()) {
      spawnSync('ip', ['netns', 'del', h.ns])
      rmSync(`/etc/netns/${h.ns}`, {recursive: true, force: true})
      run('ip', ['netns', 'add', h.ns])
      run('ip', ['link', 'add', h.veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', h.ns])
      run('ip', ['addr', 'add', `10.${NET}.${i + 1}.1/30`, 'dev', h.veth])
      run('ip', ['link', 'set', h.veth, 'up'])
      run('ip', ['netns', 'exec', h.ns, 'ip', 'addr', 'add', `${h.addr}/30`, 'dev', 'eth0'])
      run('ip', ['netns', 'exec', h.ns, 'ip', 'link', 'set', 'eth0', 'up'])
      run('ip', ['netns', 'exec', h.ns, 'ip', 'link', 'set', 'lo', 'up'])
      for (const [k, v] of Object.entries(h.sysctls)) run('ip', ['netns', 'exec', h.ns, 'sysctl', '-q', '-w', `${k}=${v}`])
      // Host-specific files: ip netns exec bind-mounts /etc/netns/NS/X over /etc/X.
      mkdirSync(`/etc/netns/${h.ns}/sysctl.d`, {recursive: true})
      if (h.sysctlFile) writeFileSync(`/etc/netns/${h.ns}/sysctl.d/50-old-tuning.conf`, h.sysctlFile)
      if (h.nginxConf && hasNginxDir) {
        mkdirSync(`/etc/netns/${h.ns}/nginx`, {recursive: true})
        writeFileSync(`/etc/netns/${h.ns}/nginx/nginx.conf`, h.nginxConf.replaceAll('@LOGS@', dir))
      }
      // Its own UTS namespace too; every host calls itself the same (cloned images do): names
      // come from the inventory, never from the host.
      const sshd = spawn('ip', ['netns', 'exec', h.ns, 'unshare', '--uts', 'sh', '-c', `hostname "$1" && exec ${SSHD} -D -e -f "$2" -h "$3" -o ListenAddress=$4`, 'sh', 'web.test', join(dir, 'sshd_config'), join(dir, 'hostkey'), h.addr])
      sshd.stderr!.on('data', (d) => (h.log += d))
      h.sshd = sshd
    }
    // alpha's error log (root-only, as nginx leaves it) and its rotated .1.
    writeFileSync(join(dir, 'alpha-error.log.1'), `${RACE('09:00:01', 1)}\n`)
    writeFileSync(join(dir, 'alpha-error.log'), `2026/12/02 10:00:00 [notice] 7#7: start worker processes\n${RACE('10:00:01', 2)}\n${RACE('10:00:02', 3)}\n`, {mode: 0o600})
    writeFileSync(join(dir, 'commented.log'), `${RACE('10:00:03', 4)}\n`)
    // alpha's access log was just rotated: empty, its lines in the .1; beta's is empty, no .1.
    writeFileSync(join(dir, 'alpha-access.log'), '')
    writeFileSync(join(dir, 'alpha-access.log.1'), `${ACCESS_502}\n127.0.0.1 - - [02/Dec/2026:09:59:00 +0000] "GET / HTTP/1.1" 200 12 "-" "curl"\n`)
    writeFileSync(join(dir, 'beta-access.log'), '')
    // Ready when each sshd listens (bounded).
    for (const h of hosts) {
      let ok = false
      for (let i = 0; i < 100 && !ok; i++) {
        ok = /Server listening on/.test(h.log)
        if (!ok) await new Promise((r) => setTimeout(r, 50))
      }
      if (!ok) throw new Error(`sshd in ${h.ns} did not start: ${h.log}`)
    }
  }, 60_000)

  afterAll(() => {
    for (const h of hosts) {
      h.sshd?.kill()
      spawnSync('ip', ['link', 'del', h.veth])
      spawnSync('ip', ['netns', 'del', h.ns])
      rmSync(`/etc/netns/${h.ns}`, {recursive: true, force: true})
    }
    if (dir) rmSync(dir, {recursive: true, force: true})
  })

  const targets = (): SshTarget[] => hosts.map((h) => ({host: h.addr, label: h.name}))

  it('audits every host in one run; each host’s findings match its own settings; one ssh session each', async () => {
    const before = hosts.map((h) => (h.log.match(/Accepted publickey/g) ?? []).length)
    const fleet = await runFleet(targets(), {toolVersion: 'test', sshConfig, concurrency: 3, progress: false, connectTimeout: 5, timeoutMs: 60_000})
    for (const r of fleet) if (!r.ok) throw new Error(`${r.target.label}: ${r.kind}: ${r.error}`)
    const ok = fleet.filter((r) => r.ok)
    expect(ok.map((r) => r.snapshot.host)).toEqual(hosts.map((h) => ({name: h.name, hostname: 'web.test'})))
    for (const [i, r] of ok.entries()) {
      expect(r.problems).toEqual([])
      expect(r.snapshot.collector.source).toBe('ssh')
      for (const [k, v] of Object.entries(hosts[i].sysctls)) expect(r.snapshot.sysctl[k].value?.replace(/\s+/g, ' ')).toBe(v)
    }
    // Sessions: exactly one accepted login per host for the whole collection.
    const after = hosts.map((h) => (h.log.match(/Accepted publickey/g) ?? []).length)
    expect(after.map((n, i) => n - before[i])).toEqual([1, 1, 1])

    const result = auditSnapshots(ok.map((r) => ({snapshot: r.snapshot, source: 'ssh' as const})), await loadRules(), {failOn: 'none'})
    const ids = (host: string) => result.findings.filter((f) => f.host === host).map((f) => f.ruleId)
    expect(ids('alpha')).toContain('sysctl-tw-reuse-needs-timestamps')
    expect(ids('beta')).not.toContain('sysctl-tw-reuse-needs-timestamps')
    expect(ids('gamma')).not.toContain('sysctl-tw-reuse-needs-timestamps')
    const dead = result.findings.filter((f) => f.ruleId === 'sysctl-tw-recycle-dead-config')
    expect(dead.map((f) => [f.host, f.location.file, f.location.line])).toEqual([['alpha', '/etc/sysctl.d/50-old-tuning.conf', 2]])
    if (hasNginxDir) {
      const off = result.findings.filter((f) => f.ruleId === 'nginx-keepalive-disabled')
      expect(off.map((f) => f.host)).toEqual(['beta'])
      expect(off[0].location.file).toBe('/etc/nginx/nginx.conf')
    }
    const alpha = result.hosts.find((h) => h.name === 'alpha')!
    expect(alpha.source).toBe('ssh')
    if (hasNginxDir) {
      // The log evidence came over the same session: the logs alpha's nginx names, as written.
      const logs = ok[0].snapshot.logs!
      expect(logs.utcOffset).toMatch(/^[+-]\d{4}$/)
      const lines = [RACE('09:00:01', 1), RACE('10:00:01', 2), RACE('10:00:02', 3)]
      expect(logs.files[join(dir, 'alpha-error.log')]).toEqual({kind: 'error', lines, matched: 3, bytes: readFileSync(join(dir, 'alpha-error.log')).length + readFileSync(join(dir, 'alpha-error.log.1')).length})
      expect(Object.keys(logs.files)).not.toContain(join(dir, 'commented.log'))
      expect(logs.files[join(dir, 'alpha-access.log')]).toEqual({kind: 'access', lines: [ACCESS_502], matched: 1, bytes: readFileSync(join(dir, 'alpha-access.log.1')).length})
      expect(ok[1].snapshot.logs?.files[join(dir, 'beta-access.log')]).toEqual({kind: 'access', lines: [], matched: 0, bytes: 0})
      // beta sets no error_log and Debian's nginx is built with --error-log-path=stderr.
      expect(Object.keys(ok[1].snapshot.logs?.files ?? {}).filter((p) => p.endsWith('/stderr'))).toEqual([])
    }
  }, 120_000)

  it('through the CLI: audit --host, collect --inventory -o DIR, then audit --snapshot DIR/*.json gives the same findings', () => {
    const cli = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], {encoding: 'utf8', timeout: 120_000, maxBuffer: 64 << 20})
    const live = cli(['audit', ...hosts.flatMap((h) => ['--host', h.addr]), '--ssh-config', sshConfig, '--format', 'json', '--fail-on', 'none'])
    expect(live.status).toBe(0)
    const report = JSON.parse(live.stdout)
    expect(report.hosts.map((h: {name: string; hostname: string; source: string}) => [h.name, h.hostname, h.source])).toEqual(hosts.map((h) => [h.addr, 'web.test', 'ssh']))
    // Three hosts, one hostname: by-rule counts every host that has the finding.
    const recycle = report.byRule.find((g: {ruleId: string}) => g.ruleId === 'sysctl-tw-reuse-needs-timestamps')
    expect(recycle.hosts).toEqual([hosts[0].addr])

    const inv = join(dir, 'hosts.txt')
    writeFileSync(inv, `# the lab\n${hosts.map((h) => h.addr).join('\n')}\n`)
    const out = join(dir, 'snapshots')
    const collected = cli(['collect', '--inventory', inv, '--ssh-config', sshConfig, '-o', out])
    expect(collected.status).toBe(0)
    expect(collected.stdout).toContain('wrote 3 snapshots')
    expect(JSON.parse(readFileSync(join(out, `${hosts[1].addr}.json`), 'utf8')).host).toEqual({name: hosts[1].addr, hostname: 'web.test'})
    const offline = cli(['audit', '--snapshot', ...hosts.map((h) => join(out, `${h.addr}.json`)), '--format', 'json', '--fail-on', 'none'])
    const strip = (fs: Array<{ruleId: string; host: string; location: {text: string}}>) => fs.map((f) => `${f.host} ${f.ruleId} ${f.location.text}`).sort()
    expect(strip(JSON.parse(offline.stdout).findings)).toEqual(strip(report.findings))
  }, 180_000)

  it('a host whose sshd is stopped is unreachable; the others complete; the audit is incomplete (exit 3)', async () => {
    const down = hosts[2]
    down.sshd!.kill()
    await new Promise((r) => down.sshd!.once('exit', r))
    const started = Date.now()
    const fleet = await runFleet(targets(), {toolVersion: 'test', sshConfig, concurrency: 3, progress: false, connectTimeout: 5, timeoutMs: 60_000})
    expect(Date.now() - started).toBeLessThan(30_000)
    expect(fleet.map((r) => r.ok)).toEqual([true, true, false])
    const bad = fleet[2]
    if (bad.ok) throw new Error('unreachable host answered')
    expect(bad.kind).toBe('unreachable')
    expect(bad.error).toMatch(new RegExp(`ssh: connect to host ${down.addr.replaceAll('.', '\\.')} port 22: Connection refused`))
    const answered = fleet.filter((r) => r.ok)
    const result = withFailedHosts(auditSnapshots(answered.map((r) => ({snapshot: r.snapshot, source: 'ssh' as const})), await loadRules(), {failOn: 'none'}), fleet)
    expect(result.hosts.map((h) => h.name)).toEqual(['alpha', 'beta', 'gamma'])
    expect(result.summary.incompleteHosts).toBe(1)
    expect(result.exitCode).toBe(3)
    expect(result.hosts[2].problems[0].message).toMatch(/^unreachable: ssh: connect to host .* Connection refused/)
  }, 120_000)

  it('refuses a host whose key is not known (StrictHostKeyChecking=yes, empty known_hosts)', async () => {
    const fleet = await runFleet([targets()[0]], {
      toolVersion: 'test',
      sshConfig,
      sshOptions: [`UserKnownHostsFile=${emptyKnownHosts}`, 'StrictHostKeyChecking=yes'],
      progress: false,
      connectTimeout: 5,
    })
    const r = fleet[0]
    if (r.ok) throw new Error('an unknown host key was accepted')
    expect(r.kind).toBe('host-key')
    expect(r.error).toBe('Host key verification failed.')
  }, 60_000)

  it('never connects when ssh would not check host keys: -F accept-new + /dev//null, --ssh-option false', () => {
    const before = hosts.map((h) => (h.log.match(/Connection from|Accepted publickey/g) ?? []).length)
    const loose = join(dir, 'ssh_config_loose')
    writeFileSync(loose, readFileSync(sshConfig, 'utf8').replace(/  UserKnownHostsFile .*\n/, '  UserKnownHostsFile /dev//null\n').replace('StrictHostKeyChecking yes', 'StrictHostKeyChecking accept-new'))
    const cli = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], {encoding: 'utf8', timeout: 60_000})
    const viaConfig = cli(['audit', '--host', hosts[0].addr, '--ssh-config', loose, '--format', 'json', '--fail-on', 'none'])
    expect(viaConfig.status).toBe(3)
    expect(JSON.parse(viaConfig.stdout).hosts[0].problems[0].message).toMatch(/^host key refused: not connecting: host-key checking would be off \(StrictHostKeyChecking accept-new but new keys cannot be remembered/)
    const viaOption = cli(['audit', '--host', hosts[0].addr, '--ssh-config', sshConfig, '--ssh-option', 'StrictHostKeyChecking=FALSE'])
    expect(viaOption.status).toBe(2)
    expect(viaOption.stderr).toContain('never turns off host-key checking')
    const after = hosts.map((h) => (h.log.match(/Connection from|Accepted publickey/g) ?? []).length)
    expect(after).toEqual(before)
  }, 120_000)

  it('an ansible-inventory --list JSON inventory: names, key file and ssh args from it; one file per name', () => {
    // No IdentityFile and no known_hosts in this config: the inventory supplies both.
    const bare = join(dir, 'ssh_config_bare')
    writeFileSync(bare, ['Host *', '  User root', '  IdentitiesOnly yes', '  IdentityAgent none', '  UserKnownHostsFile /nonexistent/known_hosts', ''].join('\n'))
    const two = hosts.slice(0, 2)
    const inventory = {
      _meta: {hostvars: Object.fromEntries(two.map((h) => [h.name, {
        ansible_host: h.addr,
        ansible_ssh_private_key_file: join(dir, 'client'),
        ansible_ssh_common_args: `-o StrictHostKeyChecking=yes -o 'UserKnownHostsFile=${join(dir, 'known_hosts')}'`,
      }]))},
      all: {children: ['ungrouped', 'web']},
      web: {hosts: two.map((h) => h.name)},
    }
    const inv = join(dir, 'inventory.json')
    writeFileSync(inv, JSON.stringify(inventory, null, 2))
    const out = join(dir, 'by-name')
    const r = spawnSync(process.execPath, [BIN, 'collect', '--inventory', inv, '--limit', 'web', '--ssh-config', bare, '-o', out], {encoding: 'utf8', timeout: 120_000})
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    for (const h of two) expect(JSON.parse(readFileSync(join(out, `${h.name}.json`), 'utf8')).host).toEqual({name: h.name, hostname: 'web.test'})
  }, 120_000)
})
