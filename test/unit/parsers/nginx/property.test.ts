// Whatever the input, the parser returns a tree or its typed errors: it never throws and
// never hangs. Inputs: soups of the characters that drive nginx's lexer, and random edits of
// the fixtures.
import fc from 'fast-check'
import {
  NginxLexer,
  inlineIncludes,
  parseNginx,
  parseNginxText,
  splitNginxDump,
  toCrossplane,
  walkNginx,
} from '../../../../src/parsers/nginx/index.js'
import {MemoryFileReader} from '../../../../src/parsers/memory-reader.js'
import {ParseError} from '../../../../src/parsers/types.js'
import {loadFixture, manifest} from './helpers.js'

const PIECES = [
  ' ', '\t', '\n', '\r\n', ';', '{', '}', '"', "'", '\\', '#', '$', '${', '(', ')', 'a', 'b', 'x1',
  'é', '😀', 'include', 'include a.conf', 'include *.conf', 'server', 'location', '~', 'if', '\\"',
  'content_by_lua_block', '--', '[[', ']]', '[=[', ']=]', '# configuration file /etc/nginx/a.conf:\n',
]
const soup = fc.array(fc.constantFrom(...PIECES), {maxLength: 120}).map((p) => p.join(''))
const KINDS = new Set(['syntax', 'include', 'io', 'limit', 'unresolved'])

function checkErrors(errors: ParseError[]): void {
  for (const e of errors) {
    expect(e).toBeInstanceOf(ParseError)
    expect(KINDS.has(e.kind)).toBe(true)
    expect(e.line).toBeGreaterThanOrEqual(1)
    expect(e.col).toBeGreaterThanOrEqual(1)
    expect(e.message).not.toMatch(/\n/)
  }
}

describe('property: parseNginxText', () => {
  it('returns a tree and well-formed errors for any soup', () => {
    fc.assert(fc.property(soup, (text) => {
      const r = parseNginxText(text, '/t.conf')
      checkErrors(r.errors)
      const lines = text.split('\n').length
      walkNginx(r.value.parsed, (d) => {
        expect(d.line).toBeGreaterThanOrEqual(1)
        expect(d.line).toBeLessThanOrEqual(lines)
        const s = d.source
        if (s) {
          expect(0 <= s.start && s.start <= s.end && s.end <= text.length).toBe(true)
          for (const a of s.args) expect(s.start <= a.start && a.start <= a.end && a.end <= s.end).toBe(true)
        }
      })
      for (const c of r.value.comments) expect(c.text).not.toMatch(/\n/)
    }), {numRuns: 500})
  })

  it('consumes the whole text, every statement moving forward', () => {
    fc.assert(fc.property(soup, (text) => {
      const lx = new NginxLexer(text, '/t.conf')
      let guard = 0
      for (let st = lx.next(); st.end !== 'eof'; st = lx.next()) {
        expect(st.next).toBeGreaterThan(st.at.offset)
        expect(++guard).toBeLessThanOrEqual(text.length + 1)
      }
      expect(lx.i).toBe(text.length)
    }), {numRuns: 300})
  })
})

describe('property: include trees', () => {
  it('never throws or loops on random file trees that include each other', () => {
    const names = ['a.conf', 'b.conf', 'c/d.conf', 'c/e.conf']
    const tree = fc.record({
      main: soup,
      others: fc.array(fc.tuple(fc.constantFrom(...names), soup), {maxLength: 4}),
      links: fc.array(fc.constantFrom('include a.conf;', 'include b.conf;', 'include c/*.conf;', 'include /etc/nginx/nginx.conf;', 'include x/*;'), {maxLength: 4}),
    })
    fc.assert(fc.property(tree, ({main, others, links}) => {
      const files: Record<string, string> = {'/etc/nginx/nginx.conf': `${links.join('\n')}\n${main}`}
      for (const [n, t] of others) files[`/etc/nginx/${n}`] = `${links.join(' ')}\n${t}`
      const r = parseNginx('/etc/nginx/nginx.conf', new MemoryFileReader(files), {maxIncludeDepth: 5})
      checkErrors(r.errors)
      expect(r.value.files.length).toBeLessThanOrEqual(5)
      const payload = toCrossplane(r)
      expect(payload.config).toHaveLength(r.value.files.length)
      inlineIncludes(r.value, {maxDirectives: 5000})
    }), {numRuns: 300})
  })
})

describe('property: mutated fixtures', () => {
  const names = Object.keys(manifest())
  const edit = fc.record({
    fixture: fc.constantFrom(...names),
    ops: fc.array(fc.record({
      at: fc.nat(),
      del: fc.nat({max: 20}),
      ins: fc.constantFrom(...PIECES, ''),
    }), {minLength: 1, maxLength: 6}),
  })

  it('parse mutated fixtures without throwing', () => {
    const trees = new Map(names.map((n) => [n, loadFixture(n)]))
    fc.assert(fc.property(edit, ({fixture, ops}) => {
      const files = {...trees.get(fixture)}
      const keys = Object.keys(files)
      ops.forEach((op, k) => {
        const key = keys[(op.at + k) % keys.length]
        const t = files[key]
        const at = op.at % (t.length + 1)
        files[key] = t.slice(0, at) + op.ins + t.slice(at + op.del)
      })
      const r = parseNginx('/etc/nginx/nginx.conf', new MemoryFileReader(files))
      checkErrors(r.errors)
      toCrossplane(r)
    }), {numRuns: 200})
  })
})

describe('property: splitNginxDump', () => {
  it('never throws and only returns text taken from the input', () => {
    fc.assert(fc.property(soup, soup, (a, b) => {
      const text = `# configuration file /etc/nginx/nginx.conf:\n${a}\n# configuration file /etc/nginx/a.conf:\n${b}\n`
      const r = splitNginxDump(text)
      checkErrors(r.errors)
      expect(r.value.entry).toBe('/etc/nginx/nginx.conf')
      for (const t of Object.values(r.value.files)) expect(text.includes(t)).toBe(true)
    }), {numRuns: 300})
  })
})
