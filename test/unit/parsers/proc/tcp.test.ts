import fs from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import {AddressTable} from '../../../../src/parsers/proc/address.js'
import {scanProcNetTcp, scanProcNetTcpDetailed, TCP_STATE_NAMES} from '../../../../src/parsers/proc/tcp.js'
import {HEADER4, row, table} from './rows.js'

const FIXTURES = path.resolve('test/fixtures/proc')
const fixture = (name: string): string => fs.readFileSync(path.join(FIXTURES, name), 'utf8')

interface Row {
  state: string
  local: string
  remote: string
}

function collect(text: string, family: 4 | 6, t = new AddressTable()): {rows: Row[]; errors: ReturnType<typeof scanProcNetTcp>} {
  const rows: Row[] = []
  const errors = scanProcNetTcp(text, '/proc/net/tcp', family, (st, l, lp, r, rp) => {
    rows.push({state: TCP_STATE_NAMES[st], local: t.endpoint(l, lp), remote: t.endpoint(r, rp)})
  }, {table: t})
  return {rows, errors}
}

describe('scanProcNetTcp on captured files', () => {
  const capture = JSON.parse(fixture('capture.json')) as {ports: Record<string, number>}

  it('reads every row of the captured /proc/net/tcp', () => {
    const text = fixture('tcp')
    const {rows, errors} = collect(text, 4)
    expect(errors).toEqual([])
    expect(rows).toHaveLength(text.trimEnd().split('\n').length - 1)
    expect(rows).toContainEqual({state: 'LISTEN', local: `127.0.0.1:${capture.ports.v4only}`, remote: '0.0.0.0:0'})
    expect(rows).toContainEqual({state: 'LISTEN', local: `0.0.0.0:${capture.ports.any4}`, remote: '0.0.0.0:0'})
    expect(rows.filter((r) => r.state === 'TIME_WAIT' && r.remote === `127.0.0.1:${capture.ports.v4only}`)).toHaveLength(4)
  })

  it('reads every row of the captured /proc/net/tcp6, v4-mapped as IPv4', () => {
    const text = fixture('tcp6')
    const {rows, errors} = collect(text, 6)
    expect(errors).toEqual([])
    expect(rows).toHaveLength(text.trimEnd().split('\n').length - 1)
    expect(rows).toContainEqual({state: 'LISTEN', local: `[::]:${capture.ports.dual}`, remote: '[::]:0'})
    expect(rows).toContainEqual({state: 'LISTEN', local: `[::1]:${capture.ports.v6lo}`, remote: '[::]:0'})
    const mapped = rows.filter((r) => r.local === `127.0.0.1:${capture.ports.dual}`)
    expect(mapped.map((r) => r.state).sort()).toEqual(['CLOSE_WAIT', 'CLOSE_WAIT', 'ESTABLISHED', 'ESTABLISHED'])
  })
})

describe('scanProcNetTcp row shapes', () => {
  it('reads full sockets, TIME_WAIT minisockets and request sockets', () => {
    const text = table(4, [
      {local: '0.0.0.0', lport: 80, state: 10},
      {local: '10.0.0.5', lport: 80, remote: '10.0.0.9', rport: 50000, state: 1},
      {local: '10.0.0.5', lport: 80, remote: '10.0.0.9', rport: 50001, state: 6},
      {local: '10.0.0.5', lport: 80, remote: '10.0.0.9', rport: 50002, state: 3},
    ])
    const {rows, errors} = collect(text, 4)
    expect(errors).toEqual([])
    expect(rows.map((r) => r.state)).toEqual(['LISTEN', 'ESTABLISHED', 'TIME_WAIT', 'SYN_RECV'])
    expect(rows[2]).toEqual({state: 'TIME_WAIT', local: '10.0.0.5:80', remote: '10.0.0.9:50001'})
  })

  it('reads tcp6 rows of every shape', () => {
    const text = table(6, [
      {local: '::', lport: 443, state: 10},
      {local: '2001:db8::5', lport: 443, remote: '2001:db8::9', rport: 40000, state: 6},
      {local: '::ffff:10.0.0.5', lport: 443, remote: '::ffff:10.0.0.9', rport: 40001, state: 8},
    ])
    const {rows, errors} = collect(text, 6)
    expect(errors).toEqual([])
    expect(rows).toEqual([
      {state: 'LISTEN', local: '[::]:443', remote: '[::]:0'},
      {state: 'TIME_WAIT', local: '[2001:db8::5]:443', remote: '[2001:db8::9]:40000'},
      {state: 'CLOSE_WAIT', local: '10.0.0.5:443', remote: '10.0.0.9:40001'},
    ])
  })

  it('reads row numbers wider than the %4d field', () => {
    const line = row(4, 123456, {local: '127.0.0.1', lport: 8080, remote: '127.0.0.1', rport: 1, state: 1})
    expect(line.startsWith('123456: ')).toBe(true)
    const {rows, errors} = collect(`${HEADER4}\n${line}\n`, 4)
    expect(errors).toEqual([])
    expect(rows).toHaveLength(1)
  })

  it('accepts CRLF line ends, a missing final newline, and no header', () => {
    const a = row(4, 0, {local: '127.0.0.1', lport: 80, state: 10})
    const b = row(4, 1, {local: '127.0.0.1', lport: 81, state: 10})
    for (const text of [`${HEADER4}\r\n${a}\r\n${b}\r\n`, `${HEADER4}\n${a}\n${b}`, `${a}\n${b}\n`]) {
      const {rows, errors} = collect(text, 4)
      expect(errors).toEqual([])
      expect(rows.map((r) => r.local)).toEqual(['127.0.0.1:80', '127.0.0.1:81'])
    }
  })

  it('passes NEW_SYN_RECV (0C) through as the raw state', () => {
    const text = `${HEADER4}\n   0: 0100007F:0050 0100007F:C350 0C 00000000:00000000 01:00000064 00000000     0        0 0 0 0000000000000000\n`
    const states: number[] = []
    expect(scanProcNetTcp(text, 'f', 4, (st) => states.push(st))).toEqual([])
    expect(states).toEqual([12])
  })

  it('reads big-endian hosts through a big-endian table', () => {
    const text = table(4, [{local: '192.168.1.10', lport: 22, remote: '10.1.2.3', rport: 5555, state: 1}], 'be')
    const {rows} = collect(text, 4, new AddressTable('be'))
    expect(rows[0]).toEqual({state: 'ESTABLISHED', local: '192.168.1.10:22', remote: '10.1.2.3:5555'})
  })
})

describe('scanProcNetTcp on bad input', () => {
  const good = row(4, 0, {local: '127.0.0.1', lport: 80, remote: '127.0.0.1', rport: 5000, state: 1})

  it('reports a truncated last line with its line number and keeps the rows before it', () => {
    const cut = good.slice(0, 60)
    const {rows, errors} = collect(`${HEADER4}\n${good}\n${cut}`, 4)
    expect(rows).toHaveLength(2)
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatchObject({kind: 'syntax', line: 3})
    expect(errors[0].message).toMatch(/truncated row/)
  })

  it('reports a row cut inside the address and goes on', () => {
    const {rows, errors} = collect(`${HEADER4}\n   0: 0100007F:00\n${good}\n`, 4)
    expect(rows).toHaveLength(1)
    expect(errors.map((e) => [e.line, e.col])).toEqual([[2, 7]])
    expect(errors[0].message).toMatch(/local address/)
  })

  it('reports garbage rows with line and column', () => {
    const text = [HEADER4, 'hello world', '   1: 0100007F:0050 0100007F:C350 ZZ 00000000', '   2 0100007F:0050', good, '   3: 0100007F:0050 0100007F:C350 0F x x x x x x x x x'].join('\n')
    const {rows, errors} = collect(text, 4)
    expect(rows).toHaveLength(1)
    expect(errors.map((e) => [e.line, e.col])).toEqual([
      [2, 1],
      [3, 35],
      [4, 5],
      [6, 35],
    ])
    expect(errors[3].message).toMatch(/unknown TCP state 0x0F/)
  })

  it('reports tcp6 text read as tcp', () => {
    const text = table(6, [{local: '::1', lport: 80, state: 10}])
    const {rows, errors} = collect(text, 4)
    expect(rows).toHaveLength(0)
    expect(errors[0].message).toMatch(/8 hex digits/)
  })

  it('says empty and binary files', () => {
    expect(collect('', 4).errors[0]).toMatchObject({kind: 'syntax', line: 1, col: 1})
    expect(collect('\n  \n', 4).errors[0].message).toMatch(/empty/)
    expect(collect(`${HEADER4}\n\0\0\0`, 4).errors).toEqual([expect.objectContaining({kind: 'io', message: 'binary file'})])
  })

  it('caps the errors it keeps and counts the rest', () => {
    const text = Array.from({length: 500}, () => 'junk').join('\n')
    const r = scanProcNetTcpDetailed(text, 'f', 4, () => {}, {maxErrors: 10})
    expect(r.errors).toHaveLength(11)
    expect(r.errors[10]).toMatchObject({kind: 'limit'})
    expect(r.errors[10].message).toBe('490 more errors not shown')
  })

  it('stops at maxRows with a limit error', () => {
    const text = table(4, Array.from({length: 20}, (_, i) => ({local: '127.0.0.1', lport: 1000 + i, state: 10})))
    const r = scanProcNetTcpDetailed(text, 'f', 4, () => {}, {maxRows: 5})
    expect(r.rows).toBe(5)
    expect(r.errors).toEqual([expect.objectContaining({kind: 'limit', line: 7})])
  })
})

describe('scanProcNetTcp properties', () => {
  const lines = [HEADER4, row(4, 0, {local: '127.0.0.1', lport: 80, state: 10}), row(4, 1, {local: '10.0.0.1', lport: 5, remote: '1.2.3.4', rport: 6, state: 6})]
  const base = lines.join('\n') + '\n'
  const base6 = table(6, [{local: '::1', lport: 80, state: 10}, {local: '::ffff:1.2.3.4', lport: 1, remote: '2001:db8::1', rport: 2, state: 1}])

  it('never throws on arbitrary strings and only returns ParseErrors', () => {
    fc.assert(
      fc.property(fc.string({maxLength: 400}), fc.constantFrom<4 | 6>(4, 6), (s, fam) => {
        const errors = scanProcNetTcp(s, 'f', fam, () => {})
        for (const e of errors) expect(e.line).toBeGreaterThanOrEqual(1)
      }),
      {numRuns: 500},
    )
  })

  it('never throws on mutated real rows, and every row it returns has a known state', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(base, base6),
        fc.array(fc.tuple(fc.nat(), fc.nat({max: 3}), fc.string({maxLength: 3})), {maxLength: 6}),
        (start, edits) => {
          let s = start
          for (const [at, op, str] of edits) {
            const i = at % (s.length + 1)
            s = op === 0 ? s.slice(0, i) : op === 1 ? s.slice(0, i) + str + s.slice(i) : op === 2 ? s.slice(0, i) + s.slice(i + 1) : s.slice(0, i) + str + s.slice(i + str.length)
          }
          const fam = start === base ? 4 : 6
          scanProcNetTcp(s, 'f', fam, (st, l, lp, r, rp) => {
            expect(st >= 1 && st <= 12).toBe(true)
            expect(lp >= 0 && lp <= 0xffff && rp >= 0 && rp <= 0xffff).toBe(true)
            expect(l).toBeGreaterThanOrEqual(0)
            expect(r).toBeGreaterThanOrEqual(0)
          })
        },
      ),
      {numRuns: 500},
    )
  })
})
