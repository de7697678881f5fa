import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {spawnSync} from 'node:child_process'
import {BIN, REPO, conntune, expectOneLineError, json} from './run-cli.js'

const SHOP = 'test/fixtures/repos/shop'
let tmp: string
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'ct-check-'))
})
afterAll(() => rmSync(tmp, {recursive: true, force: true}))

const ids = (r: any) => r.findings.map((f: any) => `${f.ruleId} ${f.location.text}`).sort()

describe('conntune check on a repository', () => {
  it('finds every kind of config under a directory, reports paths relative to it, and honours ignores', () => {
    const r = conntune(['check', SHOP, '--nginx-version', '1.24.0', '--format', 'json'])
    expect(r.code).toBe(1)
    const report = json(r)
    expect(ids(report)).toEqual([
      `conntune-ignore-without-reason ${SHOP}/deploy/gunicorn.conf.py:4`,
      `gunicorn-sync-worker-keepalive ${SHOP}/deploy/gunicorn.conf.py:5`,
      `lighttpd-keepalive-disabled ${SHOP}/deploy/lighttpd/lighttpd.conf:3`,
      `nginx-upstream-keepalive-missing ${SHOP}/deploy/nginx/conf.d/shop.conf:1 (keepalive not set in upstream shop_app)`,
      `sysctl-tw-recycle-dead-config ${SHOP}/deploy/sysctl.d/99-tuning.conf:3`,
    ])
    // header-exceeds (own-line ignore), keepalive-disabled (trailing ignore), fin-timeout (sysctl ignore)
    expect(report.hosts[0]).toMatchObject({source: 'files', suppressed: 3, role: 'proxy'})
    const sync = report.findings.find((f: any) => f.ruleId === 'gunicorn-sync-worker-keepalive')
    // nginx 1.24 keeps no connections to shop_app (no keepalive line), so nothing pools toward the sync worker.
    expect(sync.message).toContain('keepalive = 30')
    expect(sync.message).not.toContain('nginx keeps a pool')
    expect(report.findings.find((f: any) => f.ruleId === 'conntune-ignore-without-reason').message).toContain('has no reason, so it is not applied')
  })

  it('says the nginx version is unknown when it is', () => {
    const report = json(conntune(['check', SHOP, '--format', 'json']))
    expect(report.findings.find((f: any) => f.ruleId === 'nginx-upstream-keepalive-missing').message).toContain('the nginx version is unknown')
  })

  it('checks one named file, with --kind when its name says nothing', () => {
    const f = join(tmp, 'site.txt')
    writeFileSync(f, 'server { listen 80; keepalive_timeout 0; }\n')
    expectOneLineError(conntune(['check', f]), 2, /site\.txt: cannot tell what kind of configuration this is; name it with --kind/)
    const report = json(conntune(['check', f, '--kind', 'nginx', '--format', 'json']))
    expect(report.findings.map((x: any) => x.ruleId)).toEqual(['nginx-keepalive-disabled'])
  })

  it('reports a syntax error with file and line, keeps the rest, and exits 3 when nothing fails', () => {
    const f = join(tmp, 'broken.conf')
    writeFileSync(f, 'http {\n  server { listen 80;\n')
    const r = conntune(['check', f, '--kind', 'nginx', '--format', 'json'])
    expect(r.code).toBe(3)
    expect(json(r).hosts[0].problems[0]).toMatchObject({file: f, line: 3, message: expect.stringContaining('unexpected end of file')})
  })

  it('refuses missing paths and binary named files', () => {
    expectOneLineError(conntune(['check', join(tmp, 'nope')]), 2, /nope: no such file or directory/)
    const b = join(tmp, 'nginx.conf')
    writeFileSync(b, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2]))
    expectOneLineError(conntune(['check', b]), 2, /nginx\.conf: cannot read: binary/)
  })

  it('takes the load balancer in front into account', () => {
    const f = join(tmp, 'gunicorn.conf.py')
    writeFileSync(f, 'bind = "0.0.0.0:8000"\n')
    expect(json(conntune(['check', f, '--format', 'json'])).findings).toEqual([])
    expect(json(conntune(['check', f, '--behind', 'aws-alb', '--format', 'json'])).findings.map((x: any) => x.ruleId)).toEqual(['gunicorn-sync-worker-keepalive'])
  })
})

describe('conntune parse', () => {
  it('prints crossplane payloads for nginx with includes', () => {
    const r = conntune(['parse', 'nginx', `${SHOP}/deploy/nginx/nginx.conf`, '--format', 'crossplane'])
    expect(r.code).toBe(0)
    const p = JSON.parse(r.stdout)
    expect(p.status).toBe('ok')
    expect(p.config.map((c: any) => c.file.replace(REPO, ''))).toEqual([`${SHOP}/deploy/nginx/nginx.conf`, `${SHOP}/deploy/nginx/conf.d/shop.conf`])
    expect(p.config[0].parsed[2]).toMatchObject({directive: 'http', line: 3, block: [{directive: 'keepalive_timeout', args: ['65s']}, {directive: 'include', args: ['conf.d/*.conf'], includes: [1]}]})
  })

  it('reads nginx -T output from standard input', () => {
    const dump = `# configuration file /etc/nginx/nginx.conf:\nevents {}\nhttp { include /etc/nginx/x.conf; }\n\n# configuration file /etc/nginx/x.conf:\nserver { listen 80; }\n`
    const r = spawnSync(process.execPath, [BIN, 'parse', 'nginx', '-', '--dump'], {input: dump, encoding: 'utf8'})
    expect(r.status).toBe(0)
    expect(JSON.parse(r.stdout).files.map((f: any) => f.file)).toEqual(['/etc/nginx/nginx.conf', '/etc/nginx/x.conf'])
  })

  it('prints lighttpd effective settings and gunicorn settings from a Procfile', () => {
    const l = JSON.parse(conntune(['parse', 'lighttpd', `${SHOP}/deploy/lighttpd/lighttpd.conf`, '--effective']).stdout)
    expect(l.global['server.max-keep-alive-idle']).toMatchObject({value: {type: 'integer', value: 0}, line: 3})
    const apps = JSON.parse(conntune(['parse', 'gunicorn', `${SHOP}/Procfile`]).stdout)
    expect(apps[0]).toMatchObject({app: 'shop.wsgi:application', settings: {workers: {value: 3}}})
    expect(apps[0].unresolved).toEqual([expect.objectContaining({name: 'bind', reason: '$PORT is not known here (set at run time)'})])
  })

  it('exits 3 and names file:line:col for a syntax error', () => {
    const f = join(tmp, 'bad-nginx.conf')
    writeFileSync(f, 'events {}\nhttp { server { listen 80 }\n')
    const r = conntune(['parse', 'nginx', f])
    expect(r.code).toBe(3)
    expect(r.stderr).toMatch(new RegExp(`${f}:2:\\d+: unexpected "}"`))
  })
})
