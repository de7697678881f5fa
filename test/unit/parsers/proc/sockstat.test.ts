import fs from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import {parseSockstat} from '../../../../src/parsers/proc/sockstat.js'

const captured = fs.readFileSync(path.resolve('test/fixtures/proc/sockstat'), 'utf8')

describe('parseSockstat', () => {
  it('reads the captured file', () => {
    const {value, errors} = parseSockstat(captured, '/proc/net/sockstat')
    expect(errors).toEqual([])
    expect(value.socketsUsed).toBe(Number(/sockets: used (\d+)/.exec(captured)?.[1]))
    const m = /TCP: inuse (\d+) orphan (\d+) tw (\d+) alloc (\d+) mem (\d+)/.exec(captured)
    expect(value.tcp).toEqual({inuse: Number(m?.[1]), orphan: Number(m?.[2]), tw: Number(m?.[3]), alloc: Number(m?.[4]), mem: Number(m?.[5])})
    expect(value.sections.FRAG).toEqual({inuse: 0, memory: 0})
  })

  it('reads the documented example', () => {
    const {value, errors} = parseSockstat('sockets: used 285\nTCP: inuse 7 orphan 0 tw 3 alloc 9 mem 1\n', 'f')
    expect(errors).toEqual([])
    expect(value).toMatchObject({socketsUsed: 285, tcp: {inuse: 7, orphan: 0, tw: 3, alloc: 9, mem: 1}})
  })

  it('reports a missing TCP line, keeping the rest', () => {
    const {value, errors} = parseSockstat('sockets: used 5\nUDP: inuse 0 mem 0\n', 'f')
    expect(value.tcp).toBeNull()
    expect(value.socketsUsed).toBe(5)
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatchObject({kind: 'syntax', file: 'f', line: 4, col: 1, message: 'no "TCP:" line'})
  })

  it('reports a truncated TCP line: the fields it lacks, and the name with no value', () => {
    const {value, errors} = parseSockstat('sockets: used 5\nTCP: inuse 7 orphan 0 tw', 'f')
    expect(value.tcp).toBeNull()
    expect(value.sections.TCP).toEqual({inuse: 7, orphan: 0})
    expect(errors.map((e) => [e.line, e.col, e.message])).toEqual([
      [2, 1, '"TCP:" line lacks tw, alloc, mem'],
      [2, 23, '"tw" has no value (truncated line?)'],
    ])
  })

  it('reports garbage with line and column', () => {
    const {value, errors} = parseSockstat('sockets: used x\nhello\nTCP: inuse 1 orphan 0 tw 0 alloc 1 mem 9\n12 13\n', 'f')
    expect(value.tcp).toEqual({inuse: 1, orphan: 0, tw: 0, alloc: 1, mem: 9})
    expect(value.socketsUsed).toBeNull()
    expect(errors.map((e) => [e.line, e.col])).toEqual([
      [1, 15],
      [2, 1],
      [4, 1],
    ])
  })

  it('says empty and binary files', () => {
    expect(parseSockstat('', 'f').errors.map((e) => e.message)).toEqual(['no "TCP:" line', 'no "sockets: used N" line'])
    expect(parseSockstat('TCP: inuse\0 1', 'f')).toEqual({
      value: {tcp: null, socketsUsed: null, sections: {}},
      errors: [expect.objectContaining({kind: 'io', message: 'binary file'})],
    })
  })

  it('is not fooled by labels and names that are Object.prototype members', () => {
    const {value} = parseSockstat('constructor: toString 1 __proto__ 2\nTCP: inuse 1 orphan 0 tw 0 alloc 1 mem 9\n', 'f')
    const section = value.sections.constructor
    expect(Object.getOwnPropertyDescriptor(section, 'toString')?.value).toBe(1)
    expect(Object.getOwnPropertyDescriptor(section, '__proto__')?.value).toBe(2)
    expect(value.tcp?.mem).toBe(9)
    expect(({} as Record<string, unknown>).toString).toBe(Object.prototype.toString)
  })

  it('never throws on arbitrary or mutated input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({maxLength: 200}), fc.nat().map((n) => captured.slice(0, n % (captured.length + 1)) + 'x')), (s) => {
        const r = parseSockstat(s, 'f')
        for (const e of r.errors) expect(e.line).toBeGreaterThanOrEqual(1)
      }),
      {numRuns: 500},
    )
  })
})
