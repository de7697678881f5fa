import {fingerprintOf, fingerprinter} from '../../../src/rules/fingerprint.js'
import {lineAt, lineStarts} from '../../../src/text/lines.js'

describe('line index', () => {
  it.each([
    ['a\nb\nc'],
    ['a\r\nb\r\n'],
    ['\n\n'],
    [''],
    ['one\rtwo\nthree\r'],
    ['x\r\r\ny'],
    ['trailing\n'],
  ])('gives the lines split(/\\r?\\n/) gives for %j', (text) => {
    const starts = lineStarts(text)
    const split = text.split(/\r?\n/)
    for (let n = 0; n <= split.length + 1; n++) expect([n, lineAt(text, starts, n)]).toEqual([n, split[n - 1] ?? ''])
  })
})

describe('fingerprinter', () => {
  const texts = {'/etc/nginx/a.conf': 'http {\r\n  keepalive_timeout 5s;   # short\n}\n'}
  const at = (line: number) => ({ruleId: 'r', host: 'h', location: {file: '/etc/nginx/a.conf', line, col: 1, text: `/etc/nginx/a.conf:${line}`}})

  it('agrees with fingerprintOf and ignores spacing and trailing comments', () => {
    const fp = fingerprinter(texts)
    expect(fp(at(2))).toBe(fingerprintOf(at(2), texts))
    expect(fp(at(2))).toBe(fingerprintOf(at(2), {'/etc/nginx/a.conf': 'x\nkeepalive_timeout   5s;\n'}))
    expect(fp(at(2), 'a.conf')).not.toBe(fp(at(2)))
    expect(fp(at(1))).not.toBe(fp(at(2)))
  })
})
