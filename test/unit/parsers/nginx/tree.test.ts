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

describe('include budget (hostile include graphs)', () => {
  // Files that each `include d/*.conf;` hold no directive but include: the expansion is
  // factorial in the number of files and only counting includes stops it.
  const allIncludeAll = (n: number): Record<string, string> => {
    const files: Record<string, string> = {'/e/nginx.conf': 'include d/*.conf;\n'}
    for (let i = 1; i <= n; i++) files[`/e/d/${String(i).padStart(2, '0')}.conf`] = 'include d/*.conf;\n'
    return files
  }

  it('counts include expansions against the budget and names the chain', () => {
    const r = parseNginx('/e/nginx.conf', new MemoryFileReader(allIncludeAll(14)))
    const cuts: Array<{limit: number; chain: string[]}> = []
    inlineIncludes(r.value, {maxDirectives: 50_000, onTruncate: (limit, chain) => cuts.push({limit, chain})})
    expect(cuts).toHaveLength(1)
    expect(cuts[0].limit).toBe(50_000)
    expect(cuts[0].chain[0]).toBe('/e/nginx.conf')
    expect(cuts[0].chain.length).toBeGreaterThan(2)
  })

  it('stops a wide glob at the depth limit too (skipped includes cost)', () => {
    const r = parseNginx('/e/nginx.conf', new MemoryFileReader(allIncludeAll(60)), {maxIncludeDepth: 3})
    let cut = false
    inlineIncludes(r.value, {maxDirectives: 20_000, maxIncludeDepth: 3, onTruncate: () => (cut = true)})
    expect(cut).toBe(true)
  })

  it('parseNginx bounds include edges in all, with one limit error', () => {
    const r = parseNginx('/e/nginx.conf', new MemoryFileReader(allIncludeAll(40)), {maxIncludeEdges: 500})
    const limits = r.errors.filter((e) => e.kind === 'limit')
    expect(limits).toHaveLength(1)
    expect(limits[0].message).toMatch(/more than 500 includes in all/)
  })
})
