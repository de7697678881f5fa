import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {HOSTS, REPO, conntune, expectOneLineError, json} from './run-cli.js'

let tmp: string
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'ct-rules-cli-'))
})
afterAll(() => rmSync(tmp, {recursive: true, force: true}))

// A user's own rule: flags hosts whose keepalive probes give up sooner than 5 probes.
const userRule = `id: site-keepalive-probes
title: Keepalive gives up after too few probes for our network
severity: info
scope: host
params: {minProbes: 5}
when: host.sysctl.tcp_keepalive_probes.num != null && host.sysctl.tcp_keepalive_probes.num < params.minProbes
at: host.sysctl.tcp_keepalive_probes.location
message: tcp_keepalive_probes = {{ host.sysctl.tcp_keepalive_probes.value }}, below our minimum of {{ params.minProbes }}.
rationale: Our links drop a few packets in a row during failover; fewer probes mis-detect dead peers.
references: [{title: ip-sysctl.rst, url: "https://docs.kernel.org/networking/ip-sysctl.html"}]
examples:
  - name: three probes
    expect: fire
    host: {sysctl: {net.ipv4.tcp_keepalive_probes: "3"}}
  - name: default nine
    expect: pass
`

describe('conntune rules', () => {
  it('lists every shipped rule with severity and title', () => {
    const r = conntune(['rules', 'list'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^sysctl-tw-recycle-enabled\s+error\s+tcp_tw_recycle is on/m)
    const rows = json(conntune(['rules', 'list', '--json']))
    expect(rows.length).toBeGreaterThanOrEqual(12)
    expect(rows.every((x: any) => x.builtin)).toBe(true)
  })

  it('shows a rule with rationale, references and examples', () => {
    const r = conntune(['rules', 'show', 'sysctl-fin-timeout-not-time-wait'])
    expect(r.code).toBe(0)
    for (const part of ['Fires when:', 'Why:', 'References:', 'https://docs.kernel.org/networking/ip-sysctl.html', 'Examples:', '[fire] lowered to 15 in sysctl.d']) expect(r.stdout).toContain(part)
  })

  it('suggests close ids for an unknown one', () => {
    expectOneLineError(conntune(['rules', 'show', 'tw-recycle']), 2, /no rule "tw-recycle"; did you mean sysctl-tw-recycle-dead-config, sysctl-tw-recycle-enabled\?/)
  })

  it('tests the shipped rules', () => {
    const r = conntune(['rules', 'test'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^\d+ passed, 0 failed$/m)
  })

  it("tests a user's rules, and fails on an example that does not hold", () => {
    const dir = join(tmp, 'good')
    mkdirSync(dir)
    writeFileSync(join(dir, 'site-keepalive-probes.yaml'), userRule)
    const ok = conntune(['rules', 'test', dir])
    expect(ok.stdout.trim()).toBe('2 passed, 0 failed')
    expect(ok.code).toBe(0)

    const bad = join(tmp, 'bad')
    mkdirSync(bad)
    writeFileSync(join(bad, 'site-keepalive-probes.yaml'), userRule.replace('net.ipv4.tcp_keepalive_probes: "3"', 'net.ipv4.tcp_keepalive_probes: "7"'))
    const r = conntune(['rules', 'test', bad])
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('FAIL site-keepalive-probes — three probes: expected 1 finding(s), got 0')

    const invalid = join(tmp, 'invalid')
    mkdirSync(invalid)
    writeFileSync(join(invalid, 'site-keepalive-probes.yaml'), userRule.replace('expect: pass', 'expect: fire'))
    expectOneLineError(conntune(['rules', 'test', invalid]), 2, /site-keepalive-probes\.yaml: invalid rule: examples: needs at least one example that expects "pass"/)
  })

  it('adds user rules to an audit with --rules', () => {
    const dir = join(tmp, 'good')
    const root = join(tmp, 'host')
    mkdirSync(root)
    const r = conntune(['audit', '--root', join(HOSTS, 'clean'), '--rules', dir, '--format', 'json'])
    expect(json(r).findings).toEqual([])
    writeFileSync(join(tmp, 'snap.json'), conntune(['collect', '--root', join(HOSTS, 'clean')]).stdout)
    const snap = JSON.parse(readFileSync(join(tmp, 'snap.json'), 'utf8'))
    snap.sysctl['net.ipv4.tcp_keepalive_probes'] = {value: '2'}
    writeFileSync(join(tmp, 'snap.json'), JSON.stringify(snap))
    const f = json(conntune(['audit', '--snapshot', join(tmp, 'snap.json'), '--rules', dir, '--format', 'json'])).findings
    expect(f.map((x: any) => x.ruleId)).toEqual(['site-keepalive-probes'])
    expect(f[0].message).toBe('tcp_keepalive_probes = 2, below our minimum of 5.')
  })

  it('refuses a user rule that reuses a shipped id', () => {
    const dir = join(tmp, 'dup')
    mkdirSync(dir)
    writeFileSync(join(dir, 'sysctl-tw-recycle-enabled.yaml'), readFileSync(join(REPO, 'rules/sysctl-tw-recycle-enabled.yaml'), 'utf8'))
    expectOneLineError(conntune(['audit', '--root', join(HOSTS, 'clean'), '--rules', dir]), 2, /rule id "sysctl-tw-recycle-enabled" is already defined in .*rules\/sysctl-tw-recycle-enabled\.yaml/)
  })
})

describe('conntune parse sysctl', () => {
  it('shows assignments with lines, and names bad lines', () => {
    const f = join(tmp, '10-x.conf')
    writeFileSync(f, '# c\nnet.ipv4.tcp_tw_reuse = 1\nnet/ipv4/tcp_fin_timeout=30\n-net.ipv4.conf.*.rp_filter = 2\nbogus line\n')
    const r = conntune(['parse', 'sysctl', f])
    expect(r.code).toBe(3)
    expect(r.stdout).toContain(`${f}:2  net.ipv4.tcp_tw_reuse = 1`)
    expect(r.stdout).toContain(`${f}:3  net.ipv4.tcp_fin_timeout = 30`)
    expect(r.stdout).toContain('(glob)  (failure ignored)')
    expect(r.stderr).toMatch(new RegExp(`${f}:5:1: `))
    const j = json(conntune(['parse', 'sysctl', f, '--json']))
    expect(j.entries).toHaveLength(3)
  })

  it('refuses a binary or missing file with one line', () => {
    const b = join(tmp, 'bin.conf')
    writeFileSync(b, Buffer.from([1, 0, 2]))
    expectOneLineError(conntune(['parse', 'sysctl', b]), 2, /bin\.conf: binary file/)
    expectOneLineError(conntune(['parse', 'sysctl', join(tmp, 'nope.conf')]), 2, /nope\.conf: cannot read: ENOENT/)
  })

  it("escapes terminal controls in a user rule's text (rules list and show)", () => {
    const dir = join(tmp, 'controls')
    mkdirSync(dir)
    // OSC 0 retitles the terminal window; CSI 2J clears the screen.
    const crafted = userRule
      .replace(/^title: Keepalive gives up.*$/m, 'title: "Keepalive\\e]0;owned\\a gives up"')
      .replace(/^rationale: Our links.*$/m, 'rationale: "\\e[2JOur links drop packets"')
    writeFileSync(join(dir, 'site-keepalive-probes.yaml'), crafted)
    const list = conntune(['rules', 'list', '--rules', dir])
    expect(list.code).toBe(0)
    expect(list.stdout).toContain('Keepalive\\x1b]0;owned\\x07 gives up')
    const show = conntune(['rules', 'show', 'site-keepalive-probes', '--rules', dir])
    expect(show.code).toBe(0)
    expect(show.stdout).toContain('\\x1b[2JOur links')
    for (const out of [list.stdout, show.stdout]) expect(out).not.toMatch(/[\x1b\x07]/)
  })
})
