import {buildHostModel, type ModelOptions} from '../../../src/model/build.js'
import {exampleSnapshot} from '../../../src/rules/example-snapshot.js'

const RE_UPSTREAM = (target: string) => `upstream app { server ${target}; keepalive 16; }\nserver { listen 80; location / { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection ""; } }`

function hops(host: {nginx?: string; gunicorn?: string; lighttpd?: string}, opts: ModelOptions = {}) {
  const m = buildHostModel(exampleSnapshot({name: 'x', expect: 'pass', host}), {source: 'example', nginxVersion: '1.24.0', ...opts})
  return m.hops
}
const upstream = (hs: ReturnType<typeof hops>) => hs.filter((h) => h.kind === 'upstream')
const gthread = (bind: string, keepalive = 5) => `bind = "${bind}"\nworker_class = "gthread"\nthreads = 4\nkeepalive = ${keepalive}\n`

describe('matching nginx upstream servers to backends', () => {
  it.each([
    ['127.0.0.1:8000', '127.0.0.1:8000'],
    ['localhost:8000', '127.0.0.1:8000'],
    ['127.0.0.1:8000', '0.0.0.0:8000'],
    ['[::1]:8000', '[::]:8000'],
    ['127.0.0.1:8000', '[::]:8000'],
    ['unix:/run/app.sock', 'unix:/run/app.sock'],
  ])('%s reaches a gunicorn bound to %s', (target, bind) => {
    const [h] = upstream(hops({nginx: RE_UPSTREAM(target), gunicorn: gthread(bind)}))
    expect(h.server).toMatchObject({kind: 'gunicorn', idle: {num: 5}})
    expect(h.reuse).toBe(true)
  })

  it.each([
    ['127.0.0.1:8001', '127.0.0.1:8000'],
    ['10.0.0.7:8000', '127.0.0.1:8000'],
    ['unix:/run/other.sock', 'unix:/run/app.sock'],
  ])('%s does not reach %s', (target, bind) => {
    const [h] = upstream(hops({nginx: RE_UPSTREAM(target), gunicorn: gthread(bind)}))
    expect(h.server.kind).toBe('unknown')
  })

  it('reaches another nginx server block on this host, with its keepalive_timeout', () => {
    const [h] = upstream(hops({nginx: `${RE_UPSTREAM('127.0.0.1:8081')}\nserver { listen 127.0.0.1:8081; keepalive_timeout 30s; }`}))
    expect(h.server).toMatchObject({kind: 'nginx', idle: {num: 30}})
  })

  it('reaches a lighttpd on this host', () => {
    const [h] = upstream(hops({nginx: RE_UPSTREAM('127.0.0.1:8082'), lighttpd: 'server.document-root = "/srv"\nserver.port = 8082\n'}))
    expect(h.server).toMatchObject({kind: 'lighttpd', idle: {num: 5}})
  })

  it('reaches a backend declared for another host', () => {
    const [h] = upstream(hops({nginx: RE_UPSTREAM('10.0.2.15:3000')}, {backends: [{address: '10.0.2.15:3000', kind: 'node', idleTimeout: 5, file: '.conntune.yaml'}]}))
    expect(h.server).toMatchObject({kind: 'declared', idle: {num: 5, origin: 'declared in .conntune.yaml'}})
  })
})

describe('whether a hop reuses idle connections', () => {
  const app = gthread('127.0.0.1:8000', 2)
  const plain = 'upstream app { server 127.0.0.1:8000; }\nserver { listen 80; location / { proxy_pass http://app; } }'

  it('nginx before 1.29.7: only with keepalive, HTTP/1.1 and Connection cleared', () => {
    expect(upstream(hops({nginx: plain, gunicorn: app}))[0]).toMatchObject({reuse: false, reuseReason: expect.stringContaining('keeps no idle connections')})
    const noHttp11 = 'upstream app { server 127.0.0.1:8000; keepalive 8; }\nserver { listen 80; location / { proxy_pass http://app; proxy_set_header Connection ""; } }'
    expect(upstream(hops({nginx: noHttp11, gunicorn: app}))[0]).toMatchObject({reuse: false, reuseReason: expect.stringContaining('HTTP/1.1')})
    expect(upstream(hops({nginx: RE_UPSTREAM('127.0.0.1:8000'), gunicorn: app}))[0]).toMatchObject({reuse: true, reuseByUpgradeDefault: false, client: {idle: {num: 60}}})
  })

  it('nginx 1.29.7 and later: by default for explicit upstreams, never for implicit ones, not with keepalive 0', () => {
    expect(upstream(hops({nginx: plain, gunicorn: app}, {nginxVersion: '1.30.0'}))[0]).toMatchObject({reuse: true, reuseByUpgradeDefault: true})
    const zero = 'upstream app { server 127.0.0.1:8000; keepalive 0; }\nserver { listen 80; location / { proxy_pass http://app; } }'
    expect(upstream(hops({nginx: zero, gunicorn: app}, {nginxVersion: '1.30.0'}))[0].reuse).toBe(false)
    const implicit = 'server { listen 80; location / { proxy_pass http://127.0.0.1:8000; } }'
    expect(upstream(hops({nginx: implicit, gunicorn: app}, {nginxVersion: '1.30.0'}))[0]).toMatchObject({reuse: false, reuseReason: expect.stringContaining('without an upstream{} block')})
  })

  it('no reuse toward the sync worker, which closes after every response', () => {
    const [h] = upstream(hops({nginx: RE_UPSTREAM('127.0.0.1:8000'), gunicorn: 'bind = "127.0.0.1:8000"\nkeepalive = 30\n'}))
    expect(h).toMatchObject({reuse: false, reuseReason: expect.stringContaining('closes after every response')})
  })

  it('takes the shortest proxy_read_timeout and gunicorn timeout along', () => {
    const nginx = 'upstream app { server 127.0.0.1:8000; }\nserver { listen 80; location /a { proxy_pass http://app; proxy_read_timeout 20s; } location /b { proxy_pass http://app; } }'
    expect(upstream(hops({nginx, gunicorn: 'bind = "127.0.0.1:8000"\ntimeout = 90\n'}))[0]).toMatchObject({proxyReadTimeout: 20, serverTimeout: {num: 90}})
  })
})

describe('frontend hops', () => {
  it('an HTTP balancer in front of nginx, one hop per deciding keepalive_timeout', () => {
    const fh = hops({nginx: 'keepalive_timeout 30s;\nserver { listen 80; }\nserver { listen 81; keepalive_timeout 90s; }'}, {behind: 'aws-alb'}).filter((h) => h.kind === 'frontend')
    expect(fh.map((h) => [h.client.idle.num, h.server.kind, h.server.idle.num])).toEqual([[60, 'nginx', 30], [60, 'nginx', 90]])
  })

  it('none behind a TCP pass-through balancer, which pools nothing', () => {
    expect(hops({nginx: 'server { listen 80; }'}, {behind: 'aws-nlb'}).filter((h) => h.kind === 'frontend')).toEqual([])
  })

  it('gunicorn faces the balancer when no proxy on the host does', () => {
    const fh = hops({gunicorn: gthread('0.0.0.0:8000', 10)}, {behind: 'heroku'})
    expect(fh).toMatchObject([{kind: 'frontend', client: {idle: {num: 90}}, server: {kind: 'gunicorn', idle: {num: 10}}, reuse: true}])
  })
})
