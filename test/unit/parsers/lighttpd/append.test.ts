// Runs of `+=` and chains of `+` grow one array in place (a copy per append was quadratic); what
// they give must be what lighttpd's configparser_merge_data gives, which mergeValues mirrors:
// random runs of keyed and plain items, repeated keys with the same or another value, compared
// with mergeValues folded over the same items, for `+=` lines and for one `a + b + …` chain. And
// nothing that holds the value before is changed by a later append.
import {effectiveLighttpd, parseLighttpdText, type LighttpdValue} from '../../../../src/parsers/lighttpd/index.js'
import {mergeValues} from '../../../../src/parsers/lighttpd/values.js'

const F = '/l.conf'
const eff = (text: string) => {
  const parsed = parseLighttpdText(text, F)
  return {...effectiveLighttpd(parsed.value), errors: parsed.errors}
}

/** A small deterministic generator, so a failure is the same on every run. */
function rng(seed: number) {
  return () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x80000000)
}

type Item = {key?: string; value: string}
const lit = (items: Item[]) => `(${items.map((it) => (it.key === undefined ? `"${it.value}"` : `"${it.key}" => "${it.value}"`)).join(', ')})`
const val = (items: Item[]): LighttpdValue => ({type: 'array', items: items.map((it) => (it.key === undefined ? {value: {type: 'string', value: it.value}} : {key: it.key, value: {type: 'string', value: it.value}}))})

describe('lighttpd appends', () => {
  it('give what mergeValues gives, for += runs and + chains', () => {
    const r = rng(7)
    for (let round = 0; round < 200; round++) {
      const parts: Item[][] = []
      for (let p = 0, n = 1 + Math.floor(r() * 8); p < n; p++) {
        const items: Item[] = []
        for (let i = 0, m = Math.floor(r() * 4); i < m; i++) {
          // Few keys (and case variants of them) so repeats are common; values repeat too.
          const key = r() < 0.6 ? (r() < 0.5 ? 'k' : 'K') + Math.floor(r() * 3) : undefined
          // A literal repeating a key is its own error, not a merge's.
          if (key !== undefined && items.some((it) => it.key?.toLowerCase() === key.toLowerCase())) continue
          items.push({...(key === undefined ? {} : {key}), value: `v${Math.floor(r() * 2)}`})
        }
        parts.push(items)
      }
      let want: LighttpdValue = val(parts[0])
      let wantError: string | undefined
      for (const p of parts.slice(1)) {
        const m = mergeValues(want, val(p))
        if (m.error) {
          wantError = m.error
          break
        }
        want = m.value
      }
      const runs = eff(`var.m = ${lit(parts[0])}\n${parts.slice(1).map((p) => `var.m += ${lit(p)}\n`).join('')}`)
      const chain = eff(`var.m = ${parts.map(lit).join(' + ')}\n`)
      for (const e of [runs, chain]) {
        if (wantError) expect(e.errors.map((x) => x.message).join('\n')).toContain(wantError)
        else {
          expect(e.errors).toEqual([])
          expect(e.global['var.m'].value).toEqual(want)
        }
      }
    }
  })

  it('an append changes neither the value it started from nor a copy taken before it', () => {
    const text = 'var.a = ("1")\nvar.a += ("2")\nvar.a += ("3")\n'
    const parsed = parseLighttpdText(text, F)
    // Each statement keeps the value written on its line.
    expect(parsed.value.statements.map((st) => (st.kind === 'assign' && st.value.type === 'array' ? st.value.items.length : -1))).toEqual([1, 1, 1])
    const e = eff('var.a = ("1")\nvar.b = var.a\nvar.a += ("2")\nvar.c = var.a\nvar.a += ("3")\n$HTTP["host"] == "x" { var.a += ("4") }\nvar.a += ("5")\n')
    const strings = (v: LighttpdValue) => (v.type === 'array' ? v.items.map((it) => (it.value.type === 'string' ? it.value.value : '?')) : [])
    expect(strings(e.global['var.a'].value)).toEqual(['1', '2', '3', '5'])
    expect(strings(e.global['var.b'].value)).toEqual(['1'])
    expect(strings(e.global['var.c'].value)).toEqual(['1', '2'])
    expect(strings(e.conditions[0].settings['var.a'].value)).toEqual(['1', '2', '3', '4'])
  })
})
