// A message is one paragraph: every run of blanks one space, none at either end. The render
// skips the copy when nothing needs collapsing; the answer must be the full collapse's.
import fc from 'fast-check'
import {compileTemplate} from '../../../src/rules/compile.js'
import {render} from '../../../src/rules/evaluate.js'
import type {LoadedRule} from '../../../src/rules/types.js'

const rule = {id: 't', file: 't.yaml'} as LoadedRule
const collapse = (s: string) => s.replace(/\s+/g, ' ').trim()

describe('render', () => {
  it('equals the whole text collapsed, for any text and any values in its holes', () => {
    const piece = fc.stringMatching(/^[a-z \t\r\n\u00a0\u2028\ufeff.]{0,6}$/)
    fc.assert(
      fc.property(fc.array(piece, {minLength: 1, maxLength: 5}), fc.array(piece, {maxLength: 4}), (texts, values) => {
        // {{ item.vN }} holes between the texts, each answering one of the values (or a number).
        const source = texts.map((t, i) => (i < texts.length - 1 ? `${t}{{ item.v${i} }}` : t)).join('')
        const template = compileTemplate(rule, 'message', source)
        const item: Record<string, unknown> = {}
        for (let i = 0; i < texts.length - 1; i++) item[`v${i}`] = values[i] ?? i
        const expected = collapse(texts.map((t, i) => (i < texts.length - 1 ? `${t}${String(item[`v${i}`])}` : t)).join(''))
        expect(render(template, {item: Object.freeze({...item}), host: {}, params: {}})).toBe(expected)
      }),
      {numRuns: 5000, seed: 3},
    )
  })
})
