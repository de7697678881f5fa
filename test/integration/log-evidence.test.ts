import {chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {HOSTS, conntune, json} from './run-cli.js'

// A host tree with nginx in front of a backend conntune has no config for, and nginx's error
// log holding the keep-alive race toward it (lines in nginx's own format).
let root: string
const line = (n: number, method: string) =>
  `2026/12/02 10:00:${String(n).padStart(2, '0')} [error] 812#812: *${n} upstream prematurely closed connection while reading response header from upstream, client: 10.0.0.1, server: _, request: "${method} /x HTTP/1.1", upstream: "http://10.0.2.15:3000/x", host: "shop"`

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'h12-ev-'))
  chmodSync(root, 0o755)
  cpSync(join(HOSTS, 'clean'), root, {recursive: true})
  mkdirSync(join(root, 'etc/nginx'), {recursive: true})
  writeFileSync(join(root, 'etc/nginx/nginx.conf'), 'events {}\nerror_log /var/log/nginx/error.log;\nhttp {\n  upstream api { server 10.0.2.15:3000; keepalive 32; }\n  server { listen 80; location / { proxy_pass http://api; proxy_http_version 1.1; proxy_set_header Connection ""; } }\n}\n')
  mkdirSync(join(root, 'var/log/nginx'), {recursive: true})
  const lines = [line(1, 'GET'), line(2, 'POST'), '2026/12/02 10:00:03 [notice] 812#812: signal process started', line(4, 'GET'), '\u0000garbage']
  writeFileSync(join(root, 'var/log/nginx/error.log.1'), `${line(0, 'GET')}\n`)
  writeFileSync(join(root, 'var/log/nginx/error.log'), `${lines.slice(0, 4).join('\n')}\n`)
})
afterAll(() => rmSync(root, {recursive: true, force: true}))

describe('audit reads nginx logs as evidence', () => {
  it('counts the race toward the backend, raises hop-unresolved-backend to warning and fires hop-race-observed', () => {
    const r = conntune(['audit', '--root', root, '--role', 'proxy', '--since', '2026-12-01T00:00:00Z', '--format', 'json'])
    const report = json(r)
    const race = report.findings.find((f: any) => f.ruleId === 'hop-race-observed')
    // error.log.1 (1) + error.log (3) race lines.
    expect(race).toMatchObject({severity: 'warning', evidence: {'race signatures': 4, 'on non-idempotent requests': 1}})
    expect(race.message).toContain('4 keep-alive race signature(s) (premature close 4; 1 on non-idempotent requests')
    expect(race.message).toContain('toward 10.0.2.15:3000 since 2026-12-01T00:00:00.000Z')
    expect(report.findings.find((f: any) => f.ruleId === 'hop-unresolved-backend')).toMatchObject({severity: 'warning'})
    expect(report.hosts[0].logs.files).toContainEqual({file: '/var/log/nginx/error.log', kind: 'error', matched: 4, inWindow: 4})
    // No access_log line: nginx's compiled-in default, which this tree does not have.
    expect(report.hosts[0].logs.files).toContainEqual({file: '/usr/local/nginx/logs/access.log', kind: 'access', matched: 0, inWindow: 0, error: 'ENOENT'})
  })

  it('a window after the lines shows none', () => {
    const report = json(conntune(['audit', '--root', root, '--role', 'proxy', '--since', '2026-12-02T10:00:05Z', '--format', 'json']))
    expect(report.findings.map((f: any) => f.ruleId)).not.toContain('hop-race-observed')
    expect(report.findings.find((f: any) => f.ruleId === 'hop-unresolved-backend')).toMatchObject({severity: 'info'})
  })

  it('a binary log is a note, not a failure; a bad --since is one line, exit 2', () => {
    writeFileSync(join(root, 'var/log/nginx/error.log'), Buffer.from('\u0000\u0001binary\n'))
    const r = conntune(['audit', '--root', root, '--role', 'proxy', '--format', 'json'])
    expect(r.code).not.toBe(2)
    expect(json(r).hosts[0].logs.notes.join('\n')).toMatch(/error\.log: not read \(binary/)
    const bad = conntune(['audit', '--root', root, '--since', 'yesterday'])
    expect(bad.code).toBe(2)
    expect(bad.stderr.trim().split('\n')).toHaveLength(1)
  })
})
