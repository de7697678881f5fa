import {effectiveLighttpd, parseLighttpd, parseLighttpdText, type LighttpdEffective, type LighttpdValue} from '../../../../src/parsers/lighttpd/index.js'
import {brief, treeReader} from './helpers.js'

const F = '/l.conf'
const eff = (text: string): LighttpdEffective => effectiveLighttpd(parseLighttpdText(text, F).value)
const values = (settings: Record<string, {value: LighttpdValue}>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, v.value.type === 'integer' || v.value.type === 'string' ? v.value.value : v.value]))
const blocks = (e: LighttpdEffective): Array<[string, Record<string, unknown>]> => e.conditions.map((c) => [c.path.join(' / '), values(c.settings)])

describe('effectiveLighttpd', () => {
  it('keeps settings inside a condition scoped to it', () => {
    const e = eff('server.max-keep-alive-idle = 5\n$HTTP["host"] == "a" {\n server.max-keep-alive-idle = 30\n}\n')
    expect(values(e.global)).toEqual({'server.max-keep-alive-idle': 5})
    expect(blocks(e)).toEqual([['$HTTP["host"] == "a"', {'server.max-keep-alive-idle': 30}]])
    expect(e.conditions[0]).toMatchObject({file: F, line: 2, settings: {'server.max-keep-alive-idle': {file: F, line: 3}}})
  })

  it('+= inside a block starts from the value around it at that moment', () => {
    const e = eff('m = ("1")\n$HTTP["host"] == "a" { m += ("2") }\nm += ("3")\n')
    expect(values(e.global)['var.m']).toEqual({type: 'array', items: [{value: {type: 'string', value: '1'}}, {value: {type: 'string', value: '3'}}]})
    expect(e.conditions[0].settings['var.m'].value).toEqual({type: 'array', items: [{value: {type: 'string', value: '1'}}, {value: {type: 'string', value: '2'}}]})
  })

  it('keeps the file:line of the statement that set each value, and lowercases names', () => {
    const e = eff('Server.Port = 80\nserver.port := 81\n')
    expect(e.global).toEqual({'server.port': {value: {type: 'integer', value: 81}, file: F, line: 2}})
  })

  it('leaves out var.CWD and var.PID unless the config sets them', () => {
    expect(eff('x = 1\n').global).toEqual({'var.x': {value: {type: 'integer', value: 1}, file: F, line: 1}})
  })

  it('merges blocks with the same condition under the same parent, as lighttpd does', () => {
    const text = '$HTTP["host"] == "a" { x = 1 }\n$HTTP["host"] == "a" { y = 2 }\n'
    expect(blocks(eff(text))).toEqual([['$HTTP["host"] == "a"', {'var.x': 1, 'var.y': 2}]])
    expect(brief(parseLighttpdText('$HTTP["host"] == "a" { x = 1 }\n$HTTP["host"] == "a" { x = 2 }\n', F).errors)).toEqual([
      `${F}:2:24 syntax: var.x is assigned twice in the same block (already set at ${F}:1); use := to replace it or += to append`,
    ])
  })

  it('names blocks like lighttpd: simple regexes become ==, =^ and =$ (not for $SERVER["socket"])', () => {
    const e = eff([
      '$HTTP["url"] =~ "^/api/" { a = 1 }', '$HTTP["url"] =~ "\\.php$" { a = 2 }', '$HTTP["host"] =~ "^x.example$" { a = 3 }',
      '$HTTP["host"] =~ "^exact$" { a = 4 }', '$SERVER["socket"] =~ "^:80$" { a = 5 }', '$HTTP["url"] =^ "/api/" { b = 6 }', '',
    ].join('\n'))
    expect(blocks(e)).toEqual([
      ['$HTTP["url"] =^ "/api/"', {'var.a': 1, 'var.b': 6}],
      ['$HTTP["url"] =$ ".php"', {'var.a': 2}],
      ['$HTTP["host"] =~ "^x.example$"', {'var.a': 3}],
      ['$HTTP["host"] == "exact"', {'var.a': 4}],
      ['$SERVER["socket"] =~ "^:80$"', {'var.a': 5}],
    ])
  })

  it('names else branches and nests paths', () => {
    const e = eff('$HTTP["host"] == "a" {\n $HTTP["url"] =^ "/x" { k = 1 }\n} else $HTTP["host"] == "b" { k = 2 } else { k = 3 }\n')
    expect(blocks(e)).toEqual([
      ['$HTTP["host"] == "a"', {}],
      ['$HTTP["host"] == "a" / $HTTP["url"] =^ "/x"', {'var.k': 1}],
      ['else $HTTP["host"] == "b"', {'var.k': 2}],
      ['else', {'var.k': 3}],
    ])
  })

  it('mirrors lighttpd: a bare else is the same block as a later explicit negation', () => {
    const e = eff('$HTTP["host"] == "a" { q = 1 } else { q = 2 }\n$HTTP["host"] != "a" { w = 1 }\n')
    expect(blocks(e)).toEqual([['$HTTP["host"] == "a"', {'var.q': 1}], ['else', {'var.q': 2, 'var.w': 1}]])
  })

  it('mirrors lighttpd: block names compare case-insensitively, so /Admin and /admin are one block', () => {
    const e = eff('$HTTP["url"] =^ "/Admin" { a = 1 }\n$HTTP["url"] =^ "/admin" { b = 1 }\n')
    expect(blocks(e)).toEqual([['$HTTP["url"] =^ "/Admin"', {'var.a': 1, 'var.b': 1}]])
  })

  it('mirrors lighttpd: same-named blocks nested in two different bare else blocks are one block', () => {
    const e = eff('$HTTP["host"] == "a" { } else { $HTTP["url"] == "/x" { a = 1 } }\n$HTTP["host"] == "b" { } else { $HTTP["url"] == "/x" { b = 2 } }\n')
    expect(blocks(e)).toEqual([
      ['$HTTP["host"] == "a"', {}], ['else', {}], ['else / $HTTP["url"] == "/x"', {'var.a': 1, 'var.b': 2}],
      ['$HTTP["host"] == "b"', {}], ['else', {}],
    ])
  })

  it('global { } inside a block sets the global scope', () => {
    expect(values(eff('$HTTP["host"] == "a" { global { x = 1 } }\n').global)).toEqual({'var.x': 1})
  })

  it('lists include_shell statements with the block they are in', () => {
    expect(eff('$SERVER["socket"] == ":443" {\n include_shell "echo"\n}\n').shellIncludes).toEqual([{command: 'echo', file: F, line: 2, path: ['$SERVER["socket"] == ":443"']}])
  })

  it('gives the same result for a config and its lighttpd -p form', () => {
    const original = eff('x = 1\n$HTTP["host"] =~ "^a$" { y = x + 1 }\nelse { y = 0 }\n')
    const printed = effectiveLighttpd(parseLighttpdText('config {\n    var.x = 1\n\n    $HTTP["host"] == "a" {\n        # block 1\n        var.y = 2\n    } # end of $HTTP["host"] == "a"\n    else {\n        # block 2\n        var.y = 0\n    } # end of else\n}', '-p').value)
    expect(blocks(printed)).toEqual(blocks(original))
    expect(values(printed.global)).toEqual(values(original.global))
  })
})

describe('fixtures', () => {
  it('Debian default lighttpd.conf: reads it, reports the two include_shell lines, and goes on', () => {
    const r = parseLighttpd('/etc/lighttpd/lighttpd.conf', treeReader('debian/etc/lighttpd', '/etc/lighttpd'), {version: '1.4.69'})
    expect(brief(r.errors)).toEqual([
      '/etc/lighttpd/lighttpd.conf:46:1 unresolved: include_shell "/usr/share/lighttpd/use-ipv6.pl 80" is not run by conntune; settings it would print are unknown',
      '/etc/lighttpd/lighttpd.conf:47:1 unresolved: include_shell "/usr/share/lighttpd/create-mime.conf.pl" is not run by conntune; settings it would print are unknown',
    ])
    expect(r.value.files).toEqual(['/etc/lighttpd/lighttpd.conf', '/etc/lighttpd/conf-enabled/90-javascript-alias.conf'])
    const e = effectiveLighttpd(r.value)
    expect(values(e.global)).toMatchObject({'server.port': 80, 'server.document-root': '/var/www/html', 'server.username': 'www-data'})
    expect(e.global['server.modules'].value).toEqual({type: 'array', items: ['mod_indexfile', 'mod_access', 'mod_alias', 'mod_redirect', 'mod_dirlisting', 'mod_staticfile'].map((m) => ({value: {type: 'string', value: m}}))})
    expect(e.global['server.modules'].line).toBe(51)
    expect(e.global['alias.url']).toEqual({value: {type: 'array', items: [{key: '/javascript', value: {type: 'string', value: '/usr/share/javascript'}}]}, file: '/etc/lighttpd/conf-enabled/90-javascript-alias.conf', line: 1})
    expect(e.conditions).toEqual([])
    expect(e.shellIncludes.map((s) => s.command)).toEqual(['/usr/share/lighttpd/use-ipv6.pl 80', '/usr/share/lighttpd/create-mime.conf.pl'])
    expect(r.value.comments.find((c) => c.line === 29)).toEqual({file: '/etc/lighttpd/lighttpd.conf', line: 29, col: 41, text: 'default'})
  })

  it('Debian with modules enabled: cgi, debian-doc, fastcgi, := override', () => {
    const r = parseLighttpd('/etc/lighttpd/lighttpd.conf', treeReader('debian-enabled/etc/lighttpd', '/etc/lighttpd'), {version: '1.4.69'})
    expect(r.errors.map((e) => e.kind)).toEqual(['unresolved', 'unresolved'])
    const e = effectiveLighttpd(r.value)
    expect(e.global['index-file.names']).toMatchObject({file: '/etc/lighttpd/conf-enabled/99-unconfigured.conf', line: 3})
    expect(e.conditions.map((c) => c.path.join(' / '))).toEqual([
      '$HTTP["url"] =^ "/cgi-bin/"', '$HTTP["host"] =~ "^www\\.(.*)"', '$HTTP["remoteip"] =~ "^127\\.0\\.0\\.1$|^::1$"',
      '$HTTP["remoteip"] =~ "^127\\.0\\.0\\.1$|^::1$" / $HTTP["url"] =~ "^/doc/|^/images/"', '$HTTP["remoteip"] =~ "^127\\.0\\.0\\.1$|^::1$" / $HTTP["url"] =^ "/cgi-bin/"',
    ])
  })

  it('multi-vhost config: keep-alive settings per block, with where they were set', () => {
    const r = parseLighttpd('/srv/lighttpd/lighttpd.conf', treeReader('vhosts', '/srv/lighttpd'), {cwd: '/srv', version: '1.4.69'})
    expect(brief(r.errors)).toEqual([])
    const e = effectiveLighttpd(r.value)
    const ka = (s: Record<string, {value: LighttpdValue}>) => {
      const v = values(s)
      return [v['server.max-keep-alive-idle'], v['server.max-keep-alive-requests'], v['server.max-read-idle']]
    }
    expect(ka(e.global)).toEqual([15, 500, 60])
    expect(values(e.global)).toMatchObject({'server.port': 8080, 'server.bind': '127.0.0.1', 'server.document-root': '/srv/www/default'})
    expect(e.conditions.map((c) => [c.path.join(' / '), ...ka(c.settings)])).toEqual([
      ['$SERVER["socket"] == "127.0.0.1:8081"', 30, 0, undefined],
      ['$HTTP["host"] == "example.com"', 20, undefined, undefined],
      ['$HTTP["host"] == "example.com" / $HTTP["url"] =^ "/api/"', undefined, undefined, 120],
      ['else $HTTP["host"] =~ "^www\\.example\\.com$"', undefined, undefined, undefined],
      ['else $HTTP["host"] =$ ".example.net"', undefined, undefined, undefined],
      ['else', undefined, 100, undefined],
      ['$HTTP["host"] =~ "^static\\."', undefined, 2000, undefined],
      ['else $HTTP["host"] == "legacy.example.org"', 0, undefined, undefined],
      ['$HTTP["scheme"] == "http"', undefined, undefined, undefined],
      ['$HTTP["scheme"] == "http" / $REQUEST_HEADER["X-Forwarded-Proto"] == "https"', 65, undefined, undefined],
      ['$HTTP["url"] =^ "/server-status"', undefined, undefined, undefined],
      ['$HTTP["url"] =^ "/server-status" / $HTTP["remoteip"] != "127.0.0.1"', undefined, undefined, undefined],
    ])
    expect(e.conditions[1].settings['server.max-keep-alive-idle']).toEqual({value: {type: 'integer', value: 20}, file: '/srv/lighttpd/vhosts.d/10-example.conf', line: 5})
    expect(r.value.comments[1]).toEqual({file: '/srv/lighttpd/lighttpd.conf', line: 2, col: 1, text: 'conntune: ignore LIGHTTPD-KEEPALIVE-SHORT -- fixture comment read by inline ignores'})
  })

  const errorCases: Array<[string, string[]]> = [
    ['unterminated-string.conf', ['2:14 syntax: missing closing quote']],
    ['missing-brace.conf', ['6:1 syntax: missing "}": the block opened at line 2 is still open at the end of the file']],
    ['bad-operator.conf', ['2:15 syntax: only == =~ =^ =$ != !~ are allowed in a condition']],
    ['duplicate-assign.conf', ['3:1 syntax: server.max-keep-alive-idle is assigned twice in the same block (already set at /e/duplicate-assign.conf:2); use := to replace it or += to append']],
    ['include-missing.conf', ['2:1 include: include file not found: /e/does-not-exist.conf']],
    ['undefined-variable.conf', ['2:30 syntax: undefined variable var.idle']],
    ['unexpected-char.conf', ['2:13 syntax: unexpected ":" (did you mean ":="?)']],
    ['type-mismatch.conf', ['2:32 syntax: cannot combine integer with array (data type mismatch)']],
    ['unknown-field.conf', ['2:2 syntax: unknown condition field $HTTP["hostname"]']],
    ['duplicate-array-key.conf', ['2:17 syntax: duplicate array key "a"']],
    ['bom.conf', ['1:1 syntax: byte order mark (BOM): lighttpd rejects the file; save it without a BOM']],
  ]
  it.each(errorCases)('error fixture %s: file:line:col and message', (name, expected) => {
    const r = parseLighttpd(`/e/${name}`, treeReader('errors', '/e'), {version: '1.4.69'})
    expect(brief(r.errors)).toEqual(expected.map((x) => `/e/${name}:${x}`))
  })

  it('error fixture in an included file names that file', () => {
    const r = parseLighttpd('/e/include-error/main.conf', treeReader('errors', '/e'))
    expect(brief(r.errors)).toEqual(['/e/include-error/sub/bad.conf:3:15 syntax: missing closing quote'])
  })

  it('error fixture include-cycle', () => {
    const r = parseLighttpd('/e/include-cycle/a.conf', treeReader('errors', '/e'))
    expect(brief(r.errors)).toEqual(['/e/include-cycle/b.conf:2:1 include: include cycle: /e/include-cycle/a.conf -> /e/include-cycle/b.conf -> /e/include-cycle/a.conf (lighttpd recurses until it crashes)'])
  })

  it('quirk fixtures: what lighttpd 1.4.69 reads, and an error for each surprise', () => {
    const q = (name: string) => {
      const r = parseLighttpd(`/q/${name}`, treeReader('quirks', '/q'), {version: '1.4.69'})
      return {errors: brief(r.errors), e: effectiveLighttpd(r.value)}
    }
    const elseif = q('legacy-elseif.conf')
    expect(elseif.errors).toHaveLength(3)
    expect(values(elseif.e.global)['var.elseif']).toBe(30)
    expect(blocks(elseif.e)).toEqual([
      ['$HTTP["host"] == "a.example"', {'server.max-keep-alive-idle': 10}],
      ['$HTTP["host"] == "c.example"', {'server.max-keep-alive-idle': 40}],
      ['else', {'server.max-keep-alive-idle': 50}],
    ])
    const comma = q('missing-comma.conf')
    expect(comma.errors).toHaveLength(2)
    expect(values(comma.e.global)['server.max-keep-alive-requests']).toBe(100)
    const cases = q('case-merge.conf')
    expect(cases.errors).toEqual([])
    expect(blocks(cases.e)[0]).toEqual(['$HTTP["url"] =^ "/Admin"', {'server.max-keep-alive-idle': 1, 'server.max-read-idle': 2}])
  })
})
