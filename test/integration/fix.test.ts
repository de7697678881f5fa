import {spawnSync} from 'node:child_process'
import {chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {BIN, REPO, json} from './run-cli.js'
import {applyPlan} from '../../src/fix/write.js'
import {UserError} from '../../src/errors.js'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ct-fix-'))
  chmodSync(dir, 0o755)
  cpSync(join(REPO, 'test/fixtures/repos/shop'), join(dir, 'shop'), {recursive: true})
})
afterEach(() => rmSync(dir, {recursive: true, force: true}))

// Run from the temp dir, as a user would from their checkout.
const run = (args: string[], opts: {uid?: number; gid?: number} = {}) => {
  const r = spawnSync(process.execPath, [BIN, ...args], {cwd: dir, encoding: 'utf8', env: {...process.env, NO_COLOR: '1'}, ...opts})
  return {code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr}
}
const fixedIds = ['lighttpd-keepalive-disabled', 'nginx-upstream-keepalive-missing', 'sysctl-tw-recycle-dead-config']

describe('conntune fix on a repository', () => {
  it('prints diffs that patch -p0 and git apply -p0 accept; applied, the fixed findings are gone', () => {
    const before = json(run(['check', 'shop', '--nginx-version', '1.24.0', '--format', 'json', '--fail-on', 'none']))
    for (const id of fixedIds) expect(before.findings.map((f: any) => f.ruleId)).toContain(id)
    const r = run(['fix', 'shop', '--nginx-version', '1.24.0'])
    expect(r.code).toBe(0)
    writeFileSync(join(dir, 'fix.patch'), r.stdout)
    expect(r.stdout).toMatch(/^--- shop\/deploy\/nginx\/conf\.d\/shop\.conf$/m)
    expect(spawnSync('git', ['apply', '-p0', '--check', 'fix.patch'], {cwd: dir, encoding: 'utf8'}).status).toBe(0)
    const p = spawnSync('patch', ['-p0', '-i', 'fix.patch'], {cwd: dir, encoding: 'utf8'})
    expect(p.stderr).toBe('')
    expect(p.status).toBe(0)
    const after = json(run(['check', 'shop', '--nginx-version', '1.24.0', '--format', 'json', '--fail-on', 'none']))
    for (const id of fixedIds) expect(after.findings.map((f: any) => f.ruleId)).not.toContain(id)
    expect(after.findings.filter((f: any) => f.severity === 'error')).toEqual([])
    // Fixing again changes nothing.
    const again = run(['fix', 'shop', '--nginx-version', '1.24.0'])
    expect(again.stdout).toBe('')
    expect(again.stderr).toContain('nothing to change')
  })

  it('--write applies with a backup beside each file; --out writes one patch per file', () => {
    const out = run(['fix', 'shop', '--nginx-version', '1.24.0', '--out', 'patches'])
    expect(out.stdout).toContain('wrote 3 patches to patches')
    expect(readdirSync(join(dir, 'patches')).sort()).toEqual(['shop__deploy__lighttpd__lighttpd.conf.patch', 'shop__deploy__nginx__conf.d__shop.conf.patch', 'shop__deploy__sysctl.d__99-tuning.conf.patch'])
    const conf = join(dir, 'shop/deploy/lighttpd/lighttpd.conf')
    const original = readFileSync(conf, 'utf8')
    const w = run(['fix', 'shop', '--nginx-version', '1.24.0', '--write'])
    expect(w.code).toBe(0)
    expect(w.stdout).toMatch(/changed shop\/deploy\/lighttpd\/lighttpd\.conf \(backup: .*lighttpd\.conf\.conntune-.*\.bak\)/)
    expect(readFileSync(conf, 'utf8')).toContain('server.max-keep-alive-idle = 5')
    const backup = readdirSync(join(dir, 'shop/deploy/lighttpd')).find((f) => f.endsWith('.bak'))!
    expect(readFileSync(join(dir, 'shop/deploy/lighttpd', backup), 'utf8')).toBe(original)
    expect(run(['fix', 'shop', '--nginx-version', '1.24.0', '--write']).stdout).toContain('Nothing to change.')
  })

  it('notes what it will not change: an ignore without a reason, a gunicorn command line', () => {
    const r = run(['fix', 'shop', '--nginx-version', '1.24.0', '--json'])
    expect(json(r).notes).toEqual([])
    writeFileSync(join(dir, 'shop/app.service'), '[Service]\nExecStart=/usr/bin/gunicorn -k gthread --threads 4 --keep-alive 2 -b 0.0.0.0:8000 app:app\n')
    const behind = run(['fix', join(dir, 'shop/app.service'), '--behind', 'aws-alb'])
    expect(behind.stderr).toMatch(/not changed: gunicorn-keepalive-below-frontend: .*app\.service:2: set gunicorn's keepalive to 65 on the command line/)
  })

  const asRoot = process.getuid?.() === 0
  ;(asRoot ? it : it.skip)('a file it may not write is a clear error and nothing is changed', () => {
    chmodSync(join(dir, 'shop/deploy/lighttpd'), 0o555)
    const conf = join(dir, 'shop/deploy/nginx/conf.d/shop.conf')
    const original = readFileSync(conf, 'utf8')
    const r = run(['fix', 'shop', '--nginx-version', '1.24.0', '--write'], {uid: 65534, gid: 65534})
    expect(r.code).toBe(2)
    expect(r.stderr.trim().split('\n').pop()).toMatch(/cannot write: EACCES; .*(restored|nothing was changed)/)
    expect(readFileSync(conf, 'utf8')).toBe(original)
  })
})

describe('--prefer: a hop is fixed on one side', () => {
  it('raises the backend by default (keeps reuse), or lowers nginx with --prefer proxy', () => {
    mkdirSync(join(dir, 'hop'))
    writeFileSync(join(dir, 'hop/nginx.conf'), 'events {}\nhttp {\n  upstream app { server 127.0.0.1:8000; keepalive 16; }\n  server { listen 80; location / { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection ""; } }\n}\n')
    writeFileSync(join(dir, 'hop/gunicorn.conf.py'), 'bind = "127.0.0.1:8000"\nworker_class = "gthread"\nthreads = 4\nkeepalive = 2\n')
    const backend = run(['fix', 'hop', '--nginx-version', '1.24.0']).stdout
    expect(backend).toContain('+keepalive = 65')
    expect(backend).not.toContain('nginx.conf')
    const proxy = run(['fix', 'hop', '--nginx-version', '1.24.0', '--prefer', 'proxy']).stdout
    expect(proxy).toContain('keepalive_timeout 1s;')
    expect(proxy).not.toContain('gunicorn.conf.py')
    writeFileSync(join(dir, 'fix.patch'), proxy)
    expect(spawnSync('patch', ['-p0', '-i', 'fix.patch'], {cwd: dir}).status).toBe(0)
    expect(json(run(['check', 'hop', '--nginx-version', '1.24.0', '--format', 'json'])).findings.map((f: any) => f.ruleId)).not.toContain('hop-backend-idle-shorter')
  })
})

describe('applyPlan', () => {
  const plan = (files: Record<string, [string, string]>) => ({
    before: new Map(Object.entries(files).map(([p, [b]]) => [p, b])),
    after: new Map(Object.entries(files).map(([p, [, a]]) => [p, a])),
    notes: [],
  })

  it('refuses when a file changed since it was read, and writes nothing', () => {
    const a = join(dir, 'a.conf')
    const b = join(dir, 'b.conf')
    writeFileSync(a, 'old a\n')
    writeFileSync(b, 'someone else edited this\n')
    expect(() => applyPlan(plan({[a]: ['old a\n', 'new a\n'], [b]: ['old b\n', 'new b\n']}), (p) => p, {existed: () => true})).toThrow(/b\.conf: changed since it was read; nothing was changed/)
    expect(readFileSync(a, 'utf8')).toBe('old a\n')
  })

  it('restores what it already wrote when a later write fails (a disk error)', () => {
    const a = join(dir, 'a.conf')
    writeFileSync(a, 'old a\n')
    const gone = join(dir, 'gone')
    mkdirSync(gone)
    const b = join(gone, 'b.conf')
    writeFileSync(b, 'old b\n')
    // Between the check and the write, b's directory vanishes: its write fails.
    let checks = 0
    const onDisk = (p: string) => {
      if (p === b && ++checks === 2) rmSync(gone, {recursive: true})
      return p
    }
    expect(() => applyPlan(plan({[a]: ['old a\n', 'new a\n'], [b]: ['old b\n', 'new b\n']}), onDisk, {existed: () => true, stamp: 't'})).toThrow(UserError)
    expect(readFileSync(a, 'utf8')).toBe('old a\n')
  })
})
