import fc from 'fast-check'
import {lineNumberer, lineOfOffset, lineStarts} from '../../../src/text/lines.js'

describe('line numbers from offsets', () => {
  it('equal counting the newlines before the offset, for any text and offset', () => {
    fc.assert(
      fc.property(fc.string({unit: fc.constantFrom('a', '\n', '\r', 'é')}), fc.nat(), (text, n) => {
        const offset = text.length === 0 ? 0 : n % (text.length + 1)
        const want = text.slice(0, offset).split('\n').length
        expect(lineOfOffset(lineStarts(text), offset)).toBe(want)
        expect(lineNumberer(text)(offset)).toBe(want)
      }),
    )
  })
})
