// cel-direct answers a rule's expression on the model objects only where cel-js would give the
// same answer: every case here is compared with cel-js evaluating the same expression through
// the views, errors included (an error must be UNSURE, never a value).
import {celEnvironment, celView, fromCel, toCel, viewTarget} from '../../../src/rules/cel.js'
import {compileDirect, UNSURE} from '../../../src/rules/cel-direct.js'
import {loadRules} from '../../../src/rules/load.js'
// Registers the derived field `at` that rules read from settings.
import '../../../src/rules/evaluate.js'

/** mulberry32, a number below n per call. */
function prng(seed: number): (n: number) => number {
  return (n) => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) % n
  }
}

type Outcome = {value: unknown} | {error: true} | {unsure: true}

function viaCel(expr: string, ctx: {host: unknown; item: unknown; params: Record<string, unknown>}): Outcome {
  try {
    return {value: fromCel(celEnvironment().parse(expr)({host: celView(ctx.host), item: celView(ctx.item), params: ctx.params}))}
  } catch {
    return {error: true}
  }
}

function viaDirect(expr: string, ctx: {host: unknown; item: unknown; params: Record<string, unknown>}): Outcome | null {
  if (!celEnvironment().check(expr).valid) return null
  const fn = compileDirect(celEnvironment().parse(expr).ast)
  if (!fn) return null
  const v = fn(ctx)
  return v === UNSURE ? {unsure: true} : {value: fromCel(v)}
}

/** Every value shape a model field holds. */
const SHAPES: unknown[] = [undefined, null, true, false, 0, 1, 2, 65, -3, 1.5, 0.25, 2 ** 62, 'upstream', 'unknown', '', '1.0', 'a😀', {}, [], ['a', 'b'], [1, 'x'], {n: 3, s: 'x'}, new Map([['k', 1]]),
  [{d: 'a', raw: 'unix:/run/a.sock'}, {d: 2, raw: '10.0.0.1:80'}], [{d: ['x', 'y']}, {d: []}], [[1, 2], [3]]]
/** A deep copy in this realm (structuredClone's objects have another Object.prototype under jest). */
const copy = (v: unknown): unknown =>
  v instanceof Map ? new Map([...v].map(([k, x]) => [k, copy(x)])) : Array.isArray(v) ? v.map(copy) : v !== null && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copy(x)])) : v
const LEAVES = ['item.a', 'item.b', '1.0', 'item.c.d', 'item.list', 'host.n', 'params.limit', '1', '0', '2.5', '"upstream"', '""', 'true', 'false', 'null', '9223372036854775807', 'item.at']
const BINARY = ['+', '-', '*', '/', '%', '==', '!=', '<', '<=', '>', '>=', '&&', '||']

function expression(rand: (n: number) => number, depth: number): string {
  if (depth === 0 || rand(4) === 0) return LEAVES[rand(LEAVES.length)]!
  const sub = () => expression(rand, depth - 1)
  switch (rand(9)) {
    case 0:
      return `(${sub()} ? ${sub()} : ${sub()})`
    case 1:
      return `!${sub()}`
    case 2:
      return `-${sub()}`
    case 3:
      return ['string', 'size'][rand(2)] + `(${sub()})`
    case 4:
      return [`${sub()}.size()`, `${sub()}.join(", ")`, `${sub()}.join()`][rand(3)]!
    case 5:
      return `${sub()}[${rand(3)}]`
    case 6:
      // map(x, e): x bound in e, e sometimes a nested map over x.
      return `${sub()}.map(x, ${['x', 'x.d', 'x.raw', '(x + "!")', 'string(x)', 'x.map(y, y)', 'x.d.map(x, x)', 'size(x)', sub()][rand(9)]})`
    default:
      return `(${sub()} ${BINARY[rand(BINARY.length)]} ${sub()})`
  }
}

function randomCtx(rand: (n: number) => number) {
  const pick = () => SHAPES[rand(SHAPES.length)]
  const item: Record<string, unknown> = {}
  for (const [k, v] of [['a', pick()], ['b', pick()], ['list', pick()]] as const) if (v !== undefined) item[k] = v
  const inner = pick()
  item.c = rand(3) === 0 ? inner : {d: inner}
  if (rand(4) === 0) Object.assign(item, {name: 'keepalive_timeout', value: '65s', file: '/etc/nginx/nginx.conf', line: 3, explicit: true, insertAt: null})
  return {item, host: {n: pick()}, params: toCel({limit: pick() ?? 0}) as Record<string, unknown>}
}

describe('cel-direct', () => {
  it('agrees with cel-js on random expressions over every value shape, or leaves them to it', () => {
    const rand = prng(2026)
    let answered = 0
    let errorsSeen = 0
    for (let i = 0; i < 6000; i++) {
      const expr = expression(rand, 1 + rand(4))
      const ctx = randomCtx(rand)
      const direct = viaDirect(expr, ctx)
      if (!direct || 'unsure' in direct) continue
      const cel = viaCel(expr, ctx)
      if ('error' in cel) errorsSeen++
      expect({expr, ctx: fromCel(ctx), got: direct}).toEqual({expr, ctx: fromCel(ctx), got: cel})
      answered++
    }
    // The subset is most of what rules write: most random expressions get a direct answer.
    expect(answered).toBeGreaterThan(1500)
    expect(errorsSeen).toBe(0)
  })

  it('agrees with cel-js on every expression of every shipped rule, over random items', async () => {
    const rules = await loadRules([])
    const exprs = new Set<string>()
    for (const r of rules) {
      for (const e of [r.when, r.at, r.observed, ...(r.severityWhen ?? []).map((s) => s.when), ...Object.values(r.evidence ?? {})]) if (e) exprs.add(e)
      for (const t of [r.message, r.fix?.summary ?? '']) for (const m of t.matchAll(/\{\{(.*?)\}\}/gs)) exprs.add(m[1]!.trim())
    }
    const rand = prng(99)
    let compiled = 0
    let answered = 0
    for (const expr of exprs) {
      if (!compileDirect(celEnvironment().parse(expr).ast)) continue
      compiled++
      // Items that have every field the expression names, with values of random shapes.
      const names = [...expr.matchAll(/\b(item|host)((?:\.[A-Za-z_]\w*(?![\w(]))+)/g)]
      for (let i = 0; i < 200; i++) {
        const roots: Record<string, Record<string, unknown>> = {item: {}, host: {}}
        for (const [, root, path] of names) {
          const keys = path!.slice(1).split('.')
          let cur = roots[root!]!
          for (const k of keys.slice(0, -1)) {
            const next = cur[k]
            cur = (next?.constructor === Object ? next : (cur[k] = {})) as Record<string, unknown>
          }
          // A copy: a path written into a shared shape would change it for later items (and can make a cycle).
          const v = rand(3) === 0 ? copy(SHAPES[rand(SHAPES.length)]) : [0, 1, 30, 65, 'upstream', 'unknown', true, false, null, 'x'][rand(10)]
          if (v !== undefined) cur[keys.at(-1)!] = v
        }
        const ctx = {item: roots.item, host: roots.host, params: toCel({minimum: 10, threshold: 5, minTimeWait: 100, warnShare: 0.5}) as Record<string, unknown>}
        const direct = viaDirect(expr, ctx)
        if (!direct || 'unsure' in direct) continue
        answered++
        expect({expr, item: fromCel(ctx.item), got: direct}).toEqual({expr, item: fromCel(ctx.item), got: viaCel(expr, ctx)})
      }
    }
    expect(compiled).toBeGreaterThan(60)
    expect(answered).toBeGreaterThan(3000)
  })

  it('leaves to cel-js what it refuses, and what its subset does not cover', () => {
    const ctx = {item: {n: 1, d: 1.5, s: 'x', o: {}}, host: {}, params: {}}
    for (const e of ['item.n + item.d', 'item.n == item.d', 'item.s + item.n', 'item.o.missing', 'item.n / 0', '9223372036854775807 + item.n', 'item.s.size()', 'item.o == item.o']) {
      expect([e, viaDirect(e, ctx)]).toEqual([e, {unsure: true}])
    }
    // Outside the subset: never compiled, always cel-js.
    for (const e of ['item.l.exists(x, x > 1)', '[1, 2]', 'has(item.n)', '"a" in item.l', 'other.n', 'item.l.map(x, x > 1, x)', 'item.l.map(item, item)', 'item.l.filter(x, x > 1)']) {
      expect([e, compileDirect(celEnvironment().parse(e).ast)]).toEqual([e, null])
    }
    // map over a map (cel-js maps its keys) or with an element it cannot read is cel-js's.
    expect(viaDirect('item.m.map(x, x)', {item: {m: {a: 1}}, host: {}, params: {}})).toEqual({unsure: true})
    expect(viaDirect('item.l.map(x, x.raw)', {item: {l: [{raw: 'a'}, {}]}, host: {}, params: {}})).toEqual({unsure: true})
    expect(viaDirect('item.l.map(x, x.raw).join(", ")', {item: {l: [{raw: 'a'}, {raw: 'b'}]}, host: {}, params: {}})).toEqual({value: 'a, b'})
    // A ternary CEL's type check refuses is cel-js's, so it fails as it would.
    expect(viaDirect('item.n > 0 ? "a" : 1', ctx)).toBeNull()
  })

  it('joins a list of strings with and without a separator, as cel-js does', () => {
    const ctx = {item: {l: ['a', 'b', 'c'], mixed: ['a', 1]}, host: {}, params: {}}
    for (const e of ['item.l.join()', 'item.l.join("-")', 'item.l.size()', 'size(item.l)']) expect([e, viaDirect(e, ctx)]).toEqual([e, viaCel(e, ctx)])
    expect(viaDirect('item.l.join()', ctx)).toEqual({value: 'abc'})
    // A list that is not all strings is cel-js's to refuse.
    expect(viaDirect('item.mixed.join()', ctx)).toEqual({unsure: true})
  })

  it('answers false for && when one side is false, whatever the other does, as CEL does', () => {
    const ctx = {item: {kind: 'frontend', server: null}, host: {}, params: {}}
    const e = 'item.server.kind == "unknown" && item.kind == "upstream"'
    expect(viaDirect(e, ctx)).toEqual({value: false})
    expect(viaCel(e, ctx)).toEqual({value: false})
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
