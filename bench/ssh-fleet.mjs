#!/usr/bin/env node
// SSH fleet collection: hosts per minute for N network-namespace hosts (each its own sshd on
// a veth address, own sysctls) at several concurrencies, ssh sessions per host (counted from
// sshd's VERBOSE log: "Accepted publickey"), compared in the same run with plain parallel ssh
// gathering the same files (`xargs -P N ssh HOST cat …`) and with `ansible -m shell` when
// installed. Needs root (ip netns), Debian's openssh-server, and `npm run build` first.
//   node bench/ssh-fleet.mjs [--hosts 50] [--concurrency 1,8,32] [--rounds 1] [--before DIR] [--out bench/results-ssh-fleet.json]
import {spawn, spawnSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const {runFleet} = await import(join(root, 'dist/sources/fleet.js'))
const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1] : def
}
const N = Number(arg('hosts', '50'))
const LEVELS = arg('concurrency', '1,8,32').split(',').map(Number)
const ROUNDS = Number(arg('rounds', '1'))
// --before DIR: another checkout (built), run in the same rounds, so a change is measured
// against the code it replaces on the same machine at the same moment.
const BEFORE = arg('before', '')
const beforeFleet = BEFORE ? (await import(join(BEFORE, 'dist/sources/fleet.js'))).runFleet : null
const OUT = arg('out', join(root, 'bench/results-ssh-fleet.json'))
// --tag: the namespace name prefix (helpers sharing a machine keep theirs apart)
const TAG = `${arg('tag', 'ctb')}${process.pid % 100000}`
const NET = 100 + (process.pid % 100)

const run = (cmd, args, opts = {}) => {
  const r = spawnSync(cmd, args, {encoding: 'utf8', ...opts})
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr || r.error?.message}`)
  return r.stdout
}

const dir = mkdtempSync(join(tmpdir(), 'ctbench-'))
const hosts = []
const cleanup = () => {
  for (const h of hosts) {
    h.sshd?.kill()
    spawnSync('ip', ['link', 'del', h.veth])
    spawnSync('ip', ['netns', 'del', h.ns])
  }
  rmSync(dir, {recursive: true, force: true})
}
process.on('SIGINT', () => {
  cleanup()
  process.exit(130)
})

try {
  mkdirSync('/run/sshd', {recursive: true, mode: 0o755})
  run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'client')])
  run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'hostkey')])
  const hostPub = readFileSync(join(dir, 'hostkey.pub'), 'utf8').trim().split(' ').slice(0, 2).join(' ')
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client.pub')))
  writeFileSync(join(dir, 'sshd_config'), ['PermitRootLogin prohibit-password', 'PasswordAuthentication no', 'UsePAM no', 'StrictModes no', `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`, 'PidFile none', 'LogLevel VERBOSE', 'MaxStartups 200', ''].join('\n'))
  const sshConfig = join(dir, 'ssh_config')
  writeFileSync(sshConfig, ['Host *', '  User root', `  IdentityFile ${join(dir, 'client')}`, '  IdentitiesOnly yes', `  UserKnownHostsFile ${join(dir, 'known_hosts')}`, '  StrictHostKeyChecking yes', '  IdentityAgent none', ''].join('\n'))
  const known = []
  for (let i = 0; i < N; i++) {
    const a = Math.floor(i / 60) + 1
    const b = (i % 60) * 4
    const h = {ns: `${TAG}h${i}`, veth: `${TAG}v${i}`, addr: `10.${NET}.${a}.${b + 2}`, log: ''}
    hosts.push(h)
    run('ip', ['netns', 'add', h.ns])
    run('ip', ['link', 'add', h.veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', h.ns])
    run('ip', ['addr', 'add', `10.${NET}.${a}.${b + 1}/30`, 'dev', h.veth])
    run('ip', ['link', 'set', h.veth, 'up'])
    run('ip', ['netns', 'exec', h.ns, 'sh', '-c', `ip addr add ${h.addr}/30 dev eth0 && ip link set eth0 up && ip link set lo up && sysctl -q -w net.ipv4.tcp_tw_reuse=${i % 3} net.ipv4.ip_local_port_range="${20000 + i} 60999"`])
    h.sshd = spawn('ip', ['netns', 'exec', h.ns, '/usr/sbin/sshd', '-D', '-e', '-f', join(dir, 'sshd_config'), '-h', join(dir, 'hostkey'), '-o', `ListenAddress=${h.addr}`])
    h.sshd.stderr.on('data', (d) => (h.log += d))
    known.push(`${h.addr} ${hostPub}`)
  }
  writeFileSync(join(dir, 'known_hosts'), known.join('\n') + '\n')
  for (const h of hosts) {
    for (let i = 0; i < 200 && !/Server listening/.test(h.log); i++) await new Promise((r) => setTimeout(r, 25))
    if (!/Server listening/.test(h.log)) throw new Error(`sshd in ${h.ns}: ${h.log}`)
  }
  const sessions = () => hosts.reduce((n, h) => n + (h.log.match(/Accepted publickey/g) ?? []).length, 0)
  const targets = hosts.map((h) => ({host: h.addr, label: h.ns}))

  // The files the collector read on one host: plain ssh gathers exactly these.
  const probe = await runFleet([targets[0]], {toolVersion: 'bench', sshConfig, progress: false})
  if (!probe[0].ok) throw new Error(probe[0].error)
  const snap = probe[0].snapshot
  const paths = [
    '/proc/sys/kernel/osrelease',
    '/proc/sys/kernel/hostname',
    ...Object.keys(snap.sysctl).filter((k) => !snap.sysctl[k].absent).map((k) => `/proc/sys/${k.replaceAll('.', '/')}`),
    ...Object.keys(snap.files).filter((f) => snap.files[f].text !== undefined),
    ...Object.keys(snap.proc).map((p) => `/proc/${p}`),
  ]
  const quoted = paths.map((p) => `'${p.replaceAll("'", "'\\''")}'`).join(' ')
  await new Promise((r) => setTimeout(r, 300))

  const results = {hosts: N, rounds: ROUNDS, files: paths.length, node: process.version, date: new Date().toISOString(), conntune: [], plainSsh: [], ansible: null}
  // Ansible over the same hosts and ssh config, if installed: `ansible all -m shell` gathering
  // the same files, pipelined (its fastest mode), at the same concurrency (-f).
  const hasAnsible = !spawnSync('ansible', ['--version'], {encoding: 'utf8'}).error
  const inventory = join(dir, 'ansible-inventory.ini')
  writeFileSync(inventory, `[lab]\n${hosts.map((h) => `${h.addr} ansible_user=root`).join('\n')}\n`)
  const ansibleEnv = {
    ...process.env,
    ANSIBLE_SSH_ARGS: `-F ${sshConfig} -o BatchMode=yes`,
    ANSIBLE_PIPELINING: 'True',
    ANSIBLE_HOST_KEY_CHECKING: 'True',
    ANSIBLE_PYTHON_INTERPRETER: '/usr/bin/python3',
    ANSIBLE_LOCAL_TEMP: join(dir, 'ansible-local'),
    ANSIBLE_REMOTE_TMP: '/tmp/.ansible-bench',
    ANSIBLE_NOCOLOR: '1',
    ANSIBLE_DEPRECATION_WARNINGS: 'False',
  }
  if (hasAnsible) results.ansible = []
  // CPU of the children waited for (the ssh clients), from /proc/self/stat (cutime, cstime).
const TICK_MS = 1000 / Number(spawnSync('getconf', ['CLK_TCK'], {encoding: 'utf8'}).stdout.trim() || 100)
const childCpuMs = () => {
  const stat = readFileSync('/proc/self/stat', 'utf8')
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(f[13]) + Number(f[14])) * TICK_MS
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
  for (const c of LEVELS) {
    // Rounds interleave the two, alternating which goes first, so a busy moment on a shared
    // machine hits both alike; the ratio is of the medians, and every round's own is kept.
    const ours = []
    const theirs = []
    const plain = []
    let failed = 0
    let ourSessions = 0
    let plainSessions = 0
    const collect = async (fleetOf, into) => {
      const before = sessions()
      const cpu0 = process.cpuUsage()
      const kids0 = childCpuMs()
      const t0 = performance.now()
      const fleet = await fleetOf(targets, {toolVersion: 'bench', sshConfig, concurrency: c, progress: false})
      into.push((performance.now() - t0) / 1000)
      const cpu = process.cpuUsage(cpu0)
      ;(into.cpu ??= []).push({nodeMsPerHost: +((cpu.user + cpu.system) / 1000 / N).toFixed(1), sshClientMsPerHost: +((childCpuMs() - kids0) / N).toFixed(1)})
      await new Promise((r) => setTimeout(r, 300)) // sshd logs the last logins
      const bad = fleet.filter((r) => !r.ok).length
      if (into !== ours) {
        if (bad) throw new Error(`the --before build failed ${bad} hosts`)
        return
      }
      failed += bad
      ourSessions += sessions() - before
    }
    const runPlain = async () => {
      const before = sessions()
      const t1 = performance.now()
      const x = spawnSync('xargs', ['-P', String(c), '-I{}', 'ssh', '-T', '-o', 'BatchMode=yes', '-F', sshConfig, '{}', `cat ${quoted} 2>/dev/null`], {input: hosts.map((h) => h.addr).join('\n'), maxBuffer: 1 << 30})
      plain.push((performance.now() - t1) / 1000)
      if (x.status !== 0) throw new Error(`plain ssh exited ${x.status}`)
      await new Promise((r) => setTimeout(r, 300))
      plainSessions += sessions() - before
    }
    const steps = [() => collect(runFleet, ours), runPlain, ...(beforeFleet ? [() => collect(beforeFleet, theirs)] : [])]
    for (let round = 0; round < ROUNDS; round++) {
      // Rotate who goes first each round.
      for (let k = 0; k < steps.length; k++) await steps[(round + k) % steps.length]()
    }
    const s = median(ours)
    const s2 = median(plain)
    const r2 = (x) => +x.toFixed(2)
    results.conntune.push({concurrency: c, seconds: r2(s), rounds: ours.map(r2), cpu: ours.cpu, hostsPerMinute: Math.round((N / s) * 60), failed, sessionsPerHost: +(ourSessions / N / ROUNDS).toFixed(2), ratioToPlainSsh: r2(s / s2), ratioPerRound: ours.map((x, i) => r2(x / plain[i]))})
    results.plainSsh.push({concurrency: c, seconds: r2(s2), rounds: plain.map(r2), hostsPerMinute: Math.round((N / s2) * 60), sessionsPerHost: +(plainSessions / N / ROUNDS).toFixed(2)})
    if (beforeFleet) {
      const sb = median(theirs)
      results.before ??= []
      results.before.push({concurrency: c, seconds: r2(sb), rounds: theirs.map(r2), cpu: theirs.cpu, ratioToPlainSsh: r2(sb / s2), ratioPerRound: theirs.map((x, i) => r2(x / plain[i]))})
      console.log(`concurrency ${c}: before ${r2(sb)}s [${theirs.map(r2).join(', ')}]; ratio ${r2(sb / s2)}`)
    }
    const last = results.conntune.at(-1)
    console.log(`concurrency ${c}, ${ROUNDS} rounds: conntune ${last.seconds}s median [${last.rounds.join(', ')}] (${last.hostsPerMinute} hosts/min, ${last.sessionsPerHost} sessions/host, ${failed} failed); plain ssh+cat ${r2(s2)}s [${results.plainSsh.at(-1).rounds.join(', ')}]; ratio ${last.ratioToPlainSsh} (per round ${last.ratioPerRound.join(', ')})`)

    if (hasAnsible) {
      const before3 = sessions()
      const t2 = performance.now()
      const a = spawnSync('ansible', ['all', '-i', inventory, '-m', 'shell', '-a', `cat ${quoted} 2>/dev/null; true`, '-f', String(c), '-o'], {env: ansibleEnv, encoding: 'utf8', maxBuffer: 1 << 30, timeout: 1_800_000})
      const s3 = (performance.now() - t2) / 1000
      await new Promise((r) => setTimeout(r, 300))
      const ok = (a.stdout.match(/\| CHANGED \||\| SUCCESS \|/g) ?? []).length
      results.ansible.push({concurrency: c, seconds: +s3.toFixed(2), hostsPerMinute: Math.round((N / s3) * 60), hostsOk: ok, exit: a.status, sessionsPerHost: +((sessions() - before3) / N).toFixed(2), ratioToPlainSsh: +(s3 / s2).toFixed(2)})
      console.log(`concurrency ${c}: ansible -m shell ${s3.toFixed(2)}s (${ok}/${N} hosts ok), ratio to plain ssh ${(s3 / s2).toFixed(2)}`)
    }
  }
  if (!hasAnsible) results.ansible = 'not installed (apt-get install ansible)'
  writeFileSync(OUT, JSON.stringify(results, null, 2) + '\n')
  console.log(`wrote ${OUT}`)
} finally {
  cleanup()
}
