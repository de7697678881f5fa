import fc from 'fast-check'
import {AddressTable, decodeIpv4Hex, decodeIpv6Hex, formatIpv6Bytes} from '../../../../src/parsers/proc/address.js'
import {hex4, hex6} from './rows.js'

describe('decodeIpv4Hex', () => {
  it('reads the little-endian word the kernel prints', () => {
    expect(decodeIpv4Hex('0100007F')).toBe('127.0.0.1')
    expect(decodeIpv4Hex('00000000')).toBe('0.0.0.0')
    expect(decodeIpv4Hex('0A01A8C0')).toBe('192.168.1.10')
    expect(decodeIpv4Hex('ffffffff')).toBe('255.255.255.255')
  })
  it('reads big-endian hosts when told', () => {
    expect(decodeIpv4Hex('7F000001', 'be')).toBe('127.0.0.1')
  })
  it('rejects anything but 8 hex digits', () => {
    expect(decodeIpv4Hex('0100007')).toBeNull()
    expect(decodeIpv4Hex('0100007G')).toBeNull()
    expect(decodeIpv4Hex('')).toBeNull()
  })
})

describe('decodeIpv6Hex', () => {
  it('decodes ::1 and :: from the kernel words', () => {
    expect(decodeIpv6Hex('00000000000000000000000001000000')).toBe('::1')
    expect(decodeIpv6Hex('00000000000000000000000000000000')).toBe('::')
  })
  it('normalises v4-mapped addresses to IPv4, or keeps them when asked', () => {
    expect(decodeIpv6Hex('0000000000000000FFFF00000100007F')).toBe('127.0.0.1')
    expect(decodeIpv6Hex('0000000000000000FFFF00000100007F', {keepMapped: true})).toBe('::ffff:127.0.0.1')
  })
  it('writes RFC 5952 text: lowercase, no leading zeros, longest zero run compressed', () => {
    expect(decodeIpv6Hex(hex6('2001:db8::1'))).toBe('2001:db8::1')
    expect(decodeIpv6Hex(hex6('fe80::a00:27ff:fe4e:66a1'))).toBe('fe80::a00:27ff:fe4e:66a1')
    // Longest run wins, not the first.
    expect(decodeIpv6Hex(hex6('2001:0:0:1:0:0:0:1'))).toBe('2001:0:0:1::1')
    // Equal runs: the first one is compressed.
    expect(decodeIpv6Hex(hex6('2001:db8:0:0:1:0:0:1'))).toBe('2001:db8::1:0:0:1')
    // A single zero group is never "::".
    expect(decodeIpv6Hex(hex6('2001:db8:0:1:1:1:1:1'))).toBe('2001:db8:0:1:1:1:1:1')
    expect(decodeIpv6Hex(hex6('1::'))).toBe('1::')
  })
  it('decodes big-endian hosts when told', () => {
    expect(decodeIpv6Hex('00000000000000000000000000000001', {byteOrder: 'be'})).toBe('::1')
    expect(decodeIpv6Hex('00000000000000000000FFFF7F000001', {byteOrder: 'be'})).toBe('127.0.0.1')
  })
  it('rejects anything but 32 hex digits', () => {
    expect(decodeIpv6Hex('0000000000000000000000000100000')).toBeNull()
    expect(decodeIpv6Hex('0000000000000000000000000100000x')).toBeNull()
  })
  it('agrees with the WHATWG URL serializer (same compression rules) for any non-mapped address', () => {
    fc.assert(
      fc.property(fc.ipV6(), (ip) => {
        const canonical = new URL(`http://[${ip}]/`).hostname.slice(1, -1)
        if (canonical.startsWith('::ffff:') && canonical.split(':').length === 5) return // v4-mapped: printed as IPv4
        expect(decodeIpv6Hex(hex6(ip))).toBe(canonical)
      }),
      {numRuns: 500},
    )
  })
  it('matches node for every IPv4 address', () => {
    fc.assert(
      fc.property(fc.ipV4(), (ip) => {
        expect(decodeIpv4Hex(hex4(ip))).toBe(ip)
        expect(decodeIpv6Hex(hex6(`::ffff:${ip}`))).toBe(ip)
      }),
      {numRuns: 300},
    )
  })
})

describe('formatIpv6Bytes', () => {
  it('prints all-zero as ::', () => {
    expect(formatIpv6Bytes(new Array(16).fill(0))).toBe('::')
  })
})

describe('AddressTable', () => {
  it('gives an IPv4 address and its v4-mapped form one id', () => {
    const t = new AddressTable()
    const v4 = t.internV4(0x0100007f)
    const mapped = t.intern(0, 0, 0xffff0000 | 0, 0x0100007f)
    expect(mapped).toBe(v4)
    expect(t.text(v4)).toBe('127.0.0.1')
    expect(t.isV4(v4)).toBe(true)
    expect(t.isLoopback(v4)).toBe(true)
    expect(t.endpoint(v4, 80)).toBe('127.0.0.1:80')
  })
  it('knows wildcards and loopback of both families', () => {
    const t = new AddressTable()
    const any4 = t.internV4(0)
    const any6 = t.intern(0, 0, 0, 0)
    const lo6 = t.intern(0, 0, 0, 0x01000000)
    expect(any4).not.toBe(any6)
    expect(t.isUnspecified(any4)).toBe(true)
    expect(t.isUnspecified(any6)).toBe(true)
    expect(t.isUnspecified(lo6)).toBe(false)
    expect(t.isLoopback(lo6)).toBe(true)
    expect(t.text(any6)).toBe('::')
    expect(t.endpoint(lo6, 8000)).toBe('[::1]:8000')
    expect(t.isLoopback(t.internV4(0x0100000a))).toBe(false)
  })
  it('keeps ids stable while it grows', () => {
    const t = new AddressTable()
    const ids: number[] = []
    for (let i = 0; i < 5000; i++) ids.push(t.intern(i, i * 7, i * 13, i ^ 0x5555))
    for (let i = 0; i < 5000; i++) expect(t.intern(i, i * 7, i * 13, i ^ 0x5555)).toBe(ids[i])
    expect(new Set(ids).size).toBe(5000)
    expect(t.size).toBe(5000)
  })
})
