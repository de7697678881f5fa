import {chmodSync, chownSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {conntune, expectOneLineError, json} from './run-cli.js'
import {plantedByOther} from '../../src/config/project.js'

let repo: string
beforeEach(() => {
  repo = mkdtempSync(join(tmpdir(), 'ct-project-'))
  mkdirSync(join(repo, 'deploy/nginx'), {recursive: true})
  writeFileSync(
    join(repo, 'deploy/nginx/nginx.conf'),
    'events {}\nhttp {\n  upstream api { server 10.0.2.15:3000; keepalive 32; }\n  server {\n    listen 80;\n    location / { proxy_pass http://api; proxy_http_version 1.1; proxy_set_header Connection ""; }\n  }\n}\n',
  )
})
afterEach(() => rmSync(repo, {recursive: true, force: true}))

const check = (...extra: string[]) => json(conntune(['check', join(repo, 'deploy'), '--nginx-version', '1.24.0', '--format', 'json', ...extra]))
const ids = (r: any) => r.findings.map((f: any) => f.ruleId).sort()

const asRoot = process.getuid?.() === 0

describe('a .conntune.yaml in a directory anyone may write to', () => {
  it('is passed over when another user owns it, and used when root or the user running conntune does', () => {
    const sticky = 0o41777
    expect(plantedByOther(sticky, 65534, 0)).toBe(true)
    expect(plantedByOther(sticky, 0, 1000)).toBe(false)
    expect(plantedByOther(sticky, 1000, 1000)).toBe(false)
    // Not world-writable: a checkout owned by the app user, checked by root (Docker), is its own.
    expect(plantedByOther(0o40755, 65534, 0)).toBe(false)
    expect(plantedByOther(0o40775, 65534, 0)).toBe(false)
  })

  ;(asRoot ? test : test.skip)('a file another user left in a sticky /tmp-like directory does not turn rules off (as root)', () => {
    const open = join(repo, 'open-to-all')
    mkdirSync(open)
    chmodSync(open, 0o1777)
    cpSync(join(repo, 'deploy'), join(open, 'proj/deploy'), {recursive: true})
    const planted = join(open, '.conntune.yaml')
    writeFileSync(planted, 'severity:\n  hop-unresolved-backend: "off"\n')
    chownSync(planted, 65534, 65534)
    const run = () => json(conntune(['check', join(open, 'proj/deploy'), '--nginx-version', '1.24.0', '--format', 'json']))
    expect(ids(run())).toEqual(['hop-unresolved-backend'])
    // Root's own file there is used, as is the app user's in a directory only it may write.
    chownSync(planted, 0, 0)
    expect(ids(run())).toEqual([])
    chownSync(planted, 65534, 65534)
    chmodSync(open, 0o755)
    expect(ids(run())).toEqual([])
  })
})

describe('.conntune.yaml', () => {
  it('is found by walking up from the checked paths and supplies the frontend and other hosts\' backends', () => {
    expect(ids(check())).toEqual(['hop-unresolved-backend'])
    writeFileSync(join(repo, '.conntune.yaml'), 'frontend: gcp-lb\nbackends:\n  - address: "10.0.2.15:3000"\n    kind: node\n    name: api\n    idleTimeout: 5\n')
    const r = check()
    expect(ids(r)).toEqual(['hop-backend-idle-shorter', 'nginx-keepalive-below-frontend'])
    const below = r.findings.find((f: any) => f.ruleId === 'nginx-keepalive-below-frontend')
    expect(below.message).toContain(`frontend in ${join(repo, '.conntune.yaml')}`)
    expect(r.findings.find((f: any) => f.ruleId === 'hop-backend-idle-shorter').message).toContain('node api (declared in')
  })

  it('yields to flags', () => {
    writeFileSync(join(repo, '.conntune.yaml'), 'frontend: gcp-lb\n')
    expect(ids(check('--behind', 'aws-alb'))).toEqual(['hop-unresolved-backend'])
  })

  it('overrides severities and turns rules off', () => {
    writeFileSync(join(repo, '.conntune.yaml'), 'severity:\n  hop-unresolved-backend: error\n')
    const r = conntune(['check', join(repo, 'deploy'), '--nginx-version', '1.24.0', '--format', 'json', '--fail-on', 'error'])
    expect(r.code).toBe(1)
    expect(json(r).findings[0]).toMatchObject({ruleId: 'hop-unresolved-backend', severity: 'error'})
    writeFileSync(join(repo, '.conntune.yaml'), 'severity:\n  hop-unresolved-backend: "off"\n')
    expect(check().findings).toEqual([])
  })

  it('ignores with a reason, until the ignore expires', () => {
    writeFileSync(join(repo, '.conntune.yaml'), 'ignores:\n  - rule: hop-unresolved-backend\n    file: deploy/nginx/nginx.conf\n    reason: the API team owns that service\n    expires: 2999-01-01\n')
    const r = check()
    expect(r.findings).toEqual([])
    expect(r.hosts[0].suppressed).toBe(1)
    writeFileSync(join(repo, '.conntune.yaml'), 'ignores:\n  - rule: hop-unresolved-backend\n    reason: the API team owns that service\n    expires: 2020-01-01\n')
    const expired = check()
    expect(ids(expired)).toEqual(['conntune-ignore-expired', 'hop-unresolved-backend'])
    expect(expired.findings.find((f: any) => f.ruleId === 'conntune-ignore-expired').message).toContain('expired on 2020-01-01')
  })

  it('is named with --config', () => {
    const other = join(repo, 'elsewhere.yaml')
    writeFileSync(other, 'frontend: {idleTimeout: 100}\n')
    // A bare idle timeout may be an HTTP or a TCP balancer: the pooling check applies; the
    // kernel keepalive check would need a listening socket with SO_KEEPALIVE, and none has it.
    expect(ids(check('--config', other))).toEqual(['hop-unresolved-backend', 'nginx-keepalive-below-frontend'])
  })

  it('is rejected with its file, line and field when invalid', () => {
    writeFileSync(join(repo, '.conntune.yaml'), 'frontend: gcp-lb\nbackends:\n  - address: "10.0.2.15:3000"\n    idleTimeout: 5\n')
    expectOneLineError(conntune(['check', join(repo, 'deploy')]), 2, /\.conntune\.yaml:3: invalid configuration: backends\.0: must have required property 'kind'/)
    writeFileSync(join(repo, '.conntune.yaml'), 'frontend: [unclosed\n')
    expectOneLineError(conntune(['check', join(repo, 'deploy')]), 2, /\.conntune\.yaml:\d+:\d+: invalid YAML/)
    writeFileSync(join(repo, '.conntune.yaml'), 'frontend: aws-elb\n')
    expectOneLineError(conntune(['check', join(repo, 'deploy')]), 2, /invalid configuration: frontend: must/)
  })
})
