import fc from 'fast-check'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {effectiveLighttpd, parseLighttpd, parseLighttpdText, type LighttpdStatement, type LighttpdValue} from '../../../../src/parsers/lighttpd/index.js'
import {MemoryFileReader} from '../../../../src/parsers/memory-reader.js'
import {ParseError} from '../../../../src/parsers/types.js'
import {FIXTURES} from './helpers.js'

const KINDS = new Set(['syntax', 'include', 'io', 'limit', 'unresolved'])

function checkResult(r: ReturnType<typeof parseLighttpdText>, lines: number): void {
  for (const e of r.errors) {
    expect(e).toBeInstanceOf(ParseError)
    expect(KINDS.has(e.kind)).toBe(true)
    expect(e.line).toBeGreaterThanOrEqual(1)
    expect(e.line).toBeLessThanOrEqual(lines + 1)
    expect(e.col).toBeGreaterThanOrEqual(1)
    expect(e.message).not.toMatch(/\n/)
  }
  const walk = (sts: LighttpdStatement[]): void => {
    for (const st of sts) {
      expect(st.line).toBeGreaterThanOrEqual(1)
      expect(st.col).toBeGreaterThanOrEqual(1)
      if (st.kind === 'condition') {
        for (let c: typeof st | undefined = st; c; c = c.else) walk(c.body)
      } else if (st.kind === 'global') {
        walk(st.body)
      }
    }
  }
  walk(r.value.statements)
  effectiveLighttpd(r.value)
}

const lineCount = (s: string): number => s.split(/\r\n|\r|\n/).length

/** Pieces of lighttpd syntax, so random input reaches deep into the grammar. */
const piece = fc.constantFrom(
  'x', 'server.port', 'var.a', 'env.HOME', '=', '+=', ':=', '+', '"s"', '"a\\"b"', '"', '1', '2147483648', '(', ')', ',', '=>',
  '{', '}', '$HTTP["host"]', '$SERVER["socket"]', '$', '[', ']', '==', '!=', '=~', '!~', '=^', '=$', 'else', 'elseif', 'if', 'global',
  'include', 'include_shell', '"x.conf"', '"*.conf"', '# c', '\n', '\r\n', ' ', '\t', '\u00a0', ':', '!', '@', 'config',
)
const soup = fc.array(piece, {maxLength: 60}).map((ps) => ps.join(' '))
const options = fc.record({version: fc.constantFrom(undefined, '1.4.69', '1.4.60', '1.4.80'), cwd: fc.constantFrom(undefined, '/srv')})

describe('lighttpd parser never throws and always terminates', () => {
  it('on arbitrary text', () => {
    fc.assert(fc.property(fc.string({maxLength: 300}), options, (text, opts) => {
      checkResult(parseLighttpdText(text, '/t.conf', opts), lineCount(text))
    }), {numRuns: 400})
  })

  it('on random sequences of lighttpd tokens', () => {
    fc.assert(fc.property(soup, options, (text, opts) => {
      checkResult(parseLighttpdText(text, '/t.conf', opts), lineCount(text))
    }), {numRuns: 500})
  })

  const fixtures = ['vhosts/lighttpd.conf', 'vhosts/vhosts.d/10-example.conf', 'debian/etc/lighttpd/lighttpd.conf', 'quirks/legacy-elseif.conf']
    .map((f) => readFileSync(join(FIXTURES, f), 'utf8'))
  const mutation = fc.record({at: fc.nat(), len: fc.nat({max: 8}), insert: fc.oneof(piece, fc.string({maxLength: 4}))})

  it('on mutated fixtures', () => {
    fc.assert(fc.property(fc.constantFrom(...fixtures), fc.array(mutation, {minLength: 1, maxLength: 6}), options, (base, muts, opts) => {
      let text = base
      for (const m of muts) {
        const at = m.at % (text.length + 1)
        text = text.slice(0, at) + m.insert + text.slice(at + m.len)
      }
      checkResult(parseLighttpdText(text, '/t.conf', opts), lineCount(text))
    }), {numRuns: 300})
  })

  it('on include graphs with cycles, globs and missing files', () => {
    const names = ['a.conf', 'b.conf', 'c.conf', 'd/e.conf']
    const body = fc.array(fc.oneof(
      fc.constantFrom(...names, '*.conf', 'd/*.conf', 'missing.conf', '{a,b}.conf').map((n) => `include "${n}"\n`),
      fc.constantFrom('x += 1\n', '$HTTP["host"] == "h" {\n', '}\n', 'y = x\n'),
    ), {maxLength: 6}).map((ls) => ls.join(''))
    fc.assert(fc.property(fc.tuple(body, body, body, body), (texts) => {
      const reader = new MemoryFileReader(Object.fromEntries(names.map((n, i) => [`/c/${n}`, texts[i]])))
      const r = parseLighttpd('/c/a.conf', reader, {maxIncludeDepth: 6})
      for (const e of r.errors) expect(e).toBeInstanceOf(ParseError)
      effectiveLighttpd(r.value)
    }), {numRuns: 300})
  })

  it('on deep nesting, quickly', () => {
    const deep = `x = ${'('.repeat(20_000)}`
    const t0 = Date.now()
    const r = parseLighttpdText(deep, '/t.conf')
    expect(Date.now() - t0).toBeLessThan(5000)
    expect(r.errors.some((e) => e.kind === 'limit')).toBe(true)
  })
})

/** Prints a value the way a person (or lighttpd -p) writes it. */
function print(v: LighttpdValue): string {
  switch (v.type) {
    case 'string': return `"${v.value.replace(/"/g, '\\"')}"`
    case 'integer': return String(v.value)
    case 'array': return `(${v.items.map((it) => (it.key === undefined ? '' : `${print({type: 'string', value: it.key})} => `) + print(it.value)).join(', ')})`
    default: return '""'
  }
}

// Strings lighttpd can hold: no backslash right before a quote or at the end.
const lstring = fc.string({maxLength: 12}).map((s) => s.replace(/\\/g, '/'))
const value: fc.Arbitrary<LighttpdValue> = fc.letrec((tie) => ({
  v: fc.oneof({depthSize: 'small'},
    lstring.map((value): LighttpdValue => ({type: 'string', value})),
    fc.nat({max: 2147483647}).map((value): LighttpdValue => ({type: 'integer', value})),
    tie('arr')),
  arr: fc.oneof(
    fc.array(tie('v'), {maxLength: 4}).map((vs): LighttpdValue => ({type: 'array', items: (vs as LighttpdValue[]).map((value) => ({value}))})),
    fc.uniqueArray(fc.tuple(lstring, tie('v')), {maxLength: 4, selector: ([k]) => (k as string).toLowerCase()})
      .map((kvs): LighttpdValue => ({type: 'array', items: (kvs as Array<[string, LighttpdValue]>).map(([key, value]) => ({key, value}))}))),
})).v as fc.Arbitrary<LighttpdValue>

describe('lighttpd values round-trip through their printed form', () => {
  it('parses back exactly what was printed', () => {
    fc.assert(fc.property(value, (v) => {
      const r = parseLighttpdText(`x = ${print(v)}\n`, '/t.conf')
      expect(r.errors).toEqual([])
      expect(r.value.statements[0]).toMatchObject({kind: 'assign', key: 'var.x', value: v})
    }), {numRuns: 300})
  })
})
