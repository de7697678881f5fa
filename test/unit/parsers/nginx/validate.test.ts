// Expectations from `nginx -t` (nginx 1.22.1, Debian) and src/core/ngx_parse.c semantics.
import {parseNginxText} from '../../../../src/parsers/nginx/parser.js'
import {validateNginx} from '../../../../src/parsers/nginx/validate.js'
import {ngxParseSize, ngxParseTime} from '../../../../src/parsers/nginx/values.js'
import {lighttpdIntegerString} from '../../../../src/model/servers/lighttpd.js'

function problems(text: string, version: string | null = '1.22.1', declared = undefined as never) {
  const tree = parseNginxText(text, 'nginx.conf', {spans: false}).value.parsed
  return validateNginx(tree, {version, declared}).problems
}

describe('ngx_parse_time', () => {
  it('accepts what nginx -t accepts', () => {
    expect(ngxParseTime('1h30m', false)).toBe(5400000)
    expect(ngxParseTime('1m30', false)).toBe(90000)
    expect(ngxParseTime('1h  30m', false)).toBe(5400000)
    expect(ngxParseTime('1s500ms', false)).toBe(1500)
    expect(ngxParseTime('2w', false)).toBe(1209600000)
    expect(ngxParseTime('1y', true)).toBe(31536000)
  })
  it('refuses what nginx -t refuses', () => {
    for (const v of ['1y', '1M', '30m1h', '10x', '-5', '', '0.5s', '5S', '1ms1s', ' 1h', '1 30m', '99999999999999999999']) expect([v, ngxParseTime(v, false)]).toEqual([v, null])
    expect(ngxParseTime('10ms', true)).toBeNull()
  })
  it('sizes: k m for size slots, g only for offsets', () => {
    expect(ngxParseSize('1K', false)).toBe(1024)
    expect(ngxParseSize('1g', false)).toBeNull()
    expect(ngxParseSize('1G', true)).toBe(1073741824)
    for (const v of ['1mb', '-1', '', '1t']) expect(ngxParseSize(v, true)).toBeNull()
  })
})

describe('validateNginx', () => {
  it('takes a directive named like an Object.prototype key for an unknown directive, as nginx -t does', () => {
    // The table is a parsed JSON object: `constructor` read through it was Object's own function.
    const ps = problems('events {}\nhttp {\n  constructor;\n  __proto__ on;\n  toString 1;\n  hasOwnProperty x y;\n}\n')
    expect(ps.map((p) => [p.kind, p.directive, p.line])).toEqual([['unknown', 'constructor', 3], ['unknown', '__proto__', 4], ['unknown', 'toString', 5], ['unknown', 'hasOwnProperty', 6]])
  })
  it('reports a typo with the nearest name', () => {
    const [p, ...rest] = problems('events {}\nhttp {\n  keepalive_timout 65;\n}\n')
    expect(rest).toEqual([])
    expect(p).toMatchObject({kind: 'unknown', line: 3, suggestion: 'keepalive_timeout', severity: 'error'})
  })
  it('reports arity, context and values', () => {
    const ps = problems('events {}\nhttp {\n  keepalive_timeout 1 2 3;\n  server { worker_connections 5; listen 80 backlog=0; }\n  gzip yes;\n  keepalive_requests -1;\n  upstream u { server 127.0.0.1; keepalive 0; }\n}\n')
    expect(ps.map((p) => [p.kind, p.directive, p.line])).toEqual([
      ['arity', 'keepalive_timeout', 3],
      ['context', 'worker_connections', 4],
      ['value', 'listen', 4],
      ['value', 'gzip', 5],
      ['value', 'keepalive_requests', 6],
      ['value', 'keepalive', 7],
    ])
  })
  it('does not read map, types or geo bodies as directives; nested if is refused', () => {
    expect(problems("events {}\nhttp {\n map $http_upgrade $c { default upgrade; '' close; }\n types { text/html html; }\n geo $g { default 0; 10.0.0.0/8 1; }\n server { location / { if ($x) { return 404; } } }\n}\n")).toEqual([])
    expect(problems('events {}\nhttp { server { location / { if ($x) { if ($y) { } } } } }\n').map((p) => p.kind)).toEqual(['context'])
  })
  it('a conf.d snippet is checked in http context', () => {
    expect(problems('keepalive_timeout 65;\nserver { listen 80; location / { proxy_pass http://b; } }\n')).toEqual([])
  })
  it('knows directives by version: keepalive_time is not in 1.18', () => {
    expect(problems('events {}\nhttp { keepalive_time 1h; }\n', '1.18.0').map((p) => p.kind)).toEqual(['unknown'])
    expect(problems('events {}\nhttp { keepalive_time 1h; }\n', '1.22.1')).toEqual([])
  })
  it('declared third-party directives are known; load_module downgrades unknown ones to info', () => {
    expect(problems('events {}\nhttp { more_set_headers "A: b"; }\n', '1.22.1', [{name: 'more_set_headers', contexts: ['http']}] as never)).toEqual([])
    const [p] = problems('load_module modules/x.so;\nevents {}\nhttp { more_set_headers "A: b"; }\n')
    expect(p).toMatchObject({kind: 'unknown', severity: 'info'})
  })
})

describe('lighttpd integer strings (strtol as configfile-glue.c, checked with lighttpd -tt)', () => {
  it('accepts leading blanks and a plus sign, refuses the rest', () => {
    expect(lighttpdIntegerString(' 10', 65535)).toBe(10)
    expect(lighttpdIntegerString('+5', 65535)).toBe(5)
    for (const v of ['abc', '10x', '-5', '', '0x10', '70000', '10 ']) expect(lighttpdIntegerString(v, 65535)).toBeNull()
  })
})
