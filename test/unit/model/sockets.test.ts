import fs from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import {makePortRange, parsePortRange, summarizeSockets, type PortRange} from '../../../src/model/sockets.js'
import {row, table, HEADER4, type RowSpec} from '../parsers/proc/rows.js'

const RANGE: PortRange = {low: 32768, high: 60999, available: 28232}
const FIXTURES = path.resolve('test/fixtures/proc')

// Kernel state numbers.
const EST = 1
const SYN_SENT = 2
const SYN_RECV = 3
const FIN_WAIT2 = 5
const TW = 6
const CLOSE = 7
const CW = 8
const LISTEN = 10

describe('summarizeSockets: who closes first', () => {
  it('splits TIME_WAIT into server side (listening port) and client side (toward a remote port)', () => {
    const tcp = table(4, [
      {local: '0.0.0.0', lport: 80, state: LISTEN},
      {local: '10.0.0.5', lport: 80, remote: '203.0.113.7', rport: 51000, state: TW},
      {local: '10.0.0.5', lport: 80, remote: '203.0.113.8', rport: 51001, state: TW},
      {local: '10.0.0.5', lport: 40000, remote: '10.0.0.9', rport: 8080, state: TW},
    ])
    const {value, errors} = summarizeSockets({tcp}, RANGE)
    expect(errors).toEqual([])
    expect(value.observed).toBe(true)
    expect(value.timeWait).toEqual({total: 3, server: 2, client: 1})
    expect(value.listenPorts).toEqual([{port: 80, established: 0, timeWait: 2, closeWait: 0, synRecv: 0, other: 0}])
    expect(value.destinations).toHaveLength(1)
    expect(value.destinations[0]).toMatchObject({local: '10.0.0.5', remote: '10.0.0.9:8080', timeWait: 1, total: 1})
  })

  it('treats a socket on a listening port as outbound when the listener is bound to another address', () => {
    const tcp = table(4, [
      {local: '127.0.0.1', lport: 8000, state: LISTEN},
      {local: '127.0.0.1', lport: 8000, remote: '127.0.0.1', rport: 45000, state: EST}, // gunicorn side
      {local: '10.0.0.5', lport: 8000, remote: '10.0.0.9', rport: 443, state: EST}, // ephemeral 8000, outbound
    ])
    const {value} = summarizeSockets({tcp}, RANGE)
    expect(value.listenPorts).toEqual([{port: 8000, established: 1, timeWait: 0, closeWait: 0, synRecv: 0, other: 0}])
    expect(value.destinations.map((d) => d.remote)).toEqual(['10.0.0.9:443'])
  })

  it('counts IPv4 clients of a dual-stack [::] listener (v4-mapped in tcp6) as server side', () => {
    const tcp6 = table(6, [
      {local: '::', lport: 443, state: LISTEN},
      {local: '::ffff:10.0.0.5', lport: 443, remote: '::ffff:198.51.100.1', rport: 50000, state: EST},
      {local: '::ffff:10.0.0.5', lport: 443, remote: '::ffff:198.51.100.2', rport: 50001, state: TW},
      {local: '2001:db8::5', lport: 443, remote: '2001:db8::99', rport: 50002, state: TW},
    ])
    const {value} = summarizeSockets({tcp6}, RANGE)
    expect(value.listeners).toEqual([{port: 443, addresses: ['::']}])
    expect(value.listenPorts[0]).toEqual({port: 443, established: 1, timeWait: 2, closeWait: 0, synRecv: 0, other: 0})
    expect(value.timeWait).toEqual({total: 2, server: 2, client: 0})
    expect(value.destinations).toEqual([])
  })

  it('does not let a listener of one family claim sockets of the other file', () => {
    // An AF_INET socket is never accepted by an AF_INET6 listener, and the reverse.
    const tcp = table(4, [
      {local: '0.0.0.0', lport: 9000, state: LISTEN},
      {local: '10.0.0.5', lport: 443, remote: '10.0.0.9', rport: 8080, state: EST},
    ])
    const tcp6 = table(6, [
      {local: '::', lport: 443, state: LISTEN},
      {local: '2001:db8::5', lport: 9000, remote: '2001:db8::9', rport: 80, state: EST},
    ])
    const {value} = summarizeSockets({tcp, tcp6}, RANGE)
    expect(value.listenPorts.every((p) => p.established === 0)).toBe(true)
    expect(value.destinations.map((d) => d.remote).sort()).toEqual(['10.0.0.9:8080', '[2001:db8::9]:80'])
  })

  it('matches a v6 listener bound to one address only for that address', () => {
    const tcp6 = table(6, [
      {local: '::1', lport: 8000, state: LISTEN},
      {local: '::1', lport: 8000, remote: '::1', rport: 41000, state: EST},
      {local: '2001:db8::5', lport: 8000, remote: '2001:db8::7', rport: 443, state: EST},
    ])
    const {value} = summarizeSockets({tcp6}, RANGE)
    expect(value.listenPorts[0].established).toBe(1)
    expect(value.destinations).toEqual([
      expect.objectContaining({local: '2001:db8::5', remote: '[2001:db8::7]:443', ip: '2001:db8::7', port: 443, loopback: false}),
    ])
  })
})

describe('summarizeSockets: states and listeners', () => {
  it('counts every state, NEW_SYN_RECV as SYN_RECV', () => {
    const tcp =
      table(4, [
        {local: '0.0.0.0', lport: 80, state: LISTEN},
        {local: '10.0.0.5', lport: 80, remote: '1.1.1.1', rport: 1, state: SYN_RECV},
        {local: '10.0.0.5', lport: 33000, remote: '1.1.1.1', rport: 443, state: SYN_SENT},
        {local: '0.0.0.0', lport: 34000, state: CLOSE},
      ]) + '   9: 050A000A:0050 01010101:0002 0C 00000000:00000000 01:00000064 00000000     0        0 0 0 0000000000000000\n'
    const {value, errors} = summarizeSockets({tcp}, RANGE)
    expect(errors).toEqual([])
    expect(value.total).toBe(5)
    expect(value.states).toEqual({
      ESTABLISHED: 0,
      SYN_SENT: 1,
      SYN_RECV: 2,
      FIN_WAIT1: 0,
      FIN_WAIT2: 0,
      TIME_WAIT: 0,
      CLOSE: 1,
      CLOSE_WAIT: 0,
      LAST_ACK: 0,
      LISTEN: 1,
      CLOSING: 0,
    })
    expect(value.listenPorts[0].synRecv).toBe(2)
    // The unconnected CLOSE socket holds no destination; SYN_SENT does.
    expect(value.destinations.map((d) => [d.remote, d.other])).toEqual([['1.1.1.1:443', 1]])
  })

  it('lists listeners by port with their addresses once each (SO_REUSEPORT repeats them)', () => {
    const tcp = table(4, [
      {local: '0.0.0.0', lport: 443, state: LISTEN},
      {local: '0.0.0.0', lport: 443, state: LISTEN},
      {local: '127.0.0.1', lport: 22, state: LISTEN},
      {local: '10.0.0.5', lport: 22, state: LISTEN},
    ])
    const tcp6 = table(6, [{local: '::', lport: 443, state: LISTEN}])
    const {value} = summarizeSockets({tcp, tcp6}, RANGE)
    expect(value.listeners).toEqual([
      {port: 22, addresses: ['10.0.0.5', '127.0.0.1']},
      {port: 443, addresses: ['0.0.0.0', '::']},
    ])
    expect(value.listenPorts.map((p) => p.port)).toEqual([22, 443])
  })

  it('is not observed without tcp text, and says nothing is there', () => {
    const {value, errors} = summarizeSockets({}, RANGE)
    expect(value.observed).toBe(false)
    expect(value.total).toBe(0)
    expect(value.destinations).toEqual([])
    expect(errors).toEqual([])
  })

  it('reports scan errors under the given file names and keeps the good rows', () => {
    const tcp = `${HEADER4}\n${row(4, 0, {local: '0.0.0.0', lport: 80, state: LISTEN})}\ngarbage\n`
    const {value, errors} = summarizeSockets({tcp, tcp6: '', files: {tcp: '/snap/tcp', tcp6: '/snap/tcp6'}}, RANGE)
    expect(value.total).toBe(1)
    expect(errors.map((e) => `${e.file}:${e.line}`)).toEqual(['/snap/tcp:3', '/snap/tcp6:1'])
  })

  it('reads big-endian snapshots when told', () => {
    const tcp = table(4, [{local: '10.0.0.5', lport: 5000, remote: '127.0.0.1', rport: 6379, state: EST}], 'be')
    const {value} = summarizeSockets({tcp}, RANGE, {byteOrder: 'be'})
    expect(value.destinations[0]).toMatchObject({local: '10.0.0.5', remote: '127.0.0.1:6379', loopback: true})
  })
})

describe('summarizeSockets: destinations and CLOSE_WAIT', () => {
  it('groups outbound sockets by (local IP, remote IP, remote port) with all port-holding states', () => {
    const rows: RowSpec[] = [
      ...Array.from({length: 5}, (_, i) => ({local: '10.0.0.5', lport: 40000 + i, remote: '10.0.1.10', rport: 8080, state: TW})),
      ...Array.from({length: 3}, (_, i) => ({local: '10.0.0.5', lport: 41000 + i, remote: '10.0.1.10', rport: 8080, state: EST})),
      {local: '10.0.0.5', lport: 42000, remote: '10.0.1.10', rport: 8080, state: FIN_WAIT2},
      {local: '10.0.0.5', lport: 42001, remote: '10.0.1.10', rport: 8080, state: CW},
      // Same remote from a second source IP: its own tuple, its own ports.
      {local: '10.0.0.6', lport: 40000, remote: '10.0.1.10', rport: 8080, state: TW},
      // Same remote IP, other port.
      {local: '10.0.0.5', lport: 43000, remote: '10.0.1.10', rport: 9090, state: EST},
    ]
    const {value} = summarizeSockets({tcp: table(4, rows)}, RANGE)
    expect(value.destinations.map((d) => [d.local, d.remote, d.established, d.timeWait, d.other, d.total])).toEqual([
      ['10.0.0.5', '10.0.1.10:8080', 3, 5, 2, 10],
      // Equal totals: by remote, then by local.
      ['10.0.0.6', '10.0.1.10:8080', 0, 1, 0, 1],
      ['10.0.0.5', '10.0.1.10:9090', 1, 0, 0, 1],
    ])
  })

  it('computes share against the range minus reserved ports', () => {
    const range = parsePortRange('32768\t60999', '40000-40999,50000,1000-2000')
    expect(range).toEqual({low: 32768, high: 60999, available: 28232 - 1001})
    const rows = Array.from({length: 100}, (_, i) => ({local: '127.0.0.1', lport: 33000 + i, remote: '127.0.0.1', rport: 8000, state: TW}))
    const {value} = summarizeSockets({tcp: table(4, rows)}, range!)
    expect(value.destinations[0]).toMatchObject({remote: '127.0.0.1:8000', loopback: true, total: 100})
    expect(value.destinations[0].share).toBeCloseTo(100 / 27231, 12)
  })

  it('treats an empty range as fully taken', () => {
    const {value} = summarizeSockets(
      {tcp: table(4, [{local: '10.0.0.5', lport: 33000, remote: '10.0.0.9', rport: 80, state: EST}])},
      makePortRange(60999, 32768),
    )
    expect(value.destinations[0].share).toBe(1)
  })

  it('keeps the largest maxDestinations groups and counts the rest', () => {
    const rows: RowSpec[] = []
    for (let d = 0; d < 150; d++) for (let k = 0; k <= d % 7; k++) rows.push({local: '10.0.0.5', lport: 33000 + rows.length, remote: `10.1.${d >> 8}.${d & 255}`, rport: 443, state: EST})
    const {value} = summarizeSockets({tcp: table(4, rows)}, RANGE, {maxDestinations: 100})
    expect(value.destinations).toHaveLength(100)
    expect(value.truncated.destinations).toBe(50)
    const totals = value.destinations.map((d) => d.total)
    expect(totals).toEqual([...totals].sort((a, b) => b - a))
    expect(totals[0]).toBe(7)
    expect(summarizeSockets({tcp: table(4, rows)}, RANGE).value.destinations).toHaveLength(100)
  })

  it('groups CLOSE_WAIT by listening port (server side) and by remote endpoint (outbound)', () => {
    const tcp = table(4, [
      {local: '127.0.0.1', lport: 8000, state: LISTEN},
      ...Array.from({length: 3}, (_, i) => ({local: '127.0.0.1', lport: 8000, remote: '127.0.0.1', rport: 45000 + i, state: CW})),
      {local: '10.0.0.5', lport: 33000, remote: '10.0.1.10', rport: 8080, state: CW},
      {local: '10.0.0.6', lport: 33001, remote: '10.0.1.10', rport: 8080, state: CW},
      {local: '10.0.0.5', lport: 33002, remote: '10.0.1.11', rport: 8080, state: CW},
    ])
    const tcp6 = table(6, [{local: '2001:db8::5', lport: 33003, remote: '2001:db8::1', rport: 5432, state: CW}])
    const {value} = summarizeSockets({tcp, tcp6}, RANGE)
    expect(value.closeWait).toEqual([
      {kind: 'listener', port: 8000, remote: null, count: 3},
      {kind: 'outbound', port: null, remote: '10.0.1.10:8080', count: 2},
      {kind: 'outbound', port: null, remote: '10.0.1.11:8080', count: 1},
      {kind: 'outbound', port: null, remote: '[2001:db8::1]:5432', count: 1},
    ])
    expect(value.listenPorts[0].closeWait).toBe(3)
  })
})

describe('summarizeSockets on the captured host', () => {
  const read = (n: string): string => fs.readFileSync(path.join(FIXTURES, n), 'utf8')
  const capture = JSON.parse(read('capture.json')) as {ports: Record<string, number>; created: Record<string, number>}
  const sockstat = read('sockstat')
  const {value, errors} = summarizeSockets({tcp: read('tcp'), tcp6: read('tcp6')}, RANGE)
  const p = capture.ports
  const c = capture.created

  it('parses cleanly and agrees with sockstat on TIME_WAIT', () => {
    expect(errors).toEqual([])
    const tw = Number(/TCP: .*\btw (\d+)/.exec(sockstat)?.[1])
    expect(value.timeWait.total).toBe(tw)
  })

  it('finds the listeners it opened', () => {
    const byPort = new Map(value.listeners.map((l) => [l.port, l.addresses]))
    expect(byPort.get(p.v4only)).toEqual(['127.0.0.1'])
    expect(byPort.get(p.dual)).toEqual(['::'])
    expect(byPort.get(p.any4)).toEqual(['0.0.0.0'])
    expect(byPort.get(p.v6lo)).toEqual(['::1'])
  })

  it('sees server-side TIME_WAIT, client-side TIME_WAIT and the CLOSE_WAIT leak where they were made', () => {
    const lp = new Map(value.listenPorts.map((x) => [x.port, x]))
    expect(lp.get(p.any4)?.timeWait).toBe(c.serverTimeWaitAny4)
    expect(value.timeWait.server).toBe(c.serverTimeWaitAny4)
    expect(value.timeWait.client).toBe(c.clientTimeWaitToV4only)
    expect(lp.get(p.dual)).toMatchObject({closeWait: c.closeWaitDualV4, established: c.establishedDualV4 + c.establishedDualV6})
    expect(lp.get(p.v6lo)?.established).toBe(c.establishedV6lo)
    expect(value.closeWait).toContainEqual({kind: 'listener', port: p.dual, remote: null, count: c.closeWaitDualV4})
    const toV4only = value.destinations.find((d) => d.remote === `127.0.0.1:${p.v4only}`)
    expect(toV4only).toMatchObject({local: '127.0.0.1', timeWait: c.clientTimeWaitToV4only, loopback: true})
    const toDual = value.destinations.find((d) => d.remote === `127.0.0.1:${p.dual}`)
    // The half-closed clients sit in FIN_WAIT2 while the server side is in CLOSE_WAIT.
    expect(toDual).toMatchObject({established: c.establishedDualV4, other: c.closeWaitDualV4})
    expect(value.destinations.find((d) => d.remote === `[::1]:${p.v6lo}`)?.established).toBe(c.establishedV6lo)
  })
})

describe('summarizeSockets at scale', () => {
  it('counts 200 000 rows correctly', () => {
    const lines = [HEADER4, row(4, 0, {local: '0.0.0.0', lport: 443, state: LISTEN})]
    const upstreams = ['10.0.1.10', '10.0.1.11', '10.0.1.12', '10.0.1.13']
    for (let i = 1; i < 200_000; i++) {
      const client = `198.51.${(i >> 8) & 255}.${i & 255}`
      const kind = i % 4
      if (kind === 0) lines.push(row(4, i, {local: '10.0.0.5', lport: 443, remote: client, rport: 1024 + (i % 60000), state: EST}))
      else if (kind === 1) lines.push(row(4, i, {local: '10.0.0.5', lport: 443, remote: client, rport: 1024 + (i % 60000), state: TW}))
      else lines.push(row(4, i, {local: '10.0.0.5', lport: 32768 + (i % 28000), remote: upstreams[i % 4], rport: 8080, state: kind === 2 ? EST : TW}))
    }
    const {value, errors} = summarizeSockets({tcp: lines.join('\n') + '\n'}, RANGE)
    expect(errors).toEqual([])
    expect(value.total).toBe(200_000)
    expect(value.states.LISTEN).toBe(1)
    expect(value.states.ESTABLISHED + value.states.TIME_WAIT).toBe(199_999)
    expect(value.timeWait).toEqual({total: value.states.TIME_WAIT, server: 50_000, client: 50_000})
    expect(value.listenPorts[0]).toMatchObject({port: 443, established: 49_999, timeWait: 50_000})
    // i % 4 === 2 goes to upstreams[2] (ESTABLISHED), i % 4 === 3 to upstreams[3] (TIME_WAIT).
    expect(value.destinations.map((d) => [d.remote, d.established, d.timeWait])).toEqual([
      ['10.0.1.12:8080', 50_000, 0],
      ['10.0.1.13:8080', 0, 50_000],
    ])
  })
})

describe('summarizeSockets properties', () => {
  it('never throws on arbitrary text, and its counts always add up', () => {
    fc.assert(
      fc.property(fc.option(fc.string({maxLength: 300})), fc.option(fc.string({maxLength: 300})), (tcp, tcp6) => {
        const {value} = summarizeSockets({tcp: tcp ?? undefined, tcp6: tcp6 ?? undefined}, RANGE)
        const sum = Object.values(value.states).reduce((a, b) => a + b, 0)
        expect(sum).toBe(value.total)
      }),
      {numRuns: 300},
    )
  })

  it('keeps server + client TIME_WAIT equal to the total on random tables', () => {
    const spec = fc.record({
      local: fc.constantFrom('0.0.0.0', '127.0.0.1', '10.0.0.5'),
      lport: fc.constantFrom(80, 443, 8000, 33000, 40000),
      remote: fc.constantFrom('10.0.0.9', '127.0.0.1', '0.0.0.0'),
      rport: fc.constantFrom(0, 80, 8080, 51000),
      state: fc.integer({min: 1, max: 12}),
    })
    fc.assert(
      fc.property(fc.array(spec, {maxLength: 60}), (rows) => {
        const {value, errors} = summarizeSockets({tcp: table(4, rows)}, RANGE, {maxDestinations: 3})
        expect(errors).toEqual([])
        expect(value.timeWait.server + value.timeWait.client).toBe(value.timeWait.total)
        const lpTotal = value.listenPorts.reduce((a, x) => a + x.established + x.timeWait + x.closeWait + x.synRecv + x.other, 0)
        const destTotal = value.destinations.reduce((a, d) => a + d.total, 0)
        expect(lpTotal + destTotal).toBeLessThanOrEqual(value.total - value.states.LISTEN)
        expect(value.destinations.length).toBeLessThanOrEqual(3)
      }),
      {numRuns: 300},
    )
  })
})
