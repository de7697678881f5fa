// A JSON report written a finding at a time must be the same bytes as the one string.
import {jsonChunks} from '../../../src/report/json.js'

const whole = (o: Record<string, unknown>) => JSON.stringify(o, null, 2) + '\n'
const chunked = (o: Record<string, unknown>) => [...jsonChunks(o)].join('')

describe('jsonChunks', () => {
  it('gives the bytes of JSON.stringify(obj, null, 2) and a newline', () => {
    const report = {
      format: 'conntune-report',
      version: 1,
      dropped: undefined,
      summary: {error: 0, info: 2},
      hosts: [{name: 'a\nb "q"', sockets: {states: {}}, problems: []}],
      findings: [{ruleId: 'r', message: 'line\nbreak', evidence: {n: 1.5, list: [1, [2, []], {}]}, fix: null}, {ruleId: 's', fix: {actions: [{kind: 'set'}]}}],
      empty: [],
      nothing: null,
      holes: [undefined, null, 3],
      last: 'x',
    }
    expect(chunked(report)).toBe(whole(report))
  })

  it('handles an object with no fields and a last field that is an array', () => {
    expect(chunked({})).toBe(whole({}))
    expect(chunked({a: 1, b: [1, 2]})).toBe(whole({a: 1, b: [1, 2]}))
  })

  it('yields each element of a top-level array on its own', () => {
    expect([...jsonChunks({findings: [{a: 1}, {b: 2}, {c: 3}]})].length).toBeGreaterThanOrEqual(5)
  })
})
