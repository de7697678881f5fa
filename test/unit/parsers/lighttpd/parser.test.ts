import {effectiveLighttpd, parseLighttpd, parseLighttpdText, type LighttpdCondition, type LighttpdParseOptions, type LighttpdValue} from '../../../../src/parsers/lighttpd/index.js'
import {MemoryFileReader} from '../../../../src/parsers/memory-reader.js'
import {brief} from './helpers.js'

const F = '/etc/lighttpd/lighttpd.conf'
const parse = (text: string, opts: LighttpdParseOptions = {}) => parseLighttpdText(text, F, opts)
const global = (text: string, opts: LighttpdParseOptions = {}): Record<string, LighttpdValue> => {
  const r = parse(text, opts)
  return Object.fromEntries(Object.entries(effectiveLighttpd(r.value).global).map(([k, v]) => [k, v.value]))
}
const s = (value: string): LighttpdValue => ({type: 'string', value})
const n = (value: number): LighttpdValue => ({type: 'integer', value})
const arr = (...items: Array<LighttpdValue | [string, LighttpdValue]>): LighttpdValue => ({
  type: 'array', items: items.map((it) => (Array.isArray(it) ? {key: it[0], value: it[1]} : {value: it})),
})
const LEGACY = {version: '1.4.69'}

describe('lighttpd parser: statements and values', () => {
  it('reads assignments with file, line and column', () => {
    const r = parse('server.port = 80\n  server.bind = "127.0.0.1"\n')
    expect(r.errors).toEqual([])
    expect(r.value.statements).toEqual([
      {kind: 'assign', key: 'server.port', op: '=', value: n(80), file: F, line: 1, col: 1},
      {kind: 'assign', key: 'server.bind', op: '=', value: s('127.0.0.1'), file: F, line: 2, col: 3},
    ])
    expect(r.value.files).toEqual([F])
  })

  it('prefixes names without a dot with var., in assignments and references', () => {
    expect(global('idle = 10\nserver.max-keep-alive-idle = idle\n')).toEqual({'var.idle': n(10), 'server.max-keep-alive-idle': n(10)})
  })

  it('evaluates + on strings, integers and mixes, left to right', () => {
    expect(global('a = "x" + "y"\nb = 1 + 2 + 3\nc = "p" + 1 + 2\nd = 1 + 2 + "q"\n')).toEqual({
      'var.a': s('xy'), 'var.b': n(6), 'var.c': s('p12'), 'var.d': s('3q'),
    })
  })

  it('wraps integers at 32 bits like lighttpd and rejects numbers past a C long', () => {
    expect(global('a = 2147483648\nb = 2147483647 + 1\nc = 007\n')).toEqual({'var.a': n(-2147483648), 'var.b': n(-2147483648), 'var.c': n(7)})
    expect(brief(parse('a = 99999999999999999999\n').errors)).toEqual([`${F}:1:5 syntax: number 99999999999999999999 is too large`])
  })

  it('merges arrays with + and keeps repeated plain items', () => {
    expect(global('a = ("x", "y") + ("x")\nb = ("k" => 1) + ("j" => 2)\n')).toEqual({
      'var.a': arr(s('x'), s('y'), s('x')), 'var.b': arr(['k', n(1)], ['j', n(2)]),
    })
  })

  it('tolerates a repeated array key only with the same string or integer value', () => {
    expect(global('a = ("k" => 1) + ("K" => 1)\n')).toEqual({'var.a': arr(['k', n(1)])})
    expect(brief(parse('a = ("k" => 1) + ("k" => 2)\n').errors)).toEqual([`${F}:1:16 syntax: duplicate array key "k" when merging arrays`])
  })

  it('rejects mixing arrays with strings or integers', () => {
    expect(brief(parse('a = 5 + ("x")\n').errors)).toEqual([`${F}:1:7 syntax: cannot combine integer with array (data type mismatch)`])
  })

  it('reads arrays: empty, trailing comma, nested, keyed, integer keys, expressions inside', () => {
    expect(global('a = ()\nb = ("x",)\nc = ( "k" => ( "n" => ( 1, 2 ) ) )\nd = ( 1 => "one" )\ne = ( "a" + "b" => 1 + 1 )\n')).toEqual({
      'var.a': arr(), 'var.b': arr(s('x')), 'var.c': arr(['k', arr(['n', arr(n(1), n(2))])]), 'var.d': arr(['1', s('one')]),
      'var.e': arr(['ab', n(2)]),
    })
  })

  it('rejects a repeated key inside one array literal, case-insensitively', () => {
    expect(brief(parse('a = ( "k" => 1, "K" => 2 )\n').errors)).toEqual([`${F}:1:17 syntax: duplicate array key "K"`])
  })

  it('rejects an array used as an array key', () => {
    expect(brief(parse('a = ( ("k") => 1 )\n').errors)).toEqual([`${F}:1:7 syntax: an array cannot be used here; a string is needed (operand must be string)`])
  })

  it('accepts doubled commas and a leading comma in arrays, as lighttpd does', () => {
    expect(global('a = ("x",, "y")\nb = (, "z")\n')).toEqual({'var.a': arr(s('x'), s('y')), 'var.b': arr(s('z'))})
  })

  it('allows statements on one line, separated by nothing or by commas', () => {
    expect(global('a = 1 b = 2, c = 3\n')).toEqual({'var.a': n(1), 'var.b': n(2), 'var.c': n(3)})
  })

  it('reads a file without a final newline', () => {
    expect(global('a = 1')).toEqual({'var.a': n(1)})
  })

  it('collects comments with their position, also inside arrays and after }', () => {
    const r = parse('# conntune: ignore LT001 -- reason\na = ( 1, # one\n 2 ) # two\n$HTTP["host"] == "x" { } # three\n')
    expect(r.value.comments).toEqual([
      {file: F, line: 1, col: 1, text: 'conntune: ignore LT001 -- reason'},
      {file: F, line: 2, col: 10, text: 'one'},
      {file: F, line: 3, col: 6, text: 'two'},
      {file: F, line: 4, col: 26, text: 'three'},
    ])
  })
})

describe('lighttpd parser: =, := and +=', () => {
  it('rejects = on a name already set in the same block, and names where', () => {
    const r = parse('server.port = 80\nserver.port = 81\n')
    expect(brief(r.errors)).toEqual([`${F}:2:1 syntax: server.port is assigned twice in the same block (already set at ${F}:1); use := to replace it or += to append`])
    expect(global('server.port = 80\nserver.port = 81\n')['server.port']).toEqual(n(80))
  })

  it('compares names case-insensitively', () => {
    expect(parse('server.port = 80\nSERVER.PORT = 81\n').errors).toHaveLength(1)
  })

  it('replaces with := without complaint', () => {
    const r = parse('server.port = 80\nserver.port := 81\n')
    expect(r.errors).toEqual([])
    expect(global('server.port = 80\nserver.port := 81\n')['server.port']).toEqual(n(81))
  })

  it('appends with +=, or sets when nothing was set', () => {
    expect(global('m = ("a")\nm += ("b")\nk += 5\nk += 1\ns = "x"\ns += "y"\n')).toEqual({'var.m': arr(s('a'), s('b')), 'var.k': n(6), 'var.s': s('xy')})
  })

  it('rejects += of another type', () => {
    expect(brief(parse('m = ("a")\nm += 1\n').errors)).toEqual([`${F}:2:1 syntax: var.m += …: cannot combine array with integer (data type mismatch)`])
  })

  it('rejects setting env.X', () => {
    expect(brief(parse('env.X = "1"\n').errors)).toEqual([`${F}:1:1 syntax: env.X: environment variables cannot be set in the configuration`])
  })

  it('rejects = on var.CWD and var.PID, which lighttpd sets itself', () => {
    expect(brief(parse('var.PID = 1\n').errors)).toEqual([`${F}:1:1 syntax: var.PID is assigned twice in the same block (lighttpd sets it before reading the config); use := to replace it or += to append`])
  })
})

describe('lighttpd parser: variables and the environment', () => {
  it('looks variables up in the block, then the blocks around it', () => {
    const r = parse('a = "g"\n$HTTP["host"] == "h" {\n a := "c"\n $HTTP["url"] =^ "/x" { b = a + "!" }\n}\nc = a\n')
    const e = effectiveLighttpd(r.value)
    expect(e.global['var.c'].value).toEqual(s('g'))
    expect(e.conditions[1].settings['var.b'].value).toEqual(s('c!'))
  })

  it('can read any setting, not only var.*', () => {
    expect(global('server.port = 80\nx = "port " + server.port\n')['var.x']).toEqual(s('port 80'))
  })

  it('rejects an undefined variable', () => {
    expect(brief(parse('x = nope\n').errors)).toEqual([`${F}:1:5 syntax: undefined variable var.nope`])
  })

  it('leaves env.X unresolved without an env map, and says so', () => {
    const r = parse('x = env.HOME + "/www"\n')
    expect(r.value.statements[0]).toMatchObject({value: {type: 'unresolved'}})
    expect(brief(r.errors)).toEqual([`${F}:1:5 unresolved: env.HOME: the environment of the lighttpd process is not known`])
  })

  it('reads env.X from the env map, and rejects a missing one as lighttpd does', () => {
    expect(global('x = env.HOME + "/www"\n', {env: {HOME: '/root'}})['var.x']).toEqual(s('/root/www'))
    expect(brief(parse('x = env.NOPE\n', {env: {}}).errors)).toEqual([`${F}:1:5 syntax: undefined environment variable NOPE`])
  })

  it('knows var.CWD from cwd, and leaves var.PID unresolved', () => {
    expect(global('x = var.CWD + "/www"\n', {cwd: '/srv'})['var.x']).toEqual(s('/srv/www'))
    const r = parse('x = var.CWD\ny = var.PID\n')
    expect(r.value.statements.map((st) => st.kind === 'assign' && st.value.type)).toEqual(['unresolved', 'unresolved'])
    expect(r.errors.map((e) => e.kind)).toEqual(['unresolved', 'unresolved'])
    expect(global('x = var.CWD\n')).toEqual({'var.x': {type: 'unresolved', reason: 'var.CWD is the working directory of the lighttpd process, which is not known'}})
  })

  it('after an include_shell, an unknown variable may come from its output', () => {
    const r = parse('include_shell "/usr/share/lighttpd/create-mime.conf.pl"\nx = mimetype.assign\n')
    expect(r.errors.map((e) => e.kind)).toEqual(['unresolved', 'unresolved'])
    expect(r.errors[1].message).toMatch(/mimetype.assign is not set here, unless include_shell/)
  })
})

describe('lighttpd parser: conditions', () => {
  const cond = (text: string, opts: LighttpdParseOptions = {}): LighttpdCondition => {
    const r = parse(text, opts)
    expect(brief(r.errors)).toEqual([])
    return r.value.statements.find((st): st is LighttpdCondition => st.kind === 'condition')!
  }

  it('reads field, operator, pattern, body and position', () => {
    expect(cond('x = 1\n  $HTTP["host"] =~ "^www\\." {\n    server.max-keep-alive-idle = 3\n  }\n')).toEqual({
      kind: 'condition', field: '$HTTP["host"]', op: '=~', pattern: '^www\\.', file: F, line: 2, col: 3,
      body: [{kind: 'assign', key: 'server.max-keep-alive-idle', op: '=', value: n(3), file: F, line: 3, col: 5}],
    })
  })

  it('reads every operator and field lighttpd knows', () => {
    for (const op of ['==', '!=', '=~', '!~', '=^', '=$']) expect(cond(`$HTTP["url"] ${op} "/a" {}\n`).op).toBe(op)
    for (const f of ['$SERVER["socket"]', '$HTTP["url"]', '$HTTP["host"]', '$HTTP["remoteip"]', '$HTTP["scheme"]', '$HTTP["querystring"]',
      '$HTTP["request-method"]', '$HTTP["useragent"]', '$HTTP["cookie"]', '$HTTP["referer"]', '$HTTP["language"]', '$REQUEST_HEADER["X-Anything"]']) {
      expect(cond(`${f} == "a" {}\n`).field).toBe(f)
    }
  })

  it('evaluates the pattern and the field name as expressions', () => {
    const c = cond('var.d = "example.com"\n$HTTP["ho" + "st"] == "www." + var.d { }\n')
    expect([c.field, c.pattern]).toEqual(['$HTTP["host"]', 'www.example.com'])
  })

  it('rejects unknown fields, case-sensitively', () => {
    expect(brief(parse('$HTTP["Host"] == "a" {}\n').errors)).toEqual([`${F}:1:2 syntax: unknown condition field $HTTP["Host"]`])
    expect(brief(parse('$SERVER["port"] == "a" {}\n').errors)).toEqual([`${F}:1:2 syntax: unknown condition field $SERVER["port"] (only $SERVER["socket"] exists)`])
  })

  it('rejects a non-string pattern', () => {
    expect(brief(parse('$HTTP["host"] == 1 {}\n').errors)).toEqual([`${F}:1:18 syntax: the value compared in a condition must be a string, not a number (rvalue must be string)`])
  })

  it('nests conditions', () => {
    const c = cond('$HTTP["host"] == "a" {\n $HTTP["url"] =^ "/b" {\n  x = 1\n }\n}\n')
    expect(c.body[0]).toMatchObject({kind: 'condition', field: '$HTTP["url"]', line: 2, body: [{key: 'var.x', line: 3}]})
  })

  it('chains with else, on the same line or the next, and with a comment between', () => {
    const c = cond('$HTTP["host"] == "a" { x = 1 }\n# between\nelse $HTTP["host"] == "b" { x = 2 } else {\n x = 3\n}\n')
    expect([c.op, c.else?.op, c.else?.pattern, c.else?.line, c.else?.else?.op, c.else?.else?.line]).toEqual(['==', '==', 'b', 3, 'else', 3])
    expect(c.else?.else?.body).toEqual([{kind: 'assign', key: 'var.x', op: '=', value: n(3), file: F, line: 4, col: 2}])
  })

  it('chains with elseif, elsif, elif and else if, and skips "if" before a condition (lighttpd 1.4.74+)', () => {
    for (const kw of ['elseif', 'elsif', 'elif', 'else if']) {
      const c = cond(`if $HTTP["host"] == "a" { x = 1 } ${kw} $HTTP["host"] == "b" { x = 2 }\n`)
      expect([c.line, c.col, c.else?.pattern]).toEqual([1, 4, 'b'])
    }
  })

  it('reads those spellings as lighttpd 1.4.69 does: names and a bare else, with errors', () => {
    const r = parse('$HTTP["host"] == "a" { x = 1 } else if $HTTP["host"] == "b" { x = 2 }\n', LEGACY)
    const c = r.value.statements[0] as LighttpdCondition
    expect(c.else).toMatchObject({op: 'else', body: [{key: 'var.x', value: n(2)}]})
    expect(brief(r.errors)).toEqual([`${F}:1:37 syntax: unexpected name "if"; "else if" needs lighttpd 1.4.74, older versions make the block a bare else (lighttpd 1.4.69 skips it silently)`])
    const e = parse('if $HTTP["host"] == "a" { x = 1 }\n', LEGACY)
    expect(e.value.statements).toEqual([{kind: 'assign', key: 'var.if', op: '=', value: n(1), file: F, line: 1, col: 1}])
    expect(e.errors[0].message).toMatch(/^unexpected "\$"; "if" before a condition needs lighttpd 1.4.74/)
  })

  it('reads else with the condition on the next line as a bare else, as lighttpd does', () => {
    const r = parse('$HTTP["host"] == "a" { x = 1 } else\n$HTTP["host"] == "b" { x = 2 }\n')
    expect((r.value.statements[0] as LighttpdCondition).else).toMatchObject({op: 'else', line: 1, col: 32})
    expect(brief(r.errors)[0]).toBe(`${F}:1:36 syntax: unexpected end of line; the condition must follow "else" on the same line, otherwise the block is a bare else (lighttpd 1.4.69 skips it silently)`)
  })

  it('rejects a branch after a bare else, and an else without a condition before it', () => {
    expect(brief(parse('$HTTP["host"] == "a" {} else {} else {}\n').errors)).toEqual([`${F}:1:33 syntax: unreachable condition: nothing can follow a bare else`])
    expect(parse('else { x = 1 }\n').errors[0].message).toMatch(/^unexpected "else"/)
  })

  it('rejects an else whose name (the negated condition) exists already', () => {
    expect(brief(parse('$HTTP["host"] != "a" {}\n$HTTP["host"] == "a" {} else {}\n').errors)).toEqual([
      `${F}:2:25 syntax: unreachable else: lighttpd names it "$HTTP["host"] != "a"", and that block already exists`,
    ])
  })

  it('rejects chaining onto a block that exists earlier', () => {
    expect(brief(parse('$HTTP["host"] == "b" {}\n$HTTP["host"] == "a" {} else $HTTP["host"] == "b" {}\n').errors)).toEqual([
      `${F}:2:25 syntax: unreachable else: this condition block already exists earlier in the file, so it cannot follow an else`,
    ])
  })

  it('reads global { } blocks, which always set the global scope', () => {
    const r = parse('$HTTP["host"] == "a" {\n global { server.port = 81 }\n}\n')
    expect(r.errors).toEqual([])
    expect(r.value.statements[0]).toMatchObject({body: [{kind: 'global', line: 2, col: 2, body: [{key: 'server.port'}]}]})
    expect(effectiveLighttpd(r.value).global['server.port'].value).toEqual(n(81))
  })

  it('rejects conditions inside global { }', () => {
    expect(brief(parse('global { $HTTP["host"] == "a" {} }\n').errors)).toEqual([`${F}:1:10 syntax: conditions cannot be used inside a global { } block (lighttpd exits on this)`])
  })

  it('reports a missing } at the end of the file, where lighttpd does, naming the open block', () => {
    expect(brief(parse('x = 1\n$HTTP["host"] == "a" {\n y = 2\n\n').errors)).toEqual([`${F}:5:1 syntax: missing "}": the block opened at line 2 is still open at the end of the file`])
  })

  it('keeps what a file read before an unclosed block, and leaves the block scope', () => {
    const reader = new MemoryFileReader({'/c/main.conf': 'include "a.conf"\nafter = 1\n', '/c/a.conf': '$HTTP["host"] == "a" {\n inside = 1\n'})
    const r = parseLighttpd('/c/main.conf', reader)
    expect(brief(r.errors)).toEqual(['/c/a.conf:3:1 syntax: missing "}": the block opened at line 1 is still open at the end of the file'])
    const e = effectiveLighttpd(r.value)
    expect(Object.keys(e.global)).toEqual(['var.after'])
    expect(Object.keys(e.conditions[0].settings)).toEqual(['var.inside'])
  })

  it('warns where lighttpd 1.4.69 parser stack would overflow', () => {
    const deep = (k: number): string => `x = ${'('.repeat(k)}"a"${')'.repeat(k)}\n`
    expect(parse(deep(94)).errors).toEqual([])
    // The first ")" is the 101st entry on the stack.
    expect(brief(parse(deep(95)).errors)).toEqual([`${F}:1:${5 + 95 + 3} limit: nested too deep: lighttpd's parser stack (100 entries) overflows here, and lighttpd then drops the statement or aborts`])
  })
})

describe('lighttpd parser: tokens lighttpd 1.4.69 drops', () => {
  it('a missing comma drops the next item, and reports it', () => {
    const r = parse('server.modules = ( "mod_access" "mod_proxy", "mod_status" )\n', LEGACY)
    expect(global('server.modules = ( "mod_access" "mod_proxy", "mod_status" )\n')['server.modules']).toEqual(arr(s('mod_access'), s('mod_status')))
    expect(brief(r.errors)).toEqual([`${F}:1:33 syntax: unexpected string "mod_proxy"; separate array items with "," (lighttpd 1.4.69 skips it silently)`])
  })

  it('a missing + drops the second string', () => {
    expect(global('x = "a" "b"\n')).toEqual({'var.x': s('a')})
    expect(parse('x = "a" "b"\n').errors[0].message).toMatch(/^unexpected string "b"; join strings with "\+"/)
  })

  it('a stray } or = is dropped', () => {
    expect(global('}\nx = = 1\n')).toEqual({'var.x': n(1)})
    expect(brief(parse('}\nx = = 1\n').errors)).toEqual([
      `${F}:1:1 syntax: unexpected "}"; no block is open here (lighttpd 1.4.69 skips it silently)`,
      `${F}:2:5 syntax: unexpected "="` + ' (lighttpd 1.4.69 skips it silently)',
    ])
  })

  it('an unfinished statement is reported at the line end and at the end of the file', () => {
    expect(brief(parse('x =\n').errors)).toEqual([
      `${F}:1:4 syntax: unexpected end of line (lighttpd 1.4.69 skips it silently)`,
      `${F}:2:1 syntax: the file ends inside an unfinished statement`,
    ])
  })
})

describe('lighttpd parser: includes', () => {
  const files = {
    '/etc/lighttpd/lighttpd.conf': 'server.port = 80\ninclude "conf.d/*.conf"\ninclude "extra.conf"\n$HTTP["host"] == "a" {\n include "vhost.inc"\n}\n',
    '/etc/lighttpd/conf.d/20-b.conf': 'b = 2\n',
    '/etc/lighttpd/conf.d/10-a.conf': 'a = 1\ninclude "conf.d/nested.inc"\n',
    '/etc/lighttpd/conf.d/nested.inc': 'nested = 1\n',
    '/etc/lighttpd/conf.d/.hidden.conf': 'hidden = 1\n',
    '/etc/lighttpd/extra.conf': 'extra = server.port + 1\n',
    '/etc/lighttpd/vhost.inc': 'server.max-keep-alive-idle = 30\n',
  }

  it('expands globs sorted, relative to the main config directory, inline where they appear', () => {
    const r = parseLighttpd('/etc/lighttpd/lighttpd.conf', new MemoryFileReader(files))
    expect(r.errors).toEqual([])
    expect(r.value.files).toEqual(['/etc/lighttpd/lighttpd.conf', '/etc/lighttpd/conf.d/10-a.conf', '/etc/lighttpd/conf.d/nested.inc',
      '/etc/lighttpd/conf.d/20-b.conf', '/etc/lighttpd/extra.conf', '/etc/lighttpd/vhost.inc'])
    expect(r.value.statements.map((st) => [st.kind, st.file.split('/').pop(), st.line])).toEqual([
      ['assign', 'lighttpd.conf', 1], ['include', 'lighttpd.conf', 2], ['assign', '10-a.conf', 1], ['include', '10-a.conf', 2],
      ['assign', 'nested.inc', 1], ['assign', '20-b.conf', 1], ['include', 'lighttpd.conf', 3], ['assign', 'extra.conf', 1],
      ['condition', 'lighttpd.conf', 4],
    ])
    expect(r.value.statements[1]).toEqual({kind: 'include', path: 'conf.d/*.conf', files: ['/etc/lighttpd/conf.d/10-a.conf', '/etc/lighttpd/conf.d/20-b.conf'], file: '/etc/lighttpd/lighttpd.conf', line: 2, col: 1})
    const e = effectiveLighttpd(r.value)
    expect(e.global['var.extra']).toEqual({value: n(81), file: '/etc/lighttpd/extra.conf', line: 1})
    expect(e.conditions[0].settings['server.max-keep-alive-idle']).toEqual({value: n(30), file: '/etc/lighttpd/vhost.inc', line: 1})
  })

  it('a glob that matches nothing is fine; a missing plain file is an error at the include', () => {
    const r = parseLighttpd('/c/l.conf', new MemoryFileReader({'/c/l.conf': 'include "none/*.conf"\ninclude "missing.conf"\n'}))
    expect(brief(r.errors)).toEqual(['/c/l.conf:2:1 include: include file not found: /c/missing.conf'])
  })

  it('expands braces like glob(3) GLOB_BRACE, in the written order', () => {
    const r = parseLighttpd('/c/l.conf', new MemoryFileReader({'/c/l.conf': 'include "{d,c}.conf"\n', '/c/c.conf': 'c = 1\n', '/c/d.conf': 'd = 1\n'}))
    expect(r.value.files).toEqual(['/c/l.conf', '/c/d.conf', '/c/c.conf'])
  })

  it('resolves ./ and ../ against the working directory, not the config directory', () => {
    const reader = new MemoryFileReader({'/c/l.conf': 'include "./x.conf"\n', '/run/x.conf': 'x = 1\n', '/x.conf': 'root = 1\n'})
    expect(parseLighttpd('/c/l.conf', reader, {cwd: '/run'}).value.files).toEqual(['/c/l.conf', '/run/x.conf'])
    expect(parseLighttpd('/c/l.conf', reader).value.files).toEqual(['/c/l.conf', '/x.conf'])
  })

  it('evaluates the include argument as an expression', () => {
    const r = parseLighttpd('/c/l.conf', new MemoryFileReader({'/c/l.conf': 'var.site = "a"\ninclude "sites/" + var.site + ".conf"\n', '/c/sites/a.conf': 'x = 1\n'}))
    expect(r.value.files).toEqual(['/c/l.conf', '/c/sites/a.conf'])
  })

  it('stops at include cycles and reports them', () => {
    const r = parseLighttpd('/c/a.conf', new MemoryFileReader({'/c/a.conf': 'include "b.conf"\n', '/c/b.conf': 'x := 1\ninclude "a.conf"\n'}))
    expect(brief(r.errors)).toEqual(['/c/b.conf:2:1 include: include cycle: /c/a.conf -> /c/b.conf -> /c/a.conf (lighttpd recurses until it crashes)'])
  })

  it('bounds include depth', () => {
    const chain: Record<string, string> = {}
    for (let i = 0; i < 6; i++) chain[`/c/${i}.conf`] = `include "${i + 1}.conf"\n`
    chain['/c/6.conf'] = 'x = 1\n'
    const r = parseLighttpd('/c/0.conf', new MemoryFileReader(chain), {maxIncludeDepth: 3})
    expect(brief(r.errors)).toEqual(['/c/3.conf:1:1 limit: includes nested more than 3 deep; /c/4.conf not read'])
  })

  it('reports unreadable, binary and oversized files', () => {
    const reader = new MemoryFileReader({
      '/c/l.conf': 'include "a.conf"\ninclude "b.conf"\ninclude "big.conf"\n',
      '/c/a.conf': {error: 'Permission denied', code: 'EACCES'},
      '/c/b.conf': 'x = 1\0\n',
      '/c/big.conf': `x = "${'a'.repeat(100)}"\n`,
    })
    expect(brief(parseLighttpd('/c/l.conf', reader, {maxFileBytes: 64}).errors)).toEqual([
      '/c/l.conf:1:1 io: cannot read /c/a.conf: Permission denied',
      '/c/l.conf:2:1 io: /c/b.conf: binary file (contains NUL bytes); not read',
      '/c/l.conf:3:1 limit: /c/big.conf is larger than 64 bytes; not read',
    ])
    expect(brief(parseLighttpd('/c/none.conf', reader).errors)).toEqual(['/c/none.conf:1:1 io: cannot read /c/none.conf: No such file or directory'])
  })

  it('records include_shell as unresolved, never runs it, and goes on', () => {
    const r = parse('server.port = 80\ninclude_shell "/usr/share/lighttpd/use-ipv6.pl " + server.port\nx = 1\n')
    expect(r.value.statements[1]).toEqual({kind: 'include_shell', path: '/usr/share/lighttpd/use-ipv6.pl 80', file: F, line: 2, col: 1})
    expect(brief(r.errors)).toEqual([`${F}:2:1 unresolved: include_shell "/usr/share/lighttpd/use-ipv6.pl 80" is not run by conntune; settings it would print are unknown`])
    expect(effectiveLighttpd(r.value).shellIncludes).toEqual([{command: '/usr/share/lighttpd/use-ipv6.pl 80', file: F, line: 2, path: []}])
  })

  it('parseLighttpdText reports includes as not read when it has no files', () => {
    expect(brief(parse('include "x.conf"\n').errors)).toEqual([`${F}:1:1 unresolved: include "x.conf" was not read: no files were given to the parser`])
  })
})

describe('lighttpd parser: lighttpd -p output', () => {
  const printed = [
    'config {',
    '    var.CWD                        = "/tmp"',
    '    var.PID                        = 5632',
    '    server.port                    = 80',
    '    server.tag                     = "say \\"hi\\""',
    '    x                              = -2147483648',
    '    server.modules                 = ("mod_access", "mod_staticfile")',
    '',
    '',
    '    $HTTP["host"] == "a" {',
    '        # block 1',
    '        server.max-keep-alive-idle = 30',
    '',
    '    } # end of $HTTP["host"] == "a"',
    '    else {',
    '        # block 2',
    '        server.max-keep-alive-idle = 1',
    '',
    '    } # end of else',
    '}',
  ].join('\n')

  it('unwraps config { } and reads the rest as plain config', () => {
    const r = parseLighttpdText(printed, '-p')
    expect(brief(r.errors)).toEqual([])
    expect(r.value.preprocessed).toBe(true)
    const e = effectiveLighttpd(r.value)
    expect(e.global['server.port'].value).toEqual(n(80))
    expect(e.global['server.tag'].value).toEqual(s('say "hi"'))
    expect(e.global['var.x'].value).toEqual(n(-2147483648))
    expect(e.conditions.map((c) => [c.path, c.settings['server.max-keep-alive-idle'].value])).toEqual([[['$HTTP["host"] == "a"'], n(30)], [['else'], n(1)]])
  })
})
