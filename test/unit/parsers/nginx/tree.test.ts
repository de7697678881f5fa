import {inlineIncludes, parseNginx, parseNginxText, walkNginx} from '../../../../src/parsers/nginx/index.js'
import type {NginxDirective} from '../../../../src/parsers/nginx/index.js'
import {MemoryFileReader} from '../../../../src/parsers/memory-reader.js'
import {loadFixture, shape} from './helpers.js'

describe('walkNginx', () => {
  it('visits depth-first in document order with the chain of parents', () => {
    const {parsed} = parseNginxText('http { server { listen 80; } gzip on; }\nevents {}', '/t').value
    const seen: string[] = []
    walkNginx(parsed, (d, parents) => {
      seen.push([...parents.map((p) => p.directive), d.directive].join('>'))
    })
    expect(seen).toEqual(['http', 'http>server', 'http>server>listen', 'http>gzip', 'events'])
  })

  it('skips a block when the visitor returns false', () => {
    const {parsed} = parseNginxText('a { b; } c { d; }', '/t').value
    const seen: string[] = []
    walkNginx(parsed, (d) => {
      seen.push(d.directive)
      return d.directive !== 'a' && undefined
    })
    expect(seen).toEqual(['a', 'c', 'd'])
  })
})

describe('inlineIncludes', () => {
  it('replaces each include with the included directives, each keeping its file and line', () => {
    const r = parseNginx('/etc/nginx/nginx.conf', new MemoryFileReader(loadFixture('multi-site')))
    const flat = inlineIncludes(r.value)
    const http = flat.find((d) => d.directive === 'http') as NginxDirective
    expect(http.block?.some((d) => d.directive === 'include')).toBe(false)
    const upstream = http.block?.find((d) => d.directive === 'upstream' && d.args[0] === 'app_servers')
    expect(upstream).toMatchObject({file: '/etc/nginx/conf.d/upstreams.conf', line: 2})
    const servers = http.block?.filter((d) => d.directive === 'server') ?? []
    expect(servers.map((s) => s.file.split('/').pop())).toEqual([
      '00-default.conf', 'api.example.com.conf', 'app.example.com.conf', 'example.com.conf',
      'legacy-intranet', 'static.example.com.conf',
    ])
    // A snippet included in two servers appears in both.
    const statics = flat.length && servers.map((s) => s.block?.filter((d) => d.file.endsWith('static-cache.conf')).length)
    expect(statics).toEqual([0, 0, 0, 1, 0, 1])
  })

  it('leaves the parsed files untouched and keeps malformed includes', () => {
    const r = parseNginx('/n.conf', new MemoryFileReader({'/n.conf': 'a { include b.conf; }\ninclude;', '/b.conf': 'b;'}))
    expect(shape(inlineIncludes(r.value))).toEqual([['a', [['b']]], ['include']])
    expect(shape(r.value.files[0].parsed)).toEqual([['a', [['include', 'b.conf']]], ['include']])
  })

  it('expands includes at most maxIncludeDepth levels deep', () => {
    const files: Record<string, string> = {'/n.conf': 'include f1.conf;'}
    for (let i = 1; i <= 40; i++) files[`/f${i}.conf`] = `level ${i};\ninclude f${i + 1}.conf;`
    const r = parseNginx('/n.conf', new MemoryFileReader(files), {maxIncludeDepth: 100})
    expect(inlineIncludes(r.value).map((d) => d.args[0])).toEqual(Array.from({length: 32}, (_, i) => String(i + 1)))
    expect(inlineIncludes(r.value, {maxIncludeDepth: 3})).toHaveLength(3)
  })

  it('stops at the directive budget when an include graph fans out', () => {
    const files: Record<string, string> = {'/n.conf': 'include f0.conf;'}
    for (let i = 0; i < 30; i++) files[`/f${i}.conf`] = `x;\ninclude f${i + 1}.conf;\ninclude f${i + 1}.conf;`
    files['/f30.conf'] = 'leaf;'
    const r = parseNginx('/n.conf', new MemoryFileReader(files))
    expect(inlineIncludes(r.value, {maxDirectives: 10_000}).length).toBeLessThanOrEqual(10_000)
  })
})
