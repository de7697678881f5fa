import {MAX_BLOCK_DEPTH, parseNginxText} from '../../../../src/parsers/nginx/index.js'
import {ParseError} from '../../../../src/parsers/types.js'
import {shape} from './helpers.js'

const parse = (text: string) => parseNginxText(text, '/etc/nginx/nginx.conf')
const errs = (text: string) => parse(text).errors.map((e) => `${e.line}:${e.col} ${e.message}`)

describe('blocks', () => {
  it('nests blocks and records file, line and column of each directive', () => {
    const r = parse('http {\n  server {\n    listen 80;\n  }\n}\n')
    expect(r.errors).toEqual([])
    const [http] = r.value.parsed
    expect(http).toMatchObject({directive: 'http', args: [], file: '/etc/nginx/nginx.conf', line: 1, col: 1})
    const listen = http.block?.[0].block?.[0]
    expect(listen).toMatchObject({directive: 'listen', args: ['80'], line: 3, col: 5})
    expect(listen?.block).toBeUndefined()
  })

  it('gives an empty block [] and a plain directive no block', () => {
    expect(parse('events {}\nstub_status;').value.parsed.map((d) => d.block)).toEqual([[], undefined])
  })

  it('keeps source spans that cover the directive and its terminator', () => {
    const text = 'a  "b" c;\nblk x {\n  y;\n}\n'
    const [a, blk] = parse(text).value.parsed
    expect(text.slice(a.source?.start, a.source?.end)).toBe('a  "b" c;')
    expect(a.source?.args.map((s) => text.slice(s.start, s.end))).toEqual(['"b"', 'c'])
    expect(text.slice(blk.source?.start, blk.source?.end)).toBe('blk x {\n  y;\n}')
    expect([blk.source?.termLine, blk.source?.termCol]).toEqual([2, 7])
  })

  it('records where a multi-line directive ends: the line nginx names', () => {
    const [inc] = parse('include\n    a.conf\n    ;').value.parsed
    expect([inc.line, inc.source?.termLine]).toEqual([1, 3])
  })

  it('lets a quoted directive name through', () => {
    expect(shape(parse('"server_name" a;').value.parsed)).toEqual([['server_name', 'a']])
  })
})

describe('free-form blocks: map, types, geo, split_clients, charset_map, if', () => {
  it('reads their bodies with the generic grammar', () => {
    const text = [
      'map $uri $new { default 0; ~*^/foo 1; "~^/a;b{2}" 2; \'\' 3; hostnames; }',
      'types { text/html html htm shtml; application/x-c c; }',
      'geo $remote_addr $internal { ranges; default 0; 10.0.0.0-10.255.255.255 1; }',
      'split_clients "${remote_addr}AAA" $v { 0.5% a; * ""; }',
      'charset_map koi8-r utf-8 { C0 D18E; }',
    ].join('\n')
    const r = parse(text)
    expect(r.errors).toEqual([])
    expect(shape(r.value.parsed)).toEqual([
      ['map', '$uri', '$new', [['default', '0'], ['~*^/foo', '1'], ['~^/a;b{2}', '2'], ['', '3'], ['hostnames']]],
      ['types', [['text/html', 'html', 'htm', 'shtml'], ['application/x-c', 'c']]],
      ['geo', '$remote_addr', '$internal', [['ranges'], ['default', '0'], ['10.0.0.0-10.255.255.255', '1']]],
      ['split_clients', '${remote_addr}AAA', '$v', [['0.5%', 'a'], ['*', '']]],
      ['charset_map', 'koi8-r', 'utf-8', [['C0', 'D18E']]],
    ])
  })

  it('keeps if() words as nginx passes them: the parentheses stay on the words', () => {
    const r = parse('if ($request_method !~ ^(GET|HEAD)$ ) { return 405; }\nif (-f $request_filename) { break; }')
    expect(shape(r.value.parsed)).toEqual([
      ['if', '($request_method', '!~', '^(GET|HEAD)$', ')', [['return', '405']]],
      ['if', '(-f', '$request_filename)', [['break']]],
    ])
  })

  it('splits an unquoted regex at { as nginx does (why such regexes must be quoted)', () => {
    const r = parse('location ~ ^/a{2}$ { return 200; }')
    expect(r.value.parsed[0]).toMatchObject({directive: 'location', args: ['~', '^/a']})
  })
})

describe('recovery: nginx stops at the first error, the parser reads on', () => {
  it('keeps a statement cut short by "}" and closes the block', () => {
    const r = parse('http {\n  keepalive_timeout 65s\n}\nevents {}')
    expect(r.errors.map((e) => `${e.line} ${e.message}`)).toEqual(['3 unexpected "}"'])
    expect(shape(r.value.parsed)).toEqual([['http', [['keepalive_timeout', '65s']]], ['events', []]])
  })

  it('skips a stray "}" at the top level', () => {
    expect(shape(parse('a;\n}\nb;').value.parsed)).toEqual([['a'], ['b']])
  })

  it('reads past a block with no directive without keeping it', () => {
    const r = parse('{ a; { b; } }\nc;')
    expect(errs('{ a; { b; } }\nc;')).toEqual(['1:1 unexpected "{"', '1:6 unexpected "{"'])
    expect(shape(r.value.parsed)).toEqual([['c']])
  })

  it('keeps what was read when the file ends inside blocks', () => {
    const r = parse('http {\n server {\n  listen 80;')
    expect(shape(r.value.parsed)).toEqual([['http', [['server', [['listen', '80']]]]]])
    expect(r.errors).toHaveLength(1)
  })

  it('keeps the unfinished directive at the end of the file', () => {
    expect(shape(parse('a;\nworker_rlimit_nofile 4096').value.parsed)).toEqual([['a'], ['worker_rlimit_nofile', '4096']])
  })

  it('stops after 100 errors', () => {
    const r = parse('}\n'.repeat(500))
    expect(r.errors).toHaveLength(101)
    expect(r.errors[100]).toMatchObject({kind: 'limit', message: 'more than 100 errors; stopped reading'})
  })
})

describe('bounds', () => {
  it('caps block nesting without recursion trouble', () => {
    const deep = 'a {'.repeat(100_000) + '}'.repeat(100_000)
    const r = parse(deep)
    expect(r.errors.map((e) => e.message)).toEqual([`blocks nested deeper than ${MAX_BLOCK_DEPTH} levels`])
    let depth = 0
    for (let l = r.value.parsed; l.length > 0; l = l[0].block ?? []) depth++
    expect(depth).toBe(MAX_BLOCK_DEPTH + 1)
  })

  it('refuses binary files (NUL bytes) and files over the size limit', () => {
    expect(parse('a;\0b;')).toEqual({value: {parsed: [], comments: []}, errors: [expect.any(ParseError)]})
    expect(parse('a;\0b;').errors[0].toJSON()).toEqual({kind: 'io', file: '/etc/nginx/nginx.conf', line: 1, col: 1, message: 'binary file'})
    const big = parseNginxText('a;'.repeat(100), '/x.conf', {maxFileBytes: 150})
    expect(big.errors[0]).toMatchObject({kind: 'limit', message: 'file is larger than 150 bytes'})
  })

  it('handles a very long file quickly', () => {
    const text = 'server { listen 80; location / { proxy_pass http://x; } }\n'.repeat(20_000)
    const t0 = Date.now()
    const r = parse(text)
    expect(r.value.parsed).toHaveLength(20_000)
    expect(Date.now() - t0).toBeLessThan(3000)
  })
})
