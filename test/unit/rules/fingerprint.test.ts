import {fingerprintOf, fingerprinter, LONG_LINE} from '../../../src/rules/fingerprint.js'
import {lineAt, lineStarts} from '../../../src/text/lines.js'
import {createHash} from 'node:crypto'
import {BOUND, bestOf, timed} from '../perf/best-of.js'

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

describe('fingerprints of findings on one long line', () => {
  const finding = (i: number) => ({ruleId: `r${i % 7}`, host: 'h', location: {file: 'nginx.conf', line: 1, text: `nginx.conf:1`}})

  it('keep a line up to LONG_LINE characters as it is, and give a longer one by its digest', () => {
    const short = {'nginx.conf': `${'x'.repeat(LONG_LINE - 2)}  y`}
    expect(fingerprintOf(finding(0), short)).toBe(createHash('sha256').update(`r0\nh\nnginx.conf\n${'x'.repeat(LONG_LINE - 2)} y`).digest('hex').slice(0, 32))
    const long = {'nginx.conf': `${'x'.repeat(LONG_LINE)} y`}
    const digest = createHash('sha256').update(`${'x'.repeat(LONG_LINE)} y`).digest('hex')
    expect(fingerprintOf(finding(0), long)).toBe(createHash('sha256').update(`r0\nh\nnginx.conf\nsha256:${digest}`).digest('hex').slice(0, 32))
  })

  // n servers on one line, a finding each: every finding normalized and hashed the whole line.
  it('cost a hash of the line, not one per finding', () => {
    const run = (n: number) => {
      const texts = {'nginx.conf': 'server { listen 80; proxy_pass http://a; }  '.repeat(n)}
      const findings = Array.from({length: n}, (_, i) => finding(i))
      return timed(() => {
        const fp = fingerprinter(texts)
        for (const f of findings) fp(f)
      })
    }
    const {a, b} = bestOf('fingerprints on one line', () => run(2_000), () => run(8_000))
    expect(b / a).toBeLessThan(BOUND)
  })
})
