// The payload of `crossplane parse` (nginxinc/crossplane crossplane/parser.py + errors.py).
import {parseNginx, stripIfParens, toCrossplane} from '../../../../src/parsers/nginx/index.js'
import {MemoryFileReader} from '../../../../src/parsers/memory-reader.js'

const ENTRY = '/etc/nginx/nginx.conf'

describe('toCrossplane', () => {
  it('has crossplane\'s keys, in crossplane\'s order', () => {
    const r = parseNginx(ENTRY, new MemoryFileReader({
      [ENTRY]: 'events {}\nhttp {\n  include a.conf;\n  server { listen 80; }\n}\n',
      '/etc/nginx/a.conf': 'gzip on;',
    }))
    const payload = toCrossplane(r)
    expect(JSON.stringify(payload)).toBe(JSON.stringify({
      status: 'ok',
      errors: [],
      config: [
        {
          file: ENTRY,
          status: 'ok',
          errors: [],
          parsed: [
            {directive: 'events', line: 1, args: [], block: []},
            {directive: 'http', line: 2, args: [], block: [
              {directive: 'include', line: 3, args: ['a.conf'], includes: [1]},
              {directive: 'server', line: 4, args: [], block: [{directive: 'listen', line: 4, args: ['80']}]},
            ]},
          ],
        },
        {file: '/etc/nginx/a.conf', status: 'ok', errors: [], parsed: [{directive: 'gzip', line: 1, args: ['on']}]},
      ],
    }))
  })

  it('words errors like crossplane: "<message> in <file>:<line>", per file and at the top', () => {
    const r = parseNginx(ENTRY, new MemoryFileReader({[ENTRY]: 'include a.conf;', '/etc/nginx/a.conf': 'a;\n}'}))
    expect(toCrossplane(r)).toMatchObject({
      status: 'failed',
      errors: [{file: '/etc/nginx/a.conf', error: 'unexpected "}" in /etc/nginx/a.conf:2', line: 2}],
      config: [
        {file: ENTRY, status: 'ok', errors: []},
        {file: '/etc/nginx/a.conf', status: 'failed', errors: [{error: 'unexpected "}" in /etc/nginx/a.conf:2', line: 2}]},
      ],
    })
  })

  it('strips if() parentheses as crossplane does; Lua bodies are args', () => {
    const r = parseNginx(ENTRY, new MemoryFileReader({
      [ENTRY]: 'if ($a = "b") { return 1; }\nif (-f $x) {}\nset_by_lua_block $v { return 1 }',
    }))
    const parsed = toCrossplane(r).config[0].parsed
    expect(parsed.map((d) => [d.directive, d.args])).toEqual([
      ['if', ['$a', '=', 'b']],
      ['if', ['-f', '$x']],
      ['set_by_lua_block', ['$v', ' return 1 ']],
    ])
    expect(stripIfParens(['(a)'])).toEqual(['a'])
    expect(stripIfParens(['(', 'a', ')'])).toEqual(['a'])
    expect(stripIfParens(['a'])).toEqual(['a'])
  })

  it('keeps the tree as nginx has it (no parentheses stripped there)', () => {
    const r = parseNginx(ENTRY, new MemoryFileReader({[ENTRY]: 'if ($a) {}'}))
    toCrossplane(r)
    expect(r.value.files[0].parsed[0].args).toEqual(['($a)'])
  })
})
