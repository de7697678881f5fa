// Every fixture in test/fixtures/nginx parses as manifest.json says nginx takes it
// (the real test asks the installed nginx the same questions).
import {inlineIncludes, parseNginx, toCrossplane, walkNginx} from '../../../../src/parsers/nginx/index.js'
import {MemoryFileReader} from '../../../../src/parsers/memory-reader.js'
import {ROOT, loadFixture, manifest} from './helpers.js'

const parseFixture = (name: string) => parseNginx(`${ROOT}/nginx.conf`, new MemoryFileReader(loadFixture(name)))

describe.each(Object.entries(manifest()))('fixture %s', (name, info) => {
  it(info.kind === 'error' ? 'fails first where nginx does' : 'parses without errors', () => {
    const r = parseFixture(name)
    if (info.kind === 'error') {
      const first = r.errors[0]
      expect({file: first.file, line: first.line, message: first.message}).toEqual({
        file: `${ROOT}/${info.expect?.file}`,
        line: info.expect?.line,
        message: info.expect?.message.replace('/etc/nginx/', `${ROOT}/`),
      })
    } else {
      expect(r.errors.map(String)).toEqual([])
      expect(toCrossplane(r).status).toBe('ok')
    }
  })
})

describe('fixture contents', () => {
  it('debian-default: three files, mime types and the default site', () => {
    const r = parseFixture('debian-default')
    expect(r.value.files.map((f) => f.file)).toEqual([
      '/etc/nginx/nginx.conf', '/etc/nginx/mime.types', '/etc/nginx/sites-enabled/default',
    ])
    expect(r.value.files[0].comments.some((c) => c.text.includes('multi_accept on;'))).toBe(true)
    const types = r.value.files[1].parsed[0]
    expect(types.block?.find((d) => d.directive === 'text/html')?.args).toEqual(['html', 'htm', 'shtml'])
  })

  it('reverse-proxy: upstream keepalive settings with their lines', () => {
    const flat = inlineIncludes(parseFixture('reverse-proxy').value)
    const found: string[] = []
    walkNginx(flat, (d, parents) => {
      if (parents.some((p) => p.directive === 'upstream') && d.directive.startsWith('keepalive')) {
        found.push(`${parents[parents.length - 1].args[0]} ${d.directive} ${d.args.join(' ')} @${d.line}`)
      }
    })
    expect(found).toEqual([
      'gunicorn_app keepalive 32 @35',
      'gunicorn_app keepalive_requests 1000 @36',
      'gunicorn_app keepalive_timeout 60s @37',
      'php keepalive 4 @42',
    ])
  })

  it('lua-openresty: every Lua body is one argument', () => {
    const lua: string[] = []
    walkNginx(parseFixture('lua-openresty').value.files[0].parsed, (d) => {
      if (d.directive.endsWith('_by_lua_block')) lua.push(`${d.directive}/${d.args.length}`)
    })
    expect(lua).toEqual([
      'init_by_lua_block/1', 'init_worker_by_lua_block/1', 'balancer_by_lua_block/1', 'access_by_lua_block/1',
      'content_by_lua_block/1', 'set_by_lua_block/2', 'header_filter_by_lua_block/1', 'body_filter_by_lua_block/1',
      'log_by_lua_block/1',
    ])
  })

  it('maps-geo-if: escapes come out as nginx has them', () => {
    const all: Array<[string, string[]]> = []
    walkNginx(parseFixture('maps-geo-if').value.files[0].parsed, (d) => {
      all.push([d.directive, d.args])
    })
    const get = (name: string) => all.filter(([n]) => n === name).map(([, a]) => a)
    expect(get('add_header')).toEqual([['X-Tab', 'a\tb'], ['X-Quote', "it's"]])
    expect(get('return').pop()).toEqual(['200', 'line\nnext "quoted" back\\slash \\d'])
    expect(get('set')).toEqual([['$frag', 'foo#not-a-comment'], ['$glued', '${site}_suffix']])
  })
})
