import fs from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import {parseSysctlConf} from '../../../../src/parsers/sysctl/index.js'

const SAMPLES = path.resolve('test/unit/parsers/sysctl/samples')
const sample = (n: string): string => fs.readFileSync(path.join(SAMPLES, n), 'utf8')
const parse = (text: string) => parseSysctlConf(text, '/etc/sysctl.d/90-test.conf')

describe('parseSysctlConf on real files', () => {
  it("reads systemd's 50-pid-max.conf", () => {
    const text = sample('50-pid-max.conf')
    const {value, errors} = parse(text)
    expect(errors).toEqual([])
    const line = text.split('\n').findIndex((l) => l.startsWith('kernel.pid_max')) + 1
    expect(value.entries).toEqual([
      {key: 'kernel.pid_max', rawKey: 'kernel.pid_max', path: 'kernel/pid_max', value: '4194304', line, col: 1, keyCol: 1, valueCol: 18, ignoreFailure: false, glob: false},
    ])
    expect(value.comments.length).toBe(text.split('\n').filter((l) => l.startsWith('#')).length)
  })

  it("reads Debian's all-comment /etc/sysctl.conf as no entries", () => {
    const {value, errors} = parse(sample('debian-sysctl.conf'))
    expect(errors).toEqual([])
    expect(value.entries).toEqual([])
    expect(value.comments).toContainEqual({line: 7, col: 1, text: 'kernel.domainname = example.com', marker: '#'})
  })

  it('reads 99-protect-links.conf', () => {
    const {value, errors} = parse(sample('99-protect-links.conf'))
    expect(errors).toEqual([])
    expect(value.entries.map((e) => [e.key, e.value])).toEqual([
      ['fs.protected_fifos', '1'],
      ['fs.protected_hardlinks', '1'],
      ['fs.protected_regular', '2'],
      ['fs.protected_symlinks', '1'],
    ])
  })

  it('reads globs, "-" assignments and "-key" exclusions like 50-default.conf', () => {
    const {value, errors} = parse(sample('systemd-50-default.conf'))
    expect(errors).toEqual([])
    const globs = value.entries.filter((e) => e.glob).map((e) => e.key)
    expect(globs).toEqual(['net.ipv4.conf.*.rp_filter', 'net.ipv4.conf.*.accept_source_route', 'net.ipv4.conf.*.promote_secondaries'])
    expect(value.exclusions.map((x) => x.key)).toEqual(['net.ipv4.conf.all.rp_filter', 'net.ipv4.conf.all.accept_source_route', 'net.ipv4.conf.all.promote_secondaries'])
    const ping = value.entries.find((e) => e.key === 'net.ipv4.ping_group_range')
    expect(ping).toMatchObject({value: '0 2147483647', ignoreFailure: true, col: 1, keyCol: 2})
    expect(value.entries.some((e) => e.key.startsWith('-'))).toBe(false)
  })
})

describe('parseSysctlConf grammar', () => {
  it('strips key and value, keeping inner whitespace of the value', () => {
    const {value} = parse('  net.ipv4.ip_local_port_range =   20000    40000   \nnet.ipv4.tcp_rmem = 4096\t87380\t6291456\n')
    expect(value.entries.map((e) => [e.key, e.value, e.col, e.valueCol])).toEqual([
      ['net.ipv4.ip_local_port_range', '20000    40000', 3, 36],
      ['net.ipv4.tcp_rmem', '4096\t87380\t6291456', 1, 21],
    ])
  })

  it('normalises slash keys and keeps the raw spelling', () => {
    const {value} = parse('net/ipv4/conf/enp3s0.200/forwarding=1\n')
    expect(value.entries[0]).toMatchObject({key: 'net.ipv4.conf.enp3s0/200.forwarding', rawKey: 'net/ipv4/conf/enp3s0.200/forwarding', path: 'net/ipv4/conf/enp3s0.200/forwarding', value: '1', valueCol: 37})
  })

  it('splits at the first "=", so later ones belong to the value', () => {
    expect(parse('net.ipv4.tcp_orphan_retries==1\n').value.entries[0].value).toBe('=1')
    expect(parse('kernel.core_pattern = |/bin/x a=b\n').value.entries[0].value).toBe('|/bin/x a=b')
  })

  it('has no trailing comments and no line continuation', () => {
    const {value, errors} = parse('net.ipv4.tcp_keepalive_probes = 4 # four\nnet.ipv4.tcp_synack_retries = 3 \\\nnet.ipv4.tcp_retries1 = 4\n')
    expect(errors).toEqual([])
    expect(value.entries.map((e) => e.value)).toEqual(['4 # four', '3 \\', '4'])
  })

  it('accepts an empty value (systemd writes "", the kernel decides)', () => {
    const {value, errors} = parse('net.ipv4.tcp_syn_retries =\n')
    expect(errors).toEqual([])
    expect(value.entries[0]).toMatchObject({value: '', valueCol: 27})
  })

  it('reads "-" with spaces after it as systemd does', () => {
    const {value} = parse('-  net.ipv4.tcp_retries2 = 9\n')
    expect(value.entries[0]).toMatchObject({key: 'net.ipv4.tcp_retries2', ignoreFailure: true, col: 1, keyCol: 4})
  })

  it('takes "!" literally: sysctl.d has no negation', () => {
    expect(parse('!net.ipv4.tcp_sack = 0\n').value.entries[0].key).toBe('!net.ipv4.tcp_sack')
  })

  it('keeps "#" and ";" comment lines, indented or not, with their columns', () => {
    const {value} = parse('# conntune: ignore sysctl-tw-reuse-off-on-proxy -- upstreams are on loopback\n   ; old\n\t#\n')
    expect(value.comments).toEqual([
      {line: 1, col: 1, text: 'conntune: ignore sysctl-tw-reuse-off-on-proxy -- upstreams are on loopback', marker: '#'},
      {line: 2, col: 4, text: 'old', marker: ';'},
      {line: 3, col: 2, text: '', marker: '#'},
    ])
    expect(value.entries).toEqual([])
  })

  it('reads CRLF files like LF files', () => {
    const {value, errors} = parse('# c\r\nnet.ipv4.tcp_fin_timeout = 30\r\nnet.core.somaxconn=4096\r\n')
    expect(errors).toEqual([])
    expect(value.entries.map((e) => [e.line, e.key, e.value])).toEqual([
      [2, 'net.ipv4.tcp_fin_timeout', '30'],
      [3, 'net.core.somaxconn', '4096'],
    ])
  })

  it('ends a line at a lone CR like systemd, and warns that procps does not', () => {
    const {value, errors} = parse('a.b = 1\rc.d = 2\nbad\n')
    expect(value.entries.map((e) => [e.line, e.key, e.value])).toEqual([
      [1, 'a.b', '1'],
      [2, 'c.d', '2'],
    ])
    expect(errors.map((e) => [e.line, e.col])).toEqual([
      [1, 8],
      [3, 1],
    ])
    expect(errors[0].message).toMatch(/procps/)
  })
})

describe('parseSysctlConf errors', () => {
  it('reports a line with no "=" and skips it, like systemd', () => {
    const {value, errors} = parse('net.ipv4.tcp_sack = 1\n  no equals here\nnet.ipv4.tcp_dsack = 1\n')
    expect(value.entries.map((e) => e.key)).toEqual(['net.ipv4.tcp_sack', 'net.ipv4.tcp_dsack'])
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatchObject({kind: 'syntax', file: '/etc/sysctl.d/90-test.conf', line: 2, col: 3})
    expect(String(errors[0])).toBe('/etc/sysctl.d/90-test.conf:2:3: line is not an assignment (no "="); systemd-sysctl skips it: no equals here')
  })

  it('reports a missing key', () => {
    const {value, errors} = parse('= 5\n- = 1\n-\n')
    expect(value.entries).toEqual([])
    expect(value.exclusions).toEqual([])
    expect(errors.map((e) => [e.line, e.col, e.message])).toEqual([
      [1, 1, 'missing key before "="'],
      [2, 3, 'missing key before "="'],
      [3, 1, 'missing key after "-"'],
    ])
  })

  it('reports a key with whitespace inside and a key of only separators', () => {
    const {value, errors} = parse('net.ipv4.tcp fin_timeout = 30\n./. = 1\n')
    expect(value.entries.map((e) => e.rawKey)).toEqual(['net.ipv4.tcp fin_timeout'])
    expect(errors.map((e) => [e.line, e.col])).toEqual([
      [1, 13],
      [2, 1],
    ])
  })

  it('says a byte order mark breaks the first line', () => {
    const {value, errors} = parse('\ufeffnet.ipv4.tcp_sack = 1\n')
    expect(errors[0]).toMatchObject({line: 1, col: 1})
    expect(errors[0].message).toMatch(/byte order mark/)
    expect(value.entries[0].key).toBe('\ufeffnet.ipv4.tcp_sack')
  })

  it('rejects binary files', () => {
    expect(parse('a = 1\n\0\0')).toEqual({value: {entries: [], comments: [], exclusions: []}, errors: [expect.objectContaining({kind: 'io', message: 'binary file'})]})
  })

  it('bounds file size, line length and the number of errors', () => {
    const big = parseSysctlConf('a.b = 1\n'.repeat(100), 'f', {maxChars: 80})
    expect(big.value.entries).toHaveLength(10)
    expect(big.errors).toEqual([expect.objectContaining({kind: 'limit', line: 11})])
    const long = parseSysctlConf(`a.b = ${'x'.repeat(200)}\nc.d = 1\n`, 'f', {maxLineLength: 100})
    expect(long.value.entries.map((e) => e.key)).toEqual(['c.d'])
    expect(long.errors).toEqual([expect.objectContaining({kind: 'limit', line: 1})])
    const many = parseSysctlConf('junk\n'.repeat(50), 'f', {maxErrors: 5})
    expect(many.errors).toHaveLength(6)
    expect(many.errors[5]).toMatchObject({kind: 'limit', message: '45 more errors not shown'})
  })
})

describe('parseSysctlConf properties', () => {
  const line = fc.oneof(
    fc.constantFrom('# c', '; c', '', '   ', 'net.ipv4.tcp_fin_timeout = 30', '-net.x.y', '-a/b.c = 1 2', 'k.*.v=1', 'bad', '=', '\\', '\ufeff'),
    fc.string({maxLength: 30}),
  )
  const eol = fc.constantFrom('\n', '\r\n', '\r')

  it('never throws on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({maxLength: 300}), (s) => {
        const r = parse(s)
        for (const e of r.errors) expect(e.line).toBeGreaterThanOrEqual(1)
      }),
      {numRuns: 500},
    )
  })

  it('points every entry at its key and value in the source', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(line, eol), {maxLength: 20}), (parts) => {
        const text = parts.map(([l, e]) => l + e).join('')
        const lines = text.split(/\r\n|\r|\n/)
        const {value} = parse(text)
        for (const e of value.entries) {
          const src = lines[e.line - 1]
          expect(src.slice(e.keyCol - 1).startsWith(e.rawKey)).toBe(true)
          expect(src.slice(e.valueCol - 1).startsWith(e.value)).toBe(true)
          expect(src.slice(0, e.valueCol - 1)).toContain('=')
          expect(e.value).toBe(e.value.replace(/^[ \t]+|[ \t]+$/g, ''))
        }
        for (const c of value.comments) expect('#;').toContain(lines[c.line - 1][c.col - 1])
      }),
      {numRuns: 400},
    )
  })
})
