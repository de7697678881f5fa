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

  it('yields a long top-level array in batches, the same bytes across every batch boundary', () => {
    // Strings with the text that frames a batch, at every place a boundary can fall.
    const findings = Array.from({length: 1000}, (_, i) => ({i, text: i % 3 ? '\n  ]\n}' : '{\n  "findings": [\n', nested: [{a: [i]}], none: i % 7 ? null : undefined}))
    const report = {summary: {n: 1000}, findings, byRule: [{id: 'r', count: 1000}]}
    const chunks = [...jsonChunks(report)]
    expect(chunks.join('')).toBe(whole(report))
    expect(chunks.length).toBeGreaterThan(4)
    expect(chunks.length).toBeLessThan(20)
    expect(chunked({findings: findings.slice(0, 256)})).toBe(whole({findings: findings.slice(0, 256)}))
    expect(chunked({findings: findings.slice(0, 257)})).toBe(whole({findings: findings.slice(0, 257)}))
  })
})
