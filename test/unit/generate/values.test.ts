// The aligned values, as properties over every preset, backend kind and version: each server
// keeps idle connections longer than its client, and the kernel settings follow the role.
import {computeValues, type Profile} from '../../../src/generate/values.js'
import {generate} from '../../../src/generate/render.js'
import {FRONTEND_PRESETS} from '../../../src/model/frontends.js'
import {UserError} from '../../../src/errors.js'

const PRESETS = [...Object.keys(FRONTEND_PRESETS), 'none']
const KINDS = ['gunicorn', 'uvicorn', 'node'] as const
const VERSIONS = ['1.22.1', '1.30.0', undefined]

describe('computeValues: the path lines up', () => {
  for (const behind of PRESETS) {
    for (const kind of KINDS) {
      for (const nginxVersion of VERSIONS) {
        it(`${behind} → nginx ${nginxVersion ?? '(any)'} → ${kind}`, () => {
          const v = computeValues('nginx', {behind, backend: `${kind}@127.0.0.1:8000`, nginxVersion})
          const f = FRONTEND_PRESETS[behind]
          // balancer → nginx: only a pooling balancer constrains nginx's client timeout.
          if (f?.pools) expect(v.nginx.clientKeepaliveTimeout.value).toBeGreaterThan(f.idleTimeout)
          else expect(v.nginx.clientKeepaliveTimeout.value).toBe(75)
          expect(v.nginx.clientKeepaliveTimeout.why).toContain(`${v.nginx.clientKeepaliveTimeout.value} s`)
          // nginx pool → backend: the backend keeps idle connections longer.
          expect(v.nginx.upstreamKeepaliveTimeout.value).toBeGreaterThan(0)
          expect(v.backend.idleTimeout.value).toBeGreaterThan(v.nginx.upstreamKeepaliveTimeout.value)
          expect(v.nginx.proxyReadTimeout.value).toBeGreaterThanOrEqual(v.gunicorn.timeout.value)
          // keep-alive boilerplate exactly where the version needs it.
          expect(v.nginx.needsKeepaliveBoilerplate).toBe(nginxVersion !== '1.30.0')
          expect(v.nginx.upstreamKeepalive.value).toBe(nginxVersion === '1.30.0' ? null : 32)
          if (kind === 'gunicorn') {
            expect(v.nginx.upstreamKeepaliveTimeout.value).toBe(60)
            expect(v.backend.idleTimeout.value).toBe(65)
            expect(v.backend.declare).toBeNull()
          } else {
            expect(v.backend.idleTimeout.value).toBe(5)
            expect(v.nginx.upstreamKeepaliveTimeout.value).toBe(4)
            expect(v.backend.declare).toContain(`kind: ${kind}, idleTimeout: 5`)
            expect(v.backend.raiseHint).toContain('--backend-idle-timeout 65')
          }
        })
      }
    }
  }

  it('a raised uvicorn/node idle timeout lets nginx keep its default pool timeout', () => {
    const v = computeValues('nginx', {backend: 'node@127.0.0.1:3000', backendIdleTimeout: 65})
    expect([v.nginx.upstreamKeepaliveTimeout.value, v.backend.idleTimeout.value, v.backend.raiseHint]).toEqual([60, 65, null])
  })

  it('a custom --lb-idle-timeout counts as a pooling balancer', () => {
    const v = computeValues('nginx', {lbIdleTimeout: 120})
    expect(v.nginx.clientKeepaliveTimeout.value).toBeGreaterThan(120)
    expect(v.path[0]).toMatch(/idle 120 s/)
  })
})

describe('computeValues: gunicorn fits whichever client it has', () => {
  for (const behind of PRESETS) {
    it(behind, () => {
      const f = FRONTEND_PRESETS[behind]
      const behindNginx = computeValues('gunicorn', {behind, role: 'proxy'}).gunicorn
      const direct = computeValues('gunicorn', {behind, role: 'server'}).gunicorn
      const either = computeValues('gunicorn', {behind}).gunicorn
      for (const g of [behindNginx, direct, either]) {
        expect(g.workerClass.value).toBe('gthread')
        expect(g.timeout.value).toBeLessThanOrEqual(60)
      }
      expect(behindNginx.keepalive.value).toBe(65)
      expect(direct.keepalive.value).toBe(f?.pools ? f.recommendedBackendIdle : 5)
      if (f?.pools) expect(direct.keepalive.value).toBeGreaterThan(f.idleTimeout)
      expect(either.keepalive.value).toBe(Math.max(behindNginx.keepalive.value, direct.keepalive.value))
    })
  }
})

describe('computeValues: sysctl for the role', () => {
  const keys = (p: Profile) => Object.fromEntries(computeValues('sysctl', p).sysctl.entries.map((e) => [e.key, e.value]))
  it('a proxy reuses TIME_WAIT ports (with timestamps) and gets a wider port range; never recycle, never fewer buckets', () => {
    for (const behind of PRESETS) {
      const k = keys({behind, role: 'proxy'})
      expect(k).toMatchObject({'net.ipv4.tcp_tw_reuse': '1', 'net.ipv4.tcp_timestamps': '1', 'net.ipv4.ip_local_port_range': '16384 65535'})
      expect(Object.keys(k).filter((x) => /tw_recycle|max_tw_buckets|fin_timeout/.test(x))).toEqual([])
    }
  })
  it('a server gets nothing about tw_reuse', () => {
    for (const behind of PRESETS) expect(Object.keys(keys({behind, role: 'server'})).filter((x) => /tw_reuse|timestamps|port_range/.test(x))).toEqual([])
    expect(computeValues('sysctl', {role: 'server'}).sysctl.notes.join('\n')).toMatch(/tcp_tw_reuse is not set/)
  })
  it('keepalive probes come before a flow-tracking middlebox forgets the flow, and only then', () => {
    for (const behind of PRESETS) {
      const f = FRONTEND_PRESETS[behind]
      const k = keys({behind, role: 'server'})
      if (f?.tracksFlows) {
        expect(Number(k['net.ipv4.tcp_keepalive_time'])).toBeLessThan(f.idleTimeout)
        expect(Number(k['net.ipv4.tcp_keepalive_time']) + 3 * Number(k['net.ipv4.tcp_keepalive_intvl'])).toBeLessThanOrEqual(f.idleTimeout)
      } else expect(k['net.ipv4.tcp_keepalive_time']).toBeUndefined()
    }
    expect(keys({role: 'proxy', natIdleTimeout: 350, behind: 'azure-lb'})['net.ipv4.tcp_keepalive_time']).toBe('180')
    expect(keys({role: 'proxy', natIdleTimeout: 60})['net.ipv4.tcp_keepalive_time']).toBe('30')
  })
  it('reserves listening ports that fall inside the widened range', () => {
    expect(keys({role: 'proxy', listen: '18080', backend: 'gunicorn@127.0.0.1:18000'})['net.ipv4.ip_local_reserved_ports']).toBe('18000,18080')
    expect(keys({role: 'proxy', backend: 'gunicorn@127.0.0.1:8000'})['net.ipv4.ip_local_reserved_ports']).toBeUndefined()
  })
  it('defaults the role from --backend', () => {
    expect(computeValues('sysctl', {backend: 'node@10.0.0.2:3000'}).sysctl.role).toBe('proxy')
    expect(computeValues('sysctl', {}).sysctl.role).toBe('server')
  })
})

describe('invalid profiles are user errors naming the flag', () => {
  const bad: Array<[Profile, RegExp, string?]> = [
    [{backend: 'apache@127.0.0.1:80'}, /--backend apache@127.0.0.1:80: unknown backend kind "apache"/],
    [{backend: 'node@127.0.0.1'}, /--backend node@127.0.0.1: the address is HOST:PORT/],
    [{backend: 'node@127.0.0.1:70000'}, /HOST:PORT/],
    [{backend: 'gunicorn@unix:/run/a b.sock'}, /unix:\/absolute\/path/],
    [{listen: 'eighty'}, /--listen eighty/],
    [{nginxVersion: 'latest'}, /--nginx-version latest/],
    [{behind: 'aws-elb'}, /--behind aws-elb: unknown load balancer/],
    [{backend: 'gunicorn@127.0.0.1:8000', backendIdleTimeout: 30}, /--backend-idle-timeout is for backends/],
    [{backend: 'node@127.0.0.1:3000', backendIdleTimeout: 1}, /--backend-idle-timeout 1/],
    [{backend: 'uvicorn@127.0.0.1:8000'}, /generate gunicorn needs a gunicorn backend/, 'gunicorn'],
    [{documentRoot: 'www'}, /--document-root www/],
  ]
  for (const [p, msg, kind] of bad) {
    it(JSON.stringify(p), () => {
      expect(() => computeValues((kind ?? 'nginx') as 'nginx', p)).toThrow(UserError)
      expect(() => computeValues((kind ?? 'nginx') as 'nginx', p)).toThrow(msg)
    })
  }
  it('accepts the address forms nginx and gunicorn share', () => {
    for (const a of ['gunicorn@unix:/run/app.sock', 'node@[::1]:3000', 'uvicorn@localhost:8000', '127.0.0.1:8000']) {
      expect(computeValues('nginx', {backend: a}).backend.address).toBe(a.replace(/^\w+@/, ''))
    }
  })
})

describe('rendering', () => {
  it('nginx before 1.29.7 gets the three keep-alive pieces; 1.30 gets none, and says why', async () => {
    const old = (await generate('nginx', {behind: 'aws-alb', nginxVersion: '1.22.1'})).text
    expect(old).toMatch(/^\s+keepalive 32;$/m)
    expect(old).toMatch(/^\s+proxy_http_version 1\.1;$/m)
    expect(old).toMatch(/^\s+proxy_set_header Connection "";$/m)
    expect(old).toMatch(/# 65 s > aws-alb \(idle 60 s\): the balancer/)
    const modern = (await generate('nginx', {behind: 'aws-alb', nginxVersion: '1.30.0'})).text
    expect(modern).not.toMatch(/^\s+(keepalive \d+|proxy_http_version|proxy_set_header Connection)/m)
    expect(modern).toMatch(/nginx 1\.30\.0 >= 1\.29\.7: an upstream\{\} block keeps idle connections by default/)
    for (const t of [old, modern]) {
      expect(t).toMatch(/^\s+keepalive_timeout 60s;$/m)
      expect(t).toMatch(/^\s+keepalive_timeout 65s;$/m)
      expect(t).toMatch(/^\s+proxy_read_timeout 60s;$/m)
      expect(t.endsWith('}\n')).toBe(true)
    }
  })
  it('every directive line of every output is preceded by its reason', async () => {
    const cases: Array<['nginx' | 'gunicorn' | 'lighttpd' | 'sysctl', RegExp]> = [
      ['gunicorn', /^(worker_class|threads|keepalive|timeout) = /],
      ['lighttpd', /^server\.max-keep-alive/],
      ['sysctl', /^net\./],
    ]
    for (const [kind, directive] of cases) {
      const lines = (await generate(kind, {behind: 'aws-nlb', role: 'proxy'})).text.split('\n')
      const hits = lines.map((l, i) => [l, lines[i - 1]] as const).filter(([l]) => directive.test(l))
      expect(hits.length).toBeGreaterThan(0)
      for (const [l, prev] of hits) expect([l, prev]).toEqual([l, expect.stringMatching(/^# \S/)])
    }
  })
  it('sysctl comments sit on their own lines (sysctl.d has no trailing comments)', async () => {
    const t = (await generate('sysctl', {behind: 'aws-nlb', role: 'proxy', natIdleTimeout: 300})).text
    for (const l of t.split('\n').filter((x) => /^net\./.test(x))) expect(l).toMatch(/^[\w.]+ = [\d ,]+$/)
  })
  it('the output is the same for the same profile (no dates), and names the command that made it', async () => {
    const p: Profile = {behind: 'heroku', backend: 'node@127.0.0.1:3000', nginxVersion: '1.22.1'}
    const a = await generate('nginx', p)
    expect((await generate('nginx', p)).text).toBe(a.text)
    expect(a.text.split('\n')[0]).toBe('# Generated by: conntune generate nginx --behind heroku --backend node@127.0.0.1:3000 --nginx-version 1.22.1')
  })
})
