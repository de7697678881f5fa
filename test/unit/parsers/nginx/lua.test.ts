// *_by_lua_block bodies: one opaque argument, braces balanced by a Lua-aware scan.
import {isLuaBlockDirective, parseNginxText} from '../../../../src/parsers/nginx/index.js'
import {shape} from './helpers.js'

const parse = (text: string) => parseNginxText(text, '/t.conf')

describe('Lua blocks', () => {
  it('keeps the body between the braces as one argument, verbatim', () => {
    const r = parse('content_by_lua_block {\n  ngx.say("hi")\n}\nnext_one;')
    expect(r.errors).toEqual([])
    expect(shape(r.value.parsed)).toEqual([['content_by_lua_block', '\n  ngx.say("hi")\n'], ['next_one']])
    expect(r.value.parsed[0].block).toBeUndefined()
    expect(r.value.parsed[1].line).toBe(4)
  })

  it('is not fooled by braces in strings, long strings and comments', () => {
    const body = [
      '',
      'local a = "}" .. \'}\' .. "esc \\" }"',
      'local b = [[ } ]] .. [==[ ]] } ]==]',
      '-- } line comment {',
      '--[[ } long comment ]] --[=[ { ]=]',
      'local t = { x = { y = 1 } }',
      'if a then return { } end',
      '',
    ].join('\n')
    const r = parse(`access_by_lua_block {${body}}\nafter;`)
    expect(r.errors).toEqual([])
    expect(shape(r.value.parsed)).toEqual([['access_by_lua_block', body], ['after']])
  })

  it('reads set_by_lua_block $var { } with its argument', () => {
    expect(shape(parse('set_by_lua_block $res { return 1 + 1 }').value.parsed)).toEqual([
      ['set_by_lua_block', '$res', ' return 1 + 1 '],
    ])
  })

  it('keeps line numbers right after a multi-line body', () => {
    const r = parse('init_by_lua_block {\n a = "x\ny"\n --[[\n\n]]\n}\nlisten 80;')
    expect(r.value.parsed[1]).toMatchObject({directive: 'listen', line: 8})
  })

  it('works for any *_by_lua_block name and nested in blocks', () => {
    expect(isLuaBlockDirective('ssl_client_hello_by_lua_block')).toBe(true)
    expect(isLuaBlockDirective('content_by_lua_file')).toBe(false)
    const r = parse('http { upstream u { balancer_by_lua_block { f{} } keepalive 8; } }')
    expect(shape(r.value.parsed)).toEqual([['http', [['upstream', 'u', [['balancer_by_lua_block', ' f{} '], ['keepalive', '8']]]]]])
  })

  it('spans the whole directive, body included', () => {
    const text = 'log_by_lua_block { x() } y;'
    const [d] = parse(text).value.parsed
    expect(text.slice(d.source?.start, d.source?.end)).toBe('log_by_lua_block { x() }')
  })

  it('reports an unclosed body like lua-nginx-module: at the last "{" seen', () => {
    const r = parse('content_by_lua_block {\n local t = {\n  a = 1\n')
    expect(r.errors.map((e) => `${e.line} ${e.message}`)).toEqual([
      '2 unexpected end of file, expecting terminating characters for lua code block',
    ])
    expect(r.value.parsed[0].args).toEqual(['\n local t = {\n  a = 1\n'])
    expect(parse('content_by_lua_block { s = "}').errors).toHaveLength(1)
    expect(parse('content_by_lua_block { --[[ }').errors).toHaveLength(1)
    expect(parse('content_by_lua_block { [==[ } ]=]').errors).toHaveLength(1)
  })

  it('treats the Lua-looking text of other directives as nginx syntax', () => {
    expect(shape(parse('content_by_lua \'ngx.say("}")\';').value.parsed)).toEqual([['content_by_lua', 'ngx.say("}")']])
  })
})
