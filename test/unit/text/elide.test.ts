import {ELIDE_AT, elideMiddle} from '../../../src/text/elide.js'

describe('elideMiddle', () => {
  it('keeps a text of ELIDE_AT characters whole', () => {
    const s = 'x'.repeat(ELIDE_AT)
    expect(elideMiddle(s)).toBe(s)
  })

  it('keeps both ends of a longer one around " ... ", ELIDE_AT long', () => {
    const s = `HEAD${'m'.repeat(10_000)}TAIL`
    const e = elideMiddle(s)
    expect(e.length).toBe(ELIDE_AT)
    expect([e.startsWith('HEADm'), e.endsWith('mTAIL'), e.includes(' ... ')]).toEqual([true, true, true])
  })

  it('never keeps half of a surrogate pair at either cut', () => {
    // Astral characters at every offset: one of them straddles each cut for some shift.
    for (let shift = 0; shift < 2; shift++) {
      const e = elideMiddle('a'.repeat(shift) + '😀'.repeat(2_000))
      expect(e).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/)
    }
  })
})
