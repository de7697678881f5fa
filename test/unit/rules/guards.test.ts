// The cheap pre-filter in front of a rule's `when` must never change what CEL would decide:
// each case is compared with the condition evaluated in full.
import {celEnvironment, celView, fromCel, toCel, viewTarget} from '../../../src/rules/cel.js'
import {guardFails, guardHolds, guardsCover, whenGuards, type WhenGuard} from '../../../src/rules/compile.js'
import {loadRules} from '../../../src/rules/load.js'

const ast = (expr: string) => celEnvironment().parse(expr).ast

/** An item with a value at each guard's path (undefined: the field is missing). */
function itemAt(guards: WhenGuard[], value: (g: WhenGuard) => unknown): Record<string, unknown> {
  const item: Record<string, unknown> = {}
  for (const g of guards) {
    let cur: Record<string, unknown> | null = item
    for (const key of g.path.slice(0, -1)) {
      const next: unknown = (cur[key] ??= {})
      // One guard's path may end where another's goes on (item.idle, item.idle.num).
      cur = next !== null && typeof next === 'object' && !Array.isArray(next) ? (next as Record<string, unknown>) : null
      if (!cur) break
    }
    const v = value(g)
    if (cur && v !== undefined) cur[g.path.at(-1)!] = v
  }
  return item
}

/** mulberry32, a number below n per call: an LCG's low bits alternate and would pair every choice with the one before. */
function prng(seed: number): (n: number) => number {
  return (n) => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) % n
  }
}

describe('when guards', () => {
  it('takes the decidable conjuncts from anywhere in a top-level &&', () => {
    expect(whenGuards(ast('item.kind == "upstream" && item.server.kind == "unknown" && item.reuse'))).toEqual([
      {path: ['kind'], op: '==', value: 'upstream'},
      {path: ['server', 'kind'], op: '==', value: 'unknown'},
      {path: ['reuse'], op: 'true'},
    ])
    expect(whenGuards(ast('!item.x && "flow" == item.kind && item.n != null && 0 < item.k && item.d >= 1.5'))).toEqual([
      {path: ['x'], op: 'false'},
      {path: ['kind'], op: '==', value: 'flow'},
      {path: ['n'], op: '!=', value: null},
      {path: ['k'], op: '>', value: 0n},
      {path: ['d'], op: '>=', value: 1.5},
    ])
    expect(whenGuards(ast('item.connection.closes != false && item.ok == true && item.c < true'))).toEqual([
      {path: ['connection', 'closes'], op: '!=', value: false},
      {path: ['ok'], op: '==', value: true},
    ])
  })

  it('decides a boolean literal only against a boolean', () => {
    const g = whenGuards(ast('item.closes != false'))[0]!
    expect([false, true, null, 'false', 0].map((v) => guardFails(g, {closes: v}))).toEqual([true, false, false, false, false])
    for (const v of [false, true, null, 'false', 0]) {
      const cel = celEnvironment().parse('item.closes != false')({item: celView({closes: v})})
      if (guardFails(g, {closes: v})) expect(cel).toBe(false)
    }
  })

  it('takes nothing where a false term would not make the condition false', () => {
    for (const e of ['item.kind == "a" || item.reuse', 'item.kind == "a" && item.x ? true : false', '!(item.kind == "a")', 'item.kind != "a"', 'item.kind < "b"', 'host.kind == "a"', 'item.a.size() > 0', 'item.n == params.n', 'true']) {
      expect(whenGuards(ast(e))).toEqual([])
    }
  })

  it('agrees with CEL: a guard that fails means the whole condition is false, even where another term errors', () => {
    const item = {kind: 'frontend', server: null}
    const when = celEnvironment().parse('item.kind == "upstream" && item.server.kind == "unknown"')
    expect(when({item: celView(item)})).toBe(false)
    expect(guardFails(whenGuards(when.ast)[0]!, item)).toBe(true)
  })

  it('never decides what CEL would not: every shipped rule, items of every value shape at its guard paths', async () => {
    const rules = await loadRules([])
    // Values of every kind a model field can hold, and a missing field.
    const shapes: unknown[] = [undefined, null, true, false, 0, 1, 2, 65, 1.5, -3, 'upstream', 'unknown', 'gunicorn', 'frontend', '1.0', {}, []]
    const rand = prng(7)
    let decided = 0
    for (const rule of rules) {
      const when = celEnvironment().parse(rule.when)
      const guards = whenGuards(when.ast)
      if (guards.length === 0) continue
      for (let i = 0; i < 300; i++) {
        const item = itemAt(guards, () => shapes[rand(shapes.length)])
        if (!guards.some((g) => guardFails(g, item))) continue
        decided++
        const ctx = {item: celView(item), host: celView({nginx: {upstreamKeepaliveDefault: false}}), params: toCel(rule.params ?? {})}
        let got: unknown
        try {
          got = when(ctx)
        } catch (error) {
          got = `error: ${(error as Error).message.split('\n')[0]}`
        }
        expect({rule: rule.id, item, got}).toEqual({rule: rule.id, item, got: false})
      }
    }
    expect(decided).toBeGreaterThan(1000)
  })

  it('never decides "true" where CEL would not: every shipped rule whose `when` is all guards', async () => {
    const rules = await loadRules([])
    const shapes: unknown[] = [undefined, null, true, false, 0, 1, 2, 65, 1.5, -3, 'upstream', 'unknown', 'gunicorn', 'frontend', 'flow', '1.0', '', {}, []]
    const rand = prng(11)
    let held = 0
    let covered = 0
    for (const rule of rules) {
      const when = celEnvironment().parse(rule.when)
      if (!guardsCover(when.ast)) continue
      covered++
      const guards = whenGuards(when.ast)
      for (let i = 0; i < 400; i++) {
        // Half the time the value the guard wants, so that all of them hold now and then.
        const item = itemAt(guards, (g) => (rand(2) === 0 && g.value !== undefined ? (typeof g.value === 'bigint' ? Number(g.value) : g.value) : rand(2) === 0 && g.op === 'true' ? true : rand(2) === 0 && g.op === 'false' ? false : shapes[rand(shapes.length)]))
        if (!guards.every((g) => guardHolds(g, item))) continue
        held++
        let got: unknown
        try {
          got = when({item: celView(item), host: celView({}), params: {}})
        } catch (error) {
          got = `error: ${(error as Error).message.split('\n')[0]}`
        }
        expect({rule: rule.id, item, got}).toEqual({rule: rule.id, item, got: true})
      }
    }
    expect(covered).toBeGreaterThan(2)
    expect(held).toBeGreaterThan(100)
  })

  it('sees which conditions are guards through and through', () => {
    expect(guardsCover(ast('item.kind == "upstream" && item.server.kind == "unknown"'))).toBe(true)
    expect(guardsCover(ast('item.reuse'))).toBe(true)
    expect(guardsCover(ast('item.kind == "upstream" && item.locations.size() > 0'))).toBe(false)
    expect(guardsCover(ast('item.a == "x" || item.b == "y"'))).toBe(false)
    const g = whenGuards(ast('item.n > 0'))[0]!
    expect([1, 0, 1.5, '1', null].map((v) => guardHolds(g, {n: v}))).toEqual([true, false, false, false, false])
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
