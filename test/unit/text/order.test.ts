import {compareCodePoints} from '../../../src/text/order.js'

const utf8 = (a: string, b: string) => Math.sign(Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')))

describe('compareCodePoints', () => {
  it('orders as strcmp on UTF-8 does: upper case before lower, punctuation by code', () => {
    expect(['b', 'a', 'B', '_x', '-y', 'ä', 'z', ':', '.'].sort(compareCodePoints)).toEqual(['-y', '.', ':', 'B', '_x', 'a', 'b', 'z', 'ä'])
  })

  it('puts characters past U+FFFF after U+E000..U+FFFF, as their code points do', () => {
    expect(compareCodePoints('\u{1F600}', '\uFFFD')).toBe(1)
    expect(compareCodePoints('\uFFFD', '\u{1F600}')).toBe(-1)
    expect(compareCodePoints('\uD7FF', '\u{10000}')).toBe(-1)
  })

  it('agrees with a byte comparison of the UTF-8 on random strings', () => {
    const alphabet = ['a', 'B', '-', '_', '.', '0', '9', 'é', 'ä', '\u4e00', '\uE000', '\uFFFD', '\u{10000}', '\u{1F600}', '']
    let seed = 7
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n)
    const word = () => Array.from({length: rnd(5)}, () => alphabet[rnd(alphabet.length)]).join('')
    for (let i = 0; i < 20_000; i++) {
      const a = word()
      const b = rnd(4) === 0 ? a : word()
      expect([a, b, compareCodePoints(a, b)]).toEqual([a, b, utf8(a, b)])
    }
  })

  it('is the same whatever the locale says (no ICU)', () => {
    expect(compareCodePoints('ä', 'z')).toBe(1)
    expect(compareCodePoints('B', 'a')).toBe(-1)
  })
})
