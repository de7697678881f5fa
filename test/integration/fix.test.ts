import {spawnSync} from 'node:child_process'
import {chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {BIN, HOSTS, REPO, json} from './run-cli.js'
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

  it('refuses flag combinations that would do something else than asked, before reading anything', () => {
    // --apply-sysctl changes this host's kernel: never for a repository or a --root tree.
    const repo = run(['fix', 'shop', '--write', '--apply-sysctl'])
    expect({code: repo.code, stderr: repo.stderr}).toEqual({code: 2, stderr: "conntune: --apply-sysctl loads the drop-in into this host's kernel: it needs --write on this host (no PATHs, no --root)\n"})
    expect(run(['fix', '--root', join(dir, 'shop'), '--write', '--apply-sysctl']).code).toBe(2)
    const noWrite = run(['fix', '--apply-sysctl'])
    expect(noWrite.code).toBe(2)
    expect(noWrite.stderr).toContain('--apply-sysctl: --write')
    const both = run(['fix', 'shop', '--write', '--out', 'patches'])
    expect(both.code).toBe(2)
    expect(both.stderr).toContain('cannot also be provided when using --out')
    // A baseline filters reports; fix has none, so it does not pretend to take one.
    expect(run(['fix', 'shop', '--baseline', 'b.json']).stderr).toContain('Nonexistent flag: --baseline')
    expect(readdirSync(join(dir, 'shop/deploy/lighttpd')).filter((f) => f.endsWith('.bak'))).toEqual([])
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

// Convergence on whole hosts: `fix --write`, then what `sysctl --system` does (the drop-in's
// values become the running ones), then audit again. A fixed finding is gone, no new warning or
// error appears, and fixing again changes nothing.
describe('fix on the fixture hosts converges', () => {
  /** Findings a file cannot fix: observed sockets (the traffic decides) and a since-boot counter. */
  const NOT_BY_CONFIG = new Set(['sockets-close-wait-leak', 'sockets-server-closes-first', 'sysctl-tw-buckets-overflow'])
  const hosts = readdirSync(HOSTS, {withFileTypes: true}).filter((e) => e.isDirectory()).map((e) => e.name)

  for (const host of hosts) {
    it(host, () => {
      const root = join(dir, host)
      cpSync(join(HOSTS, host), root, {recursive: true})
      const findings = (r: ReturnType<typeof run>) => json(r).findings.map((f: any) => `${f.severity} ${f.ruleId}`).sort()
      const before = findings(run(['audit', '--root', root, '--json', '--fail-on', 'none']))
      const w = run(['fix', '--root', root, '--write'])
      expect(w.stderr.replace(/^conntune: (wrote .*90-conntune\.conf; load it with .*|not changed: .*)\n/gm, '')).toBe('')
      expect(w.code).toBe(0)
      const dropIn = join(root, 'etc/sysctl.d/90-conntune.conf')
      if (existsSync(dropIn)) {
        for (const line of readFileSync(dropIn, 'utf8').split('\n')) {
          const m = /^([\w.]+) = (.*)$/.exec(line)
          if (m) writeFileSync(join(root, 'proc/sys', m[1].replaceAll('.', '/')), `${m[2].replace(/ +/g, '\t')}\n`)
        }
      }
      const after = findings(run(['audit', '--root', root, '--json', '--fail-on', 'none']))
      expect(after.filter((f: string) => !NOT_BY_CONFIG.has(f.split(' ')[1]) && !f.startsWith('info '))).toEqual([])
      // Nothing new (a finding may drop in severity: fewer TIME_WAIT overflows make observed ones info).
      const ruleIds = new Set(before.map((f: string) => f.split(' ')[1]))
      expect(after.filter((f: string) => !ruleIds.has(f.split(' ')[1]))).toEqual([])
      // Backups are dot-files beside what changed, so include globs never load them.
      for (const line of w.stdout.split('\n').filter((l) => l.includes('(backup: '))) expect(line).toMatch(/\(backup: .*\/\.[^/]+\.conntune-[^/]+\.bak\)$/)
      expect(run(['fix', '--root', root, '--write']).stdout.trim()).toBe('Nothing to change.')
    })
  }

  it('web-stack: enabling nginx upstream keep-alive also raises the gunicorn keepalive it would now outlive', () => {
    const root = join(dir, 'ws')
    cpSync(join(HOSTS, 'web-stack'), root, {recursive: true})
    const patch = run(['fix', '--root', root]).stdout
    expect(patch).toContain('+        proxy_http_version 1.1;')
    expect(patch).toMatch(/^\+\+\+ \/srv\/app\/gunicorn\.conf\.py\n[^]*^\+keepalive = 65/m)
  })

  it('creates a missing /etc/sysctl.d for the drop-in, and removes it again when the fix is rolled back', () => {
    const root = join(dir, 'lr')
    cpSync(join(HOSTS, 'legacy-recycle'), root, {recursive: true})
    expect(existsSync(join(root, 'etc/sysctl.d'))).toBe(false)
    expect(run(['fix', '--root', root, '--write']).code).toBe(0)
    expect(readFileSync(join(root, 'etc/sysctl.d/90-conntune.conf'), 'utf8')).toContain('net.ipv4.tcp_tw_recycle = 0')
    // Rollback: the new file in a new directory is written, then a later write fails.
    const fresh = join(dir, 'fresh/sysctl.d/90-conntune.conf')
    const blocked = join(dir, 'blocked.conf')
    writeFileSync(blocked, 'old\n')
    const p = {before: new Map([[blocked, 'old\n']]), after: new Map([[fresh, 'new\n'], [blocked, 'new\n']]), notes: []}
    // The check finds blocked.conf as read; by the time it is written, its directory is gone.
    let calls = 0
    const onDisk = (x: string) => (x === blocked && ++calls === 2 ? join(dir, 'gone/blocked.conf') : x)
    expect(() => applyPlan(p, onDisk, {existed: (x) => x === blocked})).toThrow(/blocked\.conf: cannot write: ENOENT; the 1 file\(s\) already written were restored/)
    expect(existsSync(join(dir, 'fresh'))).toBe(false)
    expect(readFileSync(blocked, 'utf8')).toBe('old\n')
  })
})
