import fs from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import {parseNetstat} from '../../../../src/parsers/proc/netstat.js'

const read = (n: string): string => fs.readFileSync(path.resolve('test/fixtures/proc', n), 'utf8')
const netstat = read('netstat')
const snmp = read('snmp')

describe('parseNetstat', () => {
  it('reads the captured /proc/net/netstat: TcpExt, IpExt, MPTcpExt', () => {
    const {value, errors} = parseNetstat(netstat, '/proc/net/netstat')
    expect(errors).toEqual([])
    expect(Object.keys(value)).toEqual(expect.arrayContaining(['TcpExt', 'IpExt', 'MPTcpExt']))
    const lines = netstat.split('\n')
    const names = lines[0].split(' ').slice(1)
    const nums = lines[1].split(' ').slice(1).map(Number)
    expect(Object.keys(value.TcpExt)).toEqual(names)
    expect(value.TcpExt.TW).toBe(nums[names.indexOf('TW')])
    for (const k of ['TWRecycled', 'TWKilled', 'TCPTimeWaitOverflow', 'ListenOverflows', 'ListenDrops']) expect(typeof value.TcpExt[k]).toBe('number')
  })

  it('reads the captured /proc/net/snmp, negative values included (Tcp MaxConn -1)', () => {
    const {value, errors} = parseNetstat(snmp, '/proc/net/snmp')
    expect(errors).toEqual([])
    expect(value.Tcp.MaxConn).toBe(-1)
    expect(value.Tcp.RtoMin).toBe(200)
    expect(Object.keys(value)).toEqual(expect.arrayContaining(['Ip', 'Icmp', 'IcmpMsg', 'Tcp', 'Udp', 'UdpLite']))
  })

  it('keeps u64 counters past 2^53 as the nearest number instead of failing', () => {
    const {value, errors} = parseNetstat('IpExt: InOctets OutOctets\nIpExt: 18446744073709551615 9007199254740993\n', 'f')
    expect(errors).toEqual([])
    expect(value.IpExt.InOctets).toBe(18446744073709551615)
    expect(value.IpExt.OutOctets).toBe(9007199254740992)
  })

  it('reports mismatched name and value counts, using the pairs it has', () => {
    const {value, errors} = parseNetstat('TcpExt: A B C\nTcpExt: 1 2\n', 'f')
    expect(value.TcpExt).toEqual({A: 1, B: 2})
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatchObject({kind: 'syntax', line: 2, col: 12})
    expect(errors[0].message).toMatch(/3 names but 2 values/)
    const more = parseNetstat('TcpExt: A\nTcpExt: 1 2\n', 'f')
    expect(more.errors[0]).toMatchObject({line: 2, col: 11})
  })

  it('reports a names line without values (truncated file) and values without names', () => {
    const a = parseNetstat('TcpExt: A B\nTcpExt: 1 2\nIpExt: X Y\n', 'f')
    expect(a.value).toEqual({TcpExt: {A: 1, B: 2}})
    expect(a.errors.map((e) => [e.line, e.message])).toEqual([[3, '"IpExt:" names have no values line after them']])
    const b = parseNetstat('TcpExt: A B\nIpExt: X Y\nIpExt: 1 2\nUdp: 5 6\n', 'f')
    expect(b.value).toEqual({IpExt: {X: 1, Y: 2}})
    expect(b.errors.map((e) => e.line)).toEqual([1, 4])
  })

  it('reports a non-numeric value with its column and keeps the others', () => {
    const {value, errors} = parseNetstat('Tcp: A B C\nTcp: 1 x 3\n', 'f')
    expect(value.Tcp).toEqual({A: 1, C: 3})
    expect(errors.map((e) => [e.line, e.col])).toEqual([[2, 8]])
  })

  it('says binary input, and reads empty input as nothing', () => {
    expect(parseNetstat('TcpExt: A\0', 'f').errors).toEqual([expect.objectContaining({kind: 'io'})])
    expect(parseNetstat('', 'f')).toEqual({value: {}, errors: []})
  })

  it('reads at most 1 MiB', () => {
    const {value, errors} = parseNetstat('Tcp: A\nTcp: 1\n' + 'x'.repeat(2 * 1024 * 1024), 'f')
    expect(value).toEqual({Tcp: {A: 1}})
    expect(errors).toEqual([expect.objectContaining({kind: 'limit', line: 3})])
  })

  it('rejects lines with no label and very long fields', () => {
    const {errors} = parseNetstat(`no label here\nTcpExt: ${'A'.repeat(300)}\nTcpExt: 1\n`, 'f')
    expect(errors.map((e) => e.kind)).toEqual(['syntax', 'limit', 'syntax'])
  })

  it('never throws on arbitrary or mutated input', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({maxLength: 300}),
          fc.tuple(fc.nat(), fc.nat(), fc.string({maxLength: 4})).map(([a, b, s]) => {
            const i = a % (netstat.length + 1)
            const j = Math.min(netstat.length, i + (b % 50))
            return netstat.slice(0, i) + s + netstat.slice(j)
          }),
        ),
        (s) => {
          const r = parseNetstat(s, 'f')
          for (const e of r.errors) expect(e.line).toBeGreaterThanOrEqual(1)
          for (const sec of Object.values(r.value)) for (const v of Object.values(sec)) expect(typeof v).toBe('number')
        },
      ),
      {numRuns: 300},
    )
  })
})
