// Regexes V8 runs in O(n²) on hostile text (recheck finds them: test/unit/text/regex-safety.test.ts)
// were replaced by code that gives the same answers in one pass. Each replacement here against
// the regex it replaced, on random text over the characters that regex turns on, then on the
// shape that made the regex quadratic, at n and 4n.
import fc from 'fast-check'
import {splitAssignment} from '../../../src/fix/edits.js'
import {CIDR} from '../../../src/generate/values.js'
import {globMatches} from '../../../src/model/sysctl.js'
import {pyStrip} from '../../../src/parsers/gunicorn/validators.js'
import {substitute} from '../../../src/parsers/gunicorn/dockerfile.js'
import {gunicornFromProcfile} from '../../../src/parsers/gunicorn/sources.js'
import {unwrap} from '../../../src/report/sarif.js'
import {ipv6Bytes} from '../../../src/rules/example-snapshot.js'
import {readIgnoreDirective} from '../../../src/rules/ignores.js'
import {templateOf} from '../../../src/sources/capture-configs.js'
import {detectKind, looksLikeNginx} from '../../../src/sources/files.js'
import {expandRange} from '../../../src/sources/inventory.js'
import {isHostKeyFailure} from '../../../src/sources/ssh.js'
import {BOUND, bestOf, timed} from '../perf/best-of.js'

const text = (chars: string[], maxLength = 20) => fc.array(fc.constantFrom(...chars), {maxLength}).map((a) => a.join(''))
const RUNS = {numRuns: 5_000}

/** Fails when `run` on make(4n) costs BOUND times or more what it costs on make(n). */
function linear(label: string, n: number, make: (n: number) => string, run: (s: string) => unknown): void {
  const small = make(n)
  const large = make(4 * n)
  const {a, b} = bestOf(label, () => timed(() => run(small)), () => timed(() => run(large)))
  expect(b / a).toBeLessThan(BOUND)
}

describe('linear stand-ins for quadratic regexes', () => {
  it('inline ignore directives', () => {
    const OLD = /^\s*conntune:\s*ignore\s+([a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*)\s*(?:--\s*(.*?))?\s*$/
    const old = (t: string) => {
      const m = OLD.exec(t)
      return m ? {rules: m[1].split(',').map((r) => r.trim()), reason: m[2]?.trim() || null} : null
    }
    const head = fc.constantFrom(' conntune: ignore ', 'conntune:ignore\t', ' conntune: ignore', '  conntune:  ignore  ', 'x conntune: ignore ')
    const tail = text(['a', 'b', '-', '--', ',', ' ', '\t', '\n', '\r', '\u2028', 'x', '#', ' -- '], 14)
    fc.assert(fc.property(head, tail, (h, t) => expect(readIgnoreDirective(h + t)).toEqual(old(h + t))), {numRuns: 30_000})
    linear('ignore reason blanks', 500_000, (n) => ` conntune: ignore a -- why${' '.repeat(n)}x`, readIgnoreDirective)
    linear('ignore dashes', 200_000, (n) => ` conntune: ignore a${'-'.repeat(n)}\n x`, readIgnoreDirective)
  })

  it('nginx, lighttpd and gunicorn.conf.py content sniffing', () => {
    const OLD_NGINX = /^\s*(?:(?:http|events|upstream|server|location|map|stream)\b[^;{]*\{|(?:listen|proxy_pass|server_name|keepalive_timeout|root|include|worker_processes)\s+[^;]*;)/m
    const words = ['server', 'http', 'listen', 'root', 'server_name', 'x', ' ', '\t', '\n', '\r', '\u2028', ';', '{', '}', '_', '#']
    fc.assert(fc.property(text(words, 16), (s) => expect(looksLikeNginx(s)).toBe(OLD_NGINX.test(s))), {numRuns: 30_000})
    linear('sniff nginx words', 20_000, (n) => 'u\nroot\n'.repeat(n), looksLikeNginx)
    linear('sniff blank lines', 50_000, (n) => `${'\n'.repeat(n)}x`, (s) => detectKind('/srv/lighttpd/x.conf', s))
    linear('sniff gunicorn', 20_000, (n) => '\tbind:\n'.repeat(n), (s) => detectKind('/srv/app/conf.py', s))
  })

  it('Docker and Compose interpolation', () => {
    const OLD = /\\\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::([-+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g
    const env: Record<string, string> = {A: 'x', B: ''}
    const lookup = (name: string) => env[name]
    const old = (s: string) => s.replace(OLD, (all, braced?: string, op?: string, word?: string, bare?: string) => {
      if (all === '\\$') return '$'
      const v = lookup(braced ?? bare!)
      if (op === '-') return v ? v : word ?? ''
      if (op === '+') return v ? word ?? '' : ''
      return v ?? ''
    })
    fc.assert(fc.property(text(['$', '{', '}', 'A', 'B', 'C', ':', '-', '+', '\\', 'x', '_']), (s) => expect(substitute(s, lookup)).toBe(old(s))), {numRuns: 30_000})
    linear('docker ${A-', 20_000, (n) => '${A-'.repeat(n), (s) => substitute(s, lookup))
  })

  it('small ones: Python strip, unit templates, ssh host-key lines, sarif text, CIDR, IPv4 tails, host ranges', () => {
    const S = ['a', ' ', '\t', '\n', '\x1c', '\x85', '\u3000', '\u00a0']
    fc.assert(fc.property(text(S), (s) => expect(pyStrip(s)).toBe(s.replace(/^[\s\x1c-\x1f\x85]+|[\s\x1c-\x1f\x85]+$/gu, ''))), RUNS)
    fc.assert(fc.property(text(['a', '@', '.', 'service', '.service']), (s) => expect(templateOf(s)).toBe(s.replace(/@[^.]+\.service$/, '@.service'))), RUNS)
    const HOST_KEY = /Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|No .* host key is known/i
    fc.assert(fc.property(text(['No ', 'no', ' host key is known', 'x', '\n', '\r', ' ']), (s) => expect(isHostKeyFailure(s)).toBe(HOST_KEY.test(s))), RUNS)
    const OLD_UNWRAP = (t: string) => t.trim().split(/\n\s*\n/).map((p) => p.replace(/\s*\n\s*/g, ' ')).join('\n\n')
    fc.assert(fc.property(text(['a', ' ', '\t', '\n']), (s) => expect(unwrap(s)).toBe(OLD_UNWRAP(s))), RUNS)
    const OLD_CIDR = /^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}(?:\/(?:3[0-2]|[12]?\d))?|[0-9a-f:]*:[0-9a-f:.]*(?:\/(?:12[0-8]|1[01]\d|\d?\d))?)$/i
    fc.assert(fc.property(text(['1', 'f', 'A', ':', '.', '/', '2', '8', 'g']), (s) => expect(CIDR.test(s)).toBe(OLD_CIDR.test(s))), RUNS)
    const v4 = (ip: string) => /(\d+\.\d+\.\d+\.\d+)$/.exec(ip)?.[1]
    fc.assert(fc.property(text(['1', '2', '.', ':', 'f']), (s) => {
      const old = v4(s)
      expect(/(?<!\d)(\d+\.\d+\.\d+\.\d+)$/.exec(s)?.[1]).toBe(old)
    }), RUNS)
    fc.assert(fc.property(text(['a', '[', ']', '1', '3', ':', 'x', '\r']), (s) => {
      const OLD = /^(.*?)\[([0-9a-zA-Z]+):([0-9a-zA-Z]+)(?::(\d+))?\](.*)$/
      let got: unknown
      let want: unknown
      try { got = expandRange(s, 'f:1') } catch { got = 'error' }
      const m = OLD.exec(s)
      // Without a match both give the pattern itself or the same error; with one, both expand.
      try { want = m ? expandRange(`${m[1]}[${m[2]}:${m[3]}${m[4] ? `:${m[4]}` : ''}]${m[5]}`, 'f:1') : (/[[\]]/.test(s) ? 'error' : [s]) } catch { want = 'error' }
      expect(got).toEqual(want)
    }), RUNS)
    linear('python strip', 500_000, (n) => `a${' '.repeat(n)}a${' '.repeat(n)}`, pyStrip)
    linear('unit template', 500_000, (n) => `${'@e'.repeat(n)}.@r.service`, templateOf)
    linear('host key line', 20_000, (n) => 'HNO C'.repeat(n), isHostKeyFailure)
    linear('sarif blanks', 500_000, (n) => `a${'\t'.repeat(n)}b\nc`, unwrap)
    linear('ipv4 tail', 20_000, (n) => `${'0'.repeat(n)}0`, (s) => ipv6Bytes(s))
    linear('host range', 20_000, (n) => `${'[A:A]'.repeat(n)}\r`, (s) => { try { expandRange(s, 'f:1') } catch { /* an error is an answer */ } })
    linear('procfile tabs', 500_000, (n) => `web:${'\t'.repeat(n)}\rx\n`, (s) => gunicornFromProcfile(s, 'Procfile'))
  })
})

describe('sysctl.d glob keys', () => {
  it('match as the regex they were (* is [^.]*, ? is [^.]) did', () => {
    const toRe = (glob: string) => new RegExp(`^${[...glob].map((ch) => (ch === '*' ? '[^.]*' : ch === '?' ? '[^.]' : ch.replace(/[\\^$+.()|{}[\]]/g, '\\$&'))).join('')}$`)
    const part = text(['a', 'b', '.', '*', '?', '['], 8)
    fc.assert(fc.property(part, text(['a', 'b', '.', '['], 8), (g, k) => expect(globMatches(g, k)).toBe(toRe(g).test(k))), {numRuns: 30_000})
  })

  it('take no longer with many stars (a regex backtracked exponentially in them)', () => {
    linear('sysctl glob stars', 20_000, (n) => `net.ipv4.${'*'.repeat(n)}x`, (g) => globMatches(g, 'net.ipv4.tcp_fin_timeout'))
    linear('sysctl glob star-?', 20_000, (n) => `net.ipv4.${'*?'.repeat(n)}x`, (g) => globMatches(g, 'net.ipv4.tcp_fin_timeout'))
  })
})

describe('fix: splitting `name = value  # comment`', () => {
  it('gives what /^(HEAD)([^#]*?)(\\s*#.*)?$/ gave, for gunicorn and lighttpd heads', () => {
    const heads = [/^\s*keepalive\s*(?::[^=]+)?=\s*/, /^\s*server\.max-keep-alive-idle\s*:?=\s*/]
    const line = fc.tuple(fc.constantFrom('keepalive', ' keepalive: int', 'server.max-keep-alive-idle', '\tserver.max-keep-alive-idle :', 'x'), text(['=', ' ', '\t', '#', 'a', '5', '\r', '\u2028', ':']))
    fc.assert(fc.property(line, ([name, rest]) => {
      for (const head of heads) {
        const m = new RegExp(`^(${head.source.slice(1)})([^#]*?)(\\s*#.*)?$`).exec(name + rest)
        expect(splitAssignment(name + rest, head)).toEqual(m ? {head: m[1], value: m[2], comment: m[3] ?? ''} : null)
      }
    }), {numRuns: 20_000})
  })

  it('is linear in a line of blanks', () => {
    linear('assignment blanks', 2_000_000, (n) => `keepalive = 2${' '.repeat(n)}x`, (l) => splitAssignment(l, /^\s*keepalive\s*(?::[^=]+)?=\s*/))
  })
})
