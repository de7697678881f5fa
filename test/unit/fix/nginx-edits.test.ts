// nginx fixes of one file are planned on one parse and spliced in one pass; the answer must be
// what making them one at a time, each on a fresh parse of the text the one before left, gives
// (editNginxOneByOne, the way every edit was made before). Random configs and edit lists, in
// the bottom-up order planFixes sorts them into; then the shape that was quadratic.
import fc from 'fast-check'
import {editNginxFile, editNginxOneByOne} from '../../../src/fix/edits.js'
import type {FixAction} from '../../../src/rules/types.js'
import {BOUND, bestOf, timed} from '../perf/best-of.js'

type SetAction = Extract<FixAction, {kind: 'set'}>
const set = (name: string, value: string, line: number | null, insertAt: SetAction['insertAt'] = null): {ruleId: string; a: SetAction} => ({ruleId: 'r', a: {kind: 'set', name, value, current: null, file: line === null ? null : 'n.conf', line, insertAt}})
const at = (a: SetAction) => [a.line ?? a.insertAt!.line, a.line !== null ? 0 : a.insertAt!.col] as const
const bottomUp = (list: Array<{ruleId: string; a: SetAction}>) => [...list].sort((x, y) => at(y.a)[0] - at(x.a)[0] || at(y.a)[1] - at(x.a)[1])

/** A config of servers, some written on one line, with the line and column of each `server`. */
const config = fc.array(fc.record({oneLine: fc.boolean(), crlf: fc.constant(false), keepalive: fc.boolean(), location: fc.boolean(), blanks: fc.constantFrom('', ' ', '\t  ')}), {minLength: 1, maxLength: 6})

function render(servers: Array<{oneLine: boolean; keepalive: boolean; location: boolean; blanks: string}>, nl: string) {
  const lines: string[] = ['http {']
  const blocks: Array<{line: number; col: number}> = [{line: 1, col: 1}]
  const directives: Array<{line: number; name: string}> = []
  for (const s of servers) {
    if (s.oneLine) {
      blocks.push({line: lines.length + 1, col: 5})
      if (s.keepalive) directives.push({line: lines.length + 1, name: 'keepalive_timeout'})
      lines.push(`    server {${s.blanks}listen 80;${s.keepalive ? ' keepalive_timeout 65s;' : ''} }`)
      continue
    }
    blocks.push({line: lines.length + 1, col: 5})
    lines.push(`    server {${s.blanks}`)
    lines.push('        listen 80;')
    if (s.keepalive) {
      directives.push({line: lines.length + 1, name: 'keepalive_timeout'})
      lines.push('        keepalive_timeout 65s;')
    }
    if (s.location) {
      blocks.push({line: lines.length + 1, col: 9})
      lines.push('        location / { proxy_pass http://app; }')
    }
    lines.push('    }')
  }
  lines.push('}', '')
  return {text: lines.join(nl), blocks, directives}
}

describe('nginx edits of one file', () => {
  it('give what one parse per edit gave, text and notes', () => {
    fc.assert(fc.property(config, fc.boolean(), fc.array(fc.tuple(fc.nat(), fc.nat(), fc.constantFrom('keepalive_timeout', 'keepalive_requests', 'proxy_read_timeout')), {maxLength: 8}), (servers, crlf, picks) => {
      const {text, blocks, directives} = render(servers, crlf ? '\r\n' : '\n')
      const seen = new Set<string>()
      const list = picks.flatMap(([kind, i, name]) => {
        // Edits of existing directives, insertions into blocks, and some that find nothing.
        const key = `${kind % 3}:${i}:${name}`
        if (seen.has(key)) return []
        seen.add(key)
        if (kind % 3 === 0 && directives.length > 0) {
          const d = directives[i % directives.length]
          return [set(d.name, '5s', d.line)]
        }
        if (kind % 3 === 1) {
          const b = blocks[i % blocks.length]
          return [set(name, '5s', null, {file: 'n.conf', line: b.line, col: b.col, context: 'server'})]
        }
        return [set(name, '5s', (i % 40) + 1)]
      })
      const ordered = bottomUp(list)
      expect(editNginxFile(text, 'n.conf', ordered)).toEqual(editNginxOneByOne(text, 'n.conf', ordered))
    }), {numRuns: 3_000})
  })

  it('make the edits one by one when two splices overlap on different lines (a block directive rewritten around an insertion)', () => {
    // A rule may name a block directive: its span runs to the block's `}`, over the location's
    // line, where the other edit inserts. One pass cannot splice both; one by one can.
    const text = 'http {\n    server {\n        location / { proxy_pass http://app; }\n    }\n}\n'
    const list = bottomUp([set('server', 'x', 2), set('proxy_read_timeout', '5s', null, {file: 'n.conf', line: 3, col: 9, context: 'location'})])
    const one = editNginxOneByOne(text, 'n.conf', list)
    expect(one.changed).toBe(true)
    expect(editNginxFile(text, 'n.conf', list)).toEqual(one)
  })

  // Every edit parsed and copied the whole file (2 000 added lines: 6 s).
  it('cost about 4x the time for 4x the servers, an edit each', () => {
    const make = (n: number) => {
      const {text, blocks} = render(Array.from({length: n}, () => ({oneLine: false, keepalive: false, location: false, blanks: ''})), '\n')
      return {text, list: bottomUp(blocks.slice(1).map((b) => set('keepalive_timeout', '5s', null, {file: 'n.conf', line: b.line, col: b.col, context: 'server'})))}
    }
    const small = make(500)
    const large = make(2_000)
    const {a, b} = bestOf('nginx edits', () => timed(() => editNginxFile(small.text, 'n.conf', small.list)), () => timed(() => editNginxFile(large.text, 'n.conf', large.list)))
    expect(b / a).toBeLessThan(BOUND)
  })
})
