// The lexer skips plain-token insides and runs of blanks in tight loops; nginx's 4096-byte
// token limit must still fall exactly where nginx puts it (checked with nginx 1.22 -t: a
// 4095-byte parameter loads, 4096 bytes is "too long parameter … started"), and long blank
// runs, which nginx never counts against a token, must not trip it.
import {parseNginxText} from '../../../../src/parsers/nginx/index.js'

const conf = (param: string) => `events {}\nhttp { add_header X ${param}; }\n`

describe('lexer runs and the token limit', () => {
  it('a 4095-byte parameter is read whole', () => {
    const r = parseNginxText(conf('a'.repeat(4095)), 't.conf')
    expect(r.errors).toEqual([])
    expect(r.value.parsed[1].block![0].args).toEqual(['X', 'a'.repeat(4095)])
  })

  it('4096 bytes is too long, at the parameter start, as nginx says', () => {
    const r = parseNginxText(conf('a'.repeat(4096)), 't.conf')
    expect(r.errors.map((e) => `${e.line}:${e.col}: ${e.message}`)).toEqual(['2:21: too long parameter "aaaaaaaaaa..." started'])
  })

  it('the limit counts bytes: 2047 two-byte characters and one more byte is 4095', () => {
    expect(parseNginxText(conf('é'.repeat(2047) + 'a'), 't.conf').errors).toEqual([])
    expect(parseNginxText(conf('é'.repeat(2048)), 't.conf').errors).toHaveLength(1)
  })

  it('thousands of blanks between tokens are not a token', () => {
    const r = parseNginxText(`events {}\nhttp {${' '.repeat(9000)}keepalive_timeout${' \t'.repeat(5000)}65;\n}\n`, 't.conf')
    expect(r.errors).toEqual([])
    expect(r.value.parsed[1].block![0]).toMatchObject({directive: 'keepalive_timeout', args: ['65'], line: 2, col: 9007})
  })

  it('what ends or changes a token inside a run is still seen: ; { \\ $ and a quote mid-token', () => {
    const r = parseNginxText('a b;c{d e\\;f;}g ${x}y $x{z} h"i;\n', 't.conf')
    expect(r.value.parsed.map((d) => [d.directive, d.args, d.block?.map((x) => [x.directive, x.args])])).toEqual([
      ['a', ['b'], undefined],
      ['c', [], [['d', ['e\\;f']]]],
      // `{` right after `$` is a ${name}; after $x it opens a block, as in nginx.
      ['g', ['${x}y', '$x'], [['z}', ['h"i']]]],
    ])
  })
})
