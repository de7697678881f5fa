// The cheap pre-filter in front of a rule's `when` must never change what CEL would decide:
// each case is compared with the condition evaluated in full.
import {celEnvironment, celView, fromCel, toCel, viewTarget} from '../../../src/rules/cel.js'
import {whenGuards} from '../../../src/rules/compile.js'

const ast = (expr: string) => celEnvironment().parse(expr).ast

describe('when guards', () => {
  it('takes item.field == "literal" conjuncts from anywhere in a top-level &&', () => {
    expect(whenGuards(ast('item.kind == "upstream" && item.server.kind == "unknown" && item.reuse'))).toEqual([{field: 'kind', value: 'upstream'}])
    expect(whenGuards(ast('item.reuse && "flow" == item.kind'))).toEqual([{field: 'kind', value: 'flow'}])
    expect(whenGuards(ast('item.kind == "a" && item.label == "b"'))).toEqual([
      {field: 'kind', value: 'a'},
      {field: 'label', value: 'b'},
    ])
  })

  it('takes nothing where a false term would not make the condition false', () => {
    for (const e of ['item.kind == "a" || item.reuse', 'item.kind == "a" && item.x ? true : false', '!(item.kind == "a")', 'item.kind != "a"', 'item.server.kind == "a"', 'host.kind == "a"', 'item.n == 1', 'true']) {
      expect(whenGuards(ast(e))).toEqual([])
    }
  })

  it('agrees with CEL: a guard that fails means the whole condition is false, even where another term errors', () => {
    const item = {kind: 'frontend', server: null}
    const when = celEnvironment().parse('item.kind == "upstream" && item.server.kind == "unknown"')
    expect(when({item: celView(item)})).toBe(false)
    expect(whenGuards(when.ast)[0]).toEqual({field: 'kind', value: 'upstream'})
  })
})

describe('views', () => {
  it('copy to the same JSON as reading every field through the view', () => {
    const model = {a: 1, b: [2.5, {c: 3, d: 'x', e: null}], f: {g: {h: 4}}, u: undefined}
    const view = celView(model)
    expect(viewTarget(view)).toBe(model)
    expect(fromCel(view)).toEqual(fromCel(toCel(model)))
    const copy = fromCel(view) as typeof model
    expect(copy).not.toBe(model)
    expect(copy.f).not.toBe(model.f)
    expect(Object.keys(copy)).toEqual(Object.keys(model))
  })
})
