// Each helper against the regex it stands in for, on random text built from the characters
// that matter to it (blanks, line terminators, '#', '/'), then on the hostile shapes.
import fc from 'fast-check'
import {cutHashComment, stripHashComment, trimTrailing} from '../../../src/text/trim.js'
import {BOUND, bestOf, timed} from '../perf/best-of.js'

const text = (chars: string[]) => fc.array(fc.constantFrom(...chars), {maxLength: 24}).map((a) => a.join(''))
const TRICKY = ['a', ' ', '\t', '#', '/', '\n', '\r', '\u2028', '\u00a0', 'x']

describe('linear trims', () => {
  it('give what their regexes give', () => {
    fc.assert(fc.property(text(TRICKY), (s) => {
      expect(trimTrailing(s, '/')).toBe(s.replace(/\/+$/, ''))
      expect(trimTrailing(s, '\n')).toBe(s.replace(/\n+$/, ''))
      expect(stripHashComment(s)).toBe(s.replace(/\s+#.*$/, ''))
      expect(cutHashComment(s)).toBe(s.replace(/(^|\s)#.*$/, ''))
    }), {numRuns: 20_000})
  })

  it('stay linear on the runs their regexes rescan', () => {
    const shapes: Array<[string, (n: number) => string, (s: string) => unknown]> = [
      ['slashes', (n) => `x${'/'.repeat(n)}`, (s) => trimTrailing(s, '/')],
      ['blanks', (n) => `a${' '.repeat(n)}b`, stripHashComment],
      ['hashes', (n) => `#${'\t#'.repeat(n)}\r#`, cutHashComment],
    ]
    for (const [label, make, run] of shapes) {
      const small = make(500_000)
      const large = make(2_000_000)
      const {a, b} = bestOf(`trim ${label}`, () => timed(() => run(small)), () => timed(() => run(large)))
      expect(b / a).toBeLessThan(BOUND)
    }
  })
})
