// parseSysctlConf against the programs that really read sysctl.d files: systemd-sysctl
// (debug log of every write it attempts and every line it rejects) and procps sysctl
// (--dry-run prints what it would set). Only keys that cannot exist (/proc/sys/conntunetest/…)
// go to systemd-sysctl, and procps runs with --dry-run inside a throwaway network namespace,
// so the host's settings are never touched.
import {spawnSync} from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {parseSysctlConf} from '../../src/parsers/sysctl/index.js'
import {describeReal, missingProgram} from './require-real.js'

const SYSTEMD_SYSCTL = ['/usr/lib/systemd/systemd-sysctl', '/lib/systemd/systemd-sysctl'].find((p) => fs.existsSync(p)) ?? 'systemd-sysctl'

/** A throwaway network namespace where a veth pair can be made (for a dotted interface name). */
function missingUnshare(): string | null {
  const r = spawnSync('unshare', ['-n', 'ip', 'link', 'add', 'eth0.200', 'type', 'veth', 'peer', 'name', 'ct0'], {encoding: 'utf8'})
  if (r.error) return `unshare is not runnable here (${r.error.message})`
  if (r.status !== 0) return `cannot make a veth pair in a network namespace from unshare -n: ${r.stderr.trim()}`
  return null
}

// Every trap found while checking systemd 252 by hand. Keys all live under conntunetest/.
const SYSTEMD_CASES = [
  '# comment',
  '   ; indented semicolon comment = 1',
  'conntunetest.plain = 1',
  'conntunetest/slash/form=2',
  'conntunetest.iface.enp3s0/200.forwarding = 3',
  'conntunetest/iface/enp3s0.200/rp_filter = 4',
  '  conntunetest.range =   20000    40000   ',
  'conntunetest.tabs = 4096\t87380\t6291456',
  '-conntunetest.ignored = 5',
  '-   conntunetest.ignored_spaced = 6',
  'no equals here',
  '-conntunetest.excluded',
  'conntunetest.trailing = 4 # not a comment',
  'conntunetest.quoted = "33"',
  'conntunetest.empty =',
  'conntunetest.continued = 3 \\',
  'conntunetest.after_backslash = 7',
  'conntunetest.double==1',
  'conntunetest..repeated...seps = 5',
  '/conntunetest/leading/slash = 8',
  '!conntunetest.bang = 9',
  'conntunetest.with space = 10',
  'conntunetest.*.glob = 11',
  'conntunetest.crlf = 12\r',
  'conntunetest.lone_cr = 13\rconntunetest.after_cr = 14',
  'another bad line',
].join('\n') + '\n'

interface Attempt {
  path: string
  value: string
}

function runSystemd(file: string): {attempts: Attempt[]; rejected: number[]; log: string} {
  const r = spawnSync(SYSTEMD_SYSCTL, [file], {encoding: 'utf8', env: {...process.env, SYSTEMD_LOG_LEVEL: 'debug', SYSTEMD_LOG_TARGET: 'console', SYSTEMD_LOG_COLOR: '0'}})
  const log = `${r.stdout}${r.stderr}`
  const attempts: Attempt[] = []
  const rejected: number[] = []
  for (const line of log.split('\n')) {
    const set = /^Setting '\/proc\/sys\/?(.*)' to '(.*)'$/s.exec(line)
    if (set) attempts.push({path: set[1], value: set[2]})
    const bad = /:(\d+): Line is not an assignment/.exec(line)
    if (bad) rejected.push(Number(bad[1]))
  }
  return {attempts, rejected, log}
}

describeReal('parseSysctlConf against systemd-sysctl and procps', [missingProgram(SYSTEMD_SYSCTL, ['--version']), missingProgram('sysctl', ['--version']), missingUnshare()], () => {
  let dir: string
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conntune-sysctl-'))
  })
  afterAll(() => {
    fs.rmSync(dir, {recursive: true, force: true})
  })

  it('reads every assignment systemd-sysctl attempts, with the same path and value, and rejects the same lines', () => {
    const file = path.join(dir, '90-cases.conf')
    fs.writeFileSync(file, SYSTEMD_CASES)
    const {value, errors} = parseSysctlConf(SYSTEMD_CASES, file)
    for (const e of value.entries) expect(e.path).toMatch(/^\W?conntunetest\//)
    const real = runSystemd(file)
    expect(real.attempts.length).toBeGreaterThan(15)

    // Globs that match nothing are never written; everything else is attempted once.
    const ours = value.entries.filter((e) => !e.glob).map((e) => `${e.path} = ${e.value}`).sort()
    const theirs = real.attempts.map((a) => `${a.path} = ${a.value}`).sort()
    expect(ours).toEqual(theirs)
    expect(value.exclusions.map((x) => x.path)).toEqual(['conntunetest/excluded'])
    expect(value.entries.find((e) => e.path === 'conntunetest/ignored_spaced')?.ignoreFailure).toBe(true)

    const notAssignment = errors.filter((e) => /not an assignment/.test(e.message)).map((e) => e.line)
    expect(notAssignment).toEqual(real.rejected)
  })

  it('agrees with systemd-sysctl on line numbers around lone carriage returns', () => {
    const text = 'conntunetest.a = 1\rconntunetest.b = 2\r\nconntunetest.c = 3\nbad line\n'
    const file = path.join(dir, '91-cr.conf')
    fs.writeFileSync(file, text)
    const real = runSystemd(file)
    const {value, errors} = parseSysctlConf(text, file)
    expect(real.rejected).toEqual([4])
    expect(errors.filter((e) => /not an assignment/.test(e.message)).map((e) => e.line)).toEqual([4])
    expect(value.entries.map((e) => e.path)).toEqual(['conntunetest/a', 'conntunetest/b', 'conntunetest/c'])
  })

  it('keeps a byte order mark in the first key, as systemd-sysctl does', () => {
    const text = '\ufeffconntunetest.bom = 1\n'
    const file = path.join(dir, '92-bom.conf')
    fs.writeFileSync(file, text)
    const real = runSystemd(file)
    expect(real.attempts).toEqual([{path: '\ufeffconntunetest/bom', value: '1'}])
    expect(parseSysctlConf(text, file).value.entries[0].path).toBe('\ufeffconntunetest/bom')
  })

  it('prints the same dotted keys and values as procps sysctl --dry-run', () => {
    // Real keys, so procps (which stats each key first) prints them; --dry-run in a fresh netns.
    const text = [
      'net.ipv4.tcp_fin_timeout = 31',
      'net/ipv4/tcp_keepalive_time=601',
      '  net.ipv4.ip_local_port_range =   20000    40000   ',
      'net.ipv4.tcp_rmem = 4096\t87380\t6291456',
      'net.ipv4.tcp_orphan_retries==1',
      '/net/ipv4/tcp_max_syn_backlog = 999',
      // An interface name with a dot, the case the swap rule exists for.
      'net.ipv4.conf.eth0/200.forwarding = 1',
      'net/ipv4/conf/eth0.200/rp_filter = 2',
      '-net.ipv4.tcp_retries2 = 9',
      'net.ipv4.tcp_mtu_probing = 1\r',
      '; net.ipv4.tcp_sack = 0',
    ].join('\n') + '\n'
    const file = path.join(dir, '93-procps.conf')
    fs.writeFileSync(file, text)
    const r = spawnSync('unshare', ['-n', 'sh', '-c', 'ip link add eth0.200 type veth peer name ct0 && exec sysctl --dry-run -p "$0"', file], {encoding: 'utf8'})
    expect(r.stderr).toBe('')
    const printed = r.stdout
      .trim()
      .split('\n')
      .map((l) => l.replace(/^\./, ''))
      .sort()
    const ours = parseSysctlConf(text, file)
      .value.entries.map((e) => `${e.key} = ${e.value}`)
      .sort()
    // procps prints a leading-slash key as ".net.ipv4..." (and still writes the right file).
    expect(ours).toEqual(printed)
  })
})
