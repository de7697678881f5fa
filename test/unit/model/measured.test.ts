import {buildHostModel} from '../../../src/model/build.js'
import {exampleSnapshot} from '../../../src/rules/example-snapshot.js'
import {isPrivateTarget, parseProbeTarget} from '../../../src/probe/probe.js'

const NGINX = 'upstream api { server 10.0.2.15:3000; keepalive 32; }\nserver { listen 80; location / { proxy_pass http://api; proxy_http_version 1.1; proxy_set_header Connection ""; } }'
const model = (measured: NonNullable<Parameters<typeof buildHostModel>[1]>['measured']) =>
  buildHostModel(exampleSnapshot({name: 'x', expect: 'pass', host: {nginx: NGINX}}), {source: 'example', nginxVersion: '1.24.0', measured})

describe('a measured backend takes the place of an unknown one', () => {
  it('uses the measured idle timeout, with where it came from', () => {
    const [hop] = model([{target: '10.0.2.15:3000', at: '2026-12-02T10:00:00.000Z', keepsAlive: true, idleSeconds: 5, waitedSeconds: 70, keepAliveHeader: 'timeout=5'}]).hops
    expect(hop.server).toMatchObject({kind: 'probed', idle: {num: 5, origin: 'measured by probe at 2026-12-02T10:00:00.000Z'}})
    expect(hop.reuse).toBe(true)
  })

  it('a backend that closes after every response turns reuse off; a failed probe changes nothing', () => {
    const [closes] = model([{target: '10.0.2.15:3000', at: 't', keepsAlive: false, idleSeconds: null, waitedSeconds: 70, keepAliveHeader: null}]).hops
    expect(closes.reuse).toBe(false)
    const [failed] = model([{target: '10.0.2.15:3000', at: 't', keepsAlive: false, idleSeconds: null, waitedSeconds: 70, keepAliveHeader: null, error: 'ECONNREFUSED'}]).hops
    expect(failed.server.kind).toBe('unknown')
  })
})

describe('probe targets', () => {
  it.each([
    ['http://127.0.0.1:8000/x', '127.0.0.1:8000', '/x', true],
    ['10.0.2.15:3000', '10.0.2.15:3000', '/', true],
    ['[::1]:80', '[::1]:80', '/', true],
    ['unix:/run/app.sock:/health', 'unix:/run/app.sock', '/health', true],
    ['http://93.184.216.34/', '93.184.216.34:80', '/', false],
    ['http://example.com/', 'example.com:80', '/', false],
  ])('%s', (raw, target, path, priv) => {
    const t = parseProbeTarget(raw)
    expect(t).toMatchObject({target, path})
    expect(isPrivateTarget(t)).toBe(priv)
  })

  it.each(['https://x/', 'ftp://x/', 'unix:relative.sock', 'host:99999', 'http://x/a b'])('refuses %s', (raw) => {
    expect(() => parseProbeTarget(raw)).toThrow(/probe target/)
  })
})
