import {chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {HOSTS, conntune, expectOneLineError, json} from './run-cli.js'

let tmp: string
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'ct-int-'))
  chmodSync(tmp, 0o755)
})
afterAll(() => rmSync(tmp, {recursive: true, force: true}))

function ids(report: any): string[] {
  return report.findings.map((f: any) => f.ruleId).sort()
}

describe('conntune audit on fixture hosts', () => {
  it('finds port pressure, reuse off, dead and misunderstood sysctl lines on a proxy', () => {
    const r = conntune(['audit', '--root', join(HOSTS, 'proxy-tw-pressure'), '--role', 'proxy', '--format', 'json'])
    expect(r.code).toBe(1)
    const report = json(r)
    expect(ids(report)).toEqual([
      'sysctl-ephemeral-port-pressure', 'sysctl-fin-timeout-not-time-wait', 'sysctl-tw-recycle-dead-config', 'sysctl-tw-reuse-off-on-proxy',
    ])
    const pressure = report.findings.find((f: any) => f.ruleId === 'sysctl-ephemeral-port-pressure')
    expect(pressure.message).toContain('Toward 10.0.1.20:8080 from 10.0.0.5, 2850 sockets hold local ports (2700 TIME_WAIT, 150 ESTABLISHED): 71% of the 4000 usable ports.')
    const dead = report.findings.find((f: any) => f.ruleId === 'sysctl-tw-recycle-dead-config')
    expect(dead.location).toMatchObject({file: '/etc/sysctl.d/60-tcp-tuning.conf', line: 3})
    expect(dead.fix.actions).toEqual([{kind: 'delete-line', file: '/etc/sysctl.d/60-tcp-tuning.conf', line: 3}])
    expect(report.hosts[0]).toMatchObject({name: 'proxy1', kernel: '5.15.0-91-generic', role: 'proxy', complete: true})
  })

  it('does not say tw_reuse is off on a proxy unless told the role', () => {
    const report = json(conntune(['audit', '--root', join(HOSTS, 'proxy-tw-pressure'), '--format', 'json']))
    expect(ids(report)).not.toContain('sysctl-tw-reuse-off-on-proxy')
  })

  it('reports tcp_tw_recycle as an error on a 4.9 kernel, with timestamps off', () => {
    const r = conntune(['audit', '--root', join(HOSTS, 'legacy-recycle'), '--format', 'json'])
    expect(ids(json(r))).toEqual(['sysctl-tw-recycle-enabled', 'sysctl-tw-reuse-needs-timestamps'])
    expect(json(r).summary).toMatchObject({error: 1, warning: 1})
  })

  it('tells the server side from the client side of TIME_WAIT, over IPv4-mapped IPv6', () => {
    const report = json(conntune(['audit', '--root', join(HOSTS, 'server-closes-first'), '--role', 'server', '--format', 'json']))
    expect(ids(report)).toEqual([
      'sockets-close-wait-leak', 'sockets-server-closes-first', 'sysctl-tw-buckets-lowered', 'sysctl-tw-buckets-overflow', 'sysctl-tw-reuse-no-effect-on-server',
    ])
    const closes = report.findings.find((f: any) => f.ruleId === 'sockets-server-closes-first')
    expect(closes).toMatchObject({severity: 'warning', evidence: {port: 80, 'TIME_WAIT': 3700}})
  })

  it('finds nginx and a gunicorn systemd unit on a host, infers the role and says the version is unknown', () => {
    const report = json(conntune(['audit', '--root', join(HOSTS, 'web-stack'), '--format', 'json']))
    expect(report.hosts[0]).toMatchObject({role: 'proxy', complete: true})
    expect(ids(report)).toEqual(['nginx-upstream-keepalive-connection-close', 'nginx-upstream-keepalive-http10'])
    const http10 = report.findings.find((f: any) => f.ruleId === 'nginx-upstream-keepalive-http10')
    expect(http10.location).toMatchObject({file: '/etc/nginx/sites-enabled/app', line: 8})
    expect(http10.message).toContain('The nginx version is unknown')
    // With nginx ≥ 1.29.7 the two missing pieces are defaults, so connections are reused —
    // toward a gunicorn that closes them after 2 s: the keep-alive race, named at both ends.
    const upgraded = json(conntune(['audit', '--root', join(HOSTS, 'web-stack'), '--nginx-version', '1.30.0', '--format', 'json']))
    expect(ids(upgraded)).toEqual(['hop-backend-idle-shorter'])
    const hop = upgraded.findings[0]
    expect(hop.location).toMatchObject({file: '/srv/app/gunicorn.conf.py', line: 5})
    expect(hop.message).toContain('nginx upstream app (/etc/nginx/sites-enabled/app:1) keeps idle connections to 127.0.0.1:8000 for 60 s')
    expect(hop.message).toContain('closes them after 2 s (config file at /srv/app/gunicorn.conf.py:5)')
  })

  it('exits 0 on a clean host, and prints a text report by default', () => {
    const r = conntune(['audit', '--root', join(HOSTS, 'clean')])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('No findings.')
    expect(r.stdout).not.toMatch(/\u001B\[/)
  })

  it('--json gives the same report as --format json', () => {
    const a = json(conntune(['audit', '--root', join(HOSTS, 'legacy-recycle'), '--json']))
    const b = json(conntune(['audit', '--root', join(HOSTS, 'legacy-recycle'), '--format', 'json']))
    expect(a).toEqual(b)
    expect(a.format).toBe('conntune-report')
  })

  it('--fail-on sets which severities fail', () => {
    const root = join(HOSTS, 'legacy-recycle')
    expect(conntune(['audit', '--root', root, '--fail-on', 'error']).code).toBe(1)
    expect(conntune(['audit', '--root', join(HOSTS, 'proxy-tw-pressure'), '--fail-on', 'error']).code).toBe(0)
    expect(conntune(['audit', '--root', join(HOSTS, 'proxy-tw-pressure'), '--fail-on', 'info']).code).toBe(1)
    expect(conntune(['audit', '--root', root, '--fail-on', 'none']).code).toBe(0)
  })

  it('text report groups by severity with location, evidence and fix', () => {
    const r = conntune(['audit', '--root', join(HOSTS, 'legacy-recycle')])
    const text = r.stdout
    expect(text.indexOf('ERROR (1)')).toBeLessThan(text.indexOf('WARNING (1)'))
    expect(text).toContain('sysctl-tw-recycle-enabled  /etc/sysctl.conf:1')
    expect(text).toMatch(/evidence: net\.ipv4\.tcp_tw_recycle=1, kernel=4\.9\.0-19-amd64/)
    expect(text).toMatch(/fix: Set net\.ipv4\.tcp_tw_recycle = 0/)
  })

  it('writes --output whole', () => {
    const out = join(tmp, 'report.json')
    const r = conntune(['audit', '--root', join(HOSTS, 'clean'), '--format', 'json', '--output', out])
    expect(r.code).toBe(0)
    expect(JSON.parse(readFileSync(out, 'utf8')).summary.hosts).toBe(1)
  })
})

describe('snapshots', () => {
  it('collect then audit --snapshot gives exactly the findings of the live audit', () => {
    for (const host of ['proxy-tw-pressure', 'server-closes-first', 'legacy-recycle', 'clean']) {
      const root = join(HOSTS, host)
      const snap = join(tmp, `${host}.json`)
      expect(conntune(['collect', '--root', root, '-o', snap]).code).toBe(0)
      const live = json(conntune(['audit', '--root', root, '--role', 'proxy', '--format', 'json']))
      const offline = json(conntune(['audit', '--snapshot', snap, '--role', 'proxy', '--format', 'json']))
      expect(offline.findings).toEqual(live.findings)
      expect(offline.hosts[0].source).toBe('snapshot')
    }
  })

  it('collects this very host and audits the snapshot the same way', () => {
    const snap = join(tmp, 'self.json')
    expect(conntune(['collect', '-o', snap]).code).toBe(0)
    const data = JSON.parse(readFileSync(snap, 'utf8'))
    expect(data).toMatchObject({format: 'conntune-snapshot', version: 2, collector: {source: 'local'}})
    expect(data.sysctl['net.ipv4.tcp_tw_recycle']).toEqual({absent: true})
    expect(conntune(['audit', '--snapshot', snap, '--format', 'json']).code).not.toBe(2)
  })

  it('audits several snapshots in one report', () => {
    const report = json(conntune(['audit', '--snapshot', join(tmp, 'legacy-recycle.json'), join(tmp, 'clean.json'), '--format', 'json']))
    expect(report.hosts.map((h: any) => h.name)).toEqual(['legacy', 'clean'])
  })

  it('rejects a corrupt snapshot with one line and exit 2', () => {
    const bad = join(tmp, 'corrupt.json')
    writeFileSync(bad, '{"format": "conntune-snapshot", "version": 1, ')
    expectOneLineError(conntune(['audit', '--snapshot', bad]), 2, /corrupt\.json: not a conntune snapshot: invalid JSON/)
  })

  it('rejects a snapshot from a newer conntune', () => {
    const snap = JSON.parse(readFileSync(join(tmp, 'clean.json'), 'utf8'))
    const newer = join(tmp, 'newer.json')
    writeFileSync(newer, JSON.stringify({...snap, version: 99}))
    expectOneLineError(conntune(['audit', '--snapshot', newer]), 2, /newer\.json: snapshot version 99 is newer than this conntune reads \(2\); upgrade conntune/)
  })

  it('rejects a snapshot that does not match the schema, naming where', () => {
    const snap = JSON.parse(readFileSync(join(tmp, 'clean.json'), 'utf8'))
    snap.sysctl['net.ipv4.tcp_tw_reuse'] = {value: 2}
    const bad = join(tmp, 'schema.json')
    writeFileSync(bad, JSON.stringify(snap))
    expectOneLineError(conntune(['audit', '--snapshot', bad]), 2, /schema\.json: invalid snapshot at \/sysctl\/net\.ipv4\.tcp_tw_reuse\/value: must be string/)
  })

  it('rejects a file that is not a snapshot, and a binary one', () => {
    const other = join(tmp, 'other.json')
    writeFileSync(other, '{"hello": 1}')
    expectOneLineError(conntune(['audit', '--snapshot', other]), 2, /other\.json: not a conntune snapshot/)
    const bin = join(tmp, 'bin.json')
    writeFileSync(bin, Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xff]))
    expectOneLineError(conntune(['audit', '--snapshot', bin]), 2, /bin\.json: not a conntune snapshot: invalid JSON/)
    expectOneLineError(conntune(['audit', '--snapshot', join(tmp, 'missing.json')]), 2, /missing\.json: cannot read snapshot: ENOENT/)
  })
})

describe('bad input', () => {
  function copyHost(name: string): string {
    const root = join(tmp, `${name}-${Math.random().toString(36).slice(2)}`)
    cpSync(join(HOSTS, name), root, {recursive: true, verbatimSymlinks: true})
    mkdirSync(join(root, 'etc/sysctl.d'), {recursive: true})
    return root
  }

  it('a missing --root is exit 2', () => {
    expectOneLineError(conntune(['audit', '--root', join(tmp, 'nope')]), 2, /--root .*nope: no such directory/)
  })

  it('an unreadable sysctl.d entry makes the audit incomplete (exit 3) and names it', () => {
    const root = copyHost('clean')
    mkdirSync(join(root, 'etc/sysctl.d/20-dir.conf'), {recursive: true})
    const r = conntune(['audit', '--root', root, '--format', 'json'])
    expect(r.code).toBe(3)
    expect(json(r).hosts[0].problems).toEqual([{file: '/etc/sysctl.d/20-dir.conf', message: 'cannot read: EISDIR'}])
  })

  it('a symlink loop and a binary file are reported, not followed or parsed', () => {
    const root = copyHost('clean')
    symlinkSync('/etc/sysctl.d/31-loop.conf', join(root, 'etc/sysctl.d/30-loop.conf'))
    symlinkSync('/etc/sysctl.d/30-loop.conf', join(root, 'etc/sysctl.d/31-loop.conf'))
    writeFileSync(join(root, 'etc/sysctl.d/40-bin.conf'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00, 0x01]))
    const r = conntune(['audit', '--root', root, '--format', 'json'])
    expect(r.code).toBe(3)
    const problems = json(r).hosts[0].problems.map((p: any) => `${p.file}: ${p.message}`)
    expect(problems).toEqual(['/etc/sysctl.d/30-loop.conf: cannot read: ELOOP', '/etc/sysctl.d/31-loop.conf: cannot read: ELOOP', '/etc/sysctl.d/40-bin.conf: cannot read: binary'])
  })

  it('a sysctl.d line without "=" is named with file and line, and the rest is still read', () => {
    const root = copyHost('proxy-tw-pressure')
    writeFileSync(join(root, 'etc/sysctl.d/10-broken.conf'), 'net.ipv4.tcp_fin_timeout 30\n')
    const r = conntune(['audit', '--root', root, '--role', 'proxy', '--format', 'json', '--fail-on', 'none'])
    expect(r.code).toBe(3)
    const report = json(r)
    expect(report.hosts[0].problems[0]).toMatchObject({file: '/etc/sysctl.d/10-broken.conf', line: 1})
    expect(ids(report)).toContain('sysctl-tw-recycle-dead-config')
  })

  const asRoot = process.getuid?.() === 0
  ;(asRoot ? it : it.skip)('permission denied on /proc files and sysctl.d is incomplete, not a crash', () => {
    const root = copyHost('clean')
    chmodSync(join(root, 'proc/net/tcp'), 0o000)
    writeFileSync(join(root, 'etc/sysctl.d/70-secret.conf'), 'net.ipv4.tcp_tw_reuse = 1\n')
    chmodSync(join(root, 'etc/sysctl.d/70-secret.conf'), 0o000)
    const r = conntune(['audit', '--root', root, '--format', 'json'], {uid: 65534, gid: 65534})
    expect(r.code).toBe(3)
    expect(json(r).hosts[0].problems).toEqual(
      expect.arrayContaining([
        {file: '/etc/sysctl.d/70-secret.conf', message: 'cannot read: EACCES'},
        {file: '/proc/net/tcp', message: 'cannot read: EACCES'},
      ]),
    )
  })

  it('a broken user rule is exit 2 naming the file and field', () => {
    const dir = join(tmp, 'myrules')
    mkdirSync(dir, {recursive: true})
    writeFileSync(join(dir, 'my-rule.yaml'), 'id: my-rule\ntitle: A rule of mine\nseverity: fatal\n')
    expectOneLineError(conntune(['audit', '--root', join(HOSTS, 'clean'), '--rules', dir]), 2, /my-rule\.yaml: invalid rule: .*/)
  })

  it('an unknown flag value is exit 2', () => {
    const r = conntune(['audit', '--behind', 'aws-elb'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/Expected --behind=aws-elb to be one of/)
  })
})
