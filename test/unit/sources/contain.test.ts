// Issue 10 items 3 and 11.4: `conntune check` reads nothing outside the checked tree.
import {mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {collectFiles} from '../../../src/sources/files.js'
import {auditSnapshots} from '../../../src/pipeline/audit.js'
import {parseSysctlConf} from '../../../src/parsers/sysctl/index.js'
import {excerpt} from '../../../src/parsers/excerpt.js'

const KEY = [
  '-----BEGIN OPENSSH PRIVATE KEY-----',
  'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW',
  'QyNTUxOQAAACDx1o2YQmZr9xF3k2c0aGVsbG93b3JsZGhlbGxvd29ybGQAAAAAAAAAAAAA',
  '-----END OPENSSH PRIVATE KEY-----',
  '',
].join('\n')

let dir: string
let repo: string
let outside: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'h10-contain-'))
  repo = join(dir, 'repo')
  outside = join(dir, 'home')
  mkdirSync(join(repo, 'sysctl.d'), {recursive: true})
  mkdirSync(join(outside, '.ssh'), {recursive: true})
  writeFileSync(join(outside, '.ssh', 'id_ed25519'), KEY)
  writeFileSync(join(repo, 'sysctl.d', '10-net.conf'), 'net.ipv4.tcp_tw_reuse = 1\n')
})
afterEach(() => rmSync(dir, {recursive: true, force: true}))

const collect = (paths: string[], extra: object = {}) => collectFiles(paths, {toolVersion: 'test', cwd: repo, ...extra})

describe('check reads only inside the checked tree', () => {
  test('a sysctl.d link to a private key outside the repo is skipped, listed, and not read', () => {
    symlinkSync(join(outside, '.ssh', 'id_ed25519'), join(repo, 'sysctl.d', '97.conf'))
    const checked = collect(['.'])
    const texts = JSON.stringify(checked.snapshot)
    expect(texts).not.toContain('b3BlbnNzaC1rZXkt')
    expect(Object.keys(checked.snapshot.files).some((p) => p.includes('id_ed25519') || p.endsWith('97.conf'))).toBe(false)
    expect(checked.skipped).toEqual([{file: join(repo, 'sysctl.d', '97.conf'), reason: expect.stringMatching(/leaves the checked tree/)}])
  })

  test('a relative link climbing out of the repo is refused as well', () => {
    symlinkSync('../../home/.ssh/id_ed25519', join(repo, 'sysctl.d', '97.conf'))
    expect(collect(['.']).skipped.map((s) => s.reason)).toEqual([expect.stringMatching(/leaves the checked tree/)])
  })

  test('naming such a link is an invalid input, not a read', () => {
    symlinkSync(join(outside, '.ssh', 'id_ed25519'), join(repo, 'sysctl.d', '97.conf'))
    expect(() => collect(['sysctl.d/97.conf'])).toThrow(/outside the checked tree/)
  })

  test('a link that stays inside the repo is followed', () => {
    symlinkSync('10-net.conf', join(repo, 'sysctl.d', '20-same.conf'))
    const checked = collect(['.'])
    expect(checked.snapshot.files[join(repo, 'sysctl.d', '20-same.conf')]?.text).toContain('tcp_tw_reuse')
    expect(checked.skipped).toEqual([])
  })

  test('a key file inside the tree is not read as text', () => {
    writeFileSync(join(repo, 'sysctl.d', '98.conf'), KEY)
    const checked = collect(['.'])
    expect(JSON.stringify(checked.snapshot)).not.toContain('b3BlbnNzaC1rZXkt')
    expect(checked.skipped.map((s) => s.file)).toEqual([join(repo, 'sysctl.d', '98.conf')])
  })
})

describe('unparsable lines are quoted short, and never when not text', () => {
  test('a base64 line of a key is not echoed', () => {
    const r = parseSysctlConf(KEY.split('\n').slice(1, 3).join('\n') + '\n', '/x.conf')
    expect(r.errors.length).toBe(2)
    for (const e of r.errors) {
      expect(e.message).not.toContain('b3BlbnNz')
      expect(e.message).toMatch(/\d+ bytes of non-text content/)
    }
  })

  test('an ordinary bad line is cut to a short excerpt', () => {
    const r = parseSysctlConf(`${'just some words '.repeat(10)}\n`, '/x.conf')
    expect(r.errors[0].message.length).toBeLessThan(120)
    expect(r.errors[0].message).toContain('just some words')
  })

  test('non-UTF-8 and control bytes are not quoted', () => {
    expect(excerpt(Buffer.from([0x61, 0xff, 0xfe, 0x62]).toString('utf8'))).toMatch(/bytes of non-text content/)
    expect(excerpt('a\x1b[2Jb')).toMatch(/bytes of non-text content/)
    expect(excerpt('net.ipv4.tcp_fin_timeout 30')).toBe('net.ipv4.tcp_fin_timeout 30')
  })
})

describe('absolute includes: --map, --root, or reported unresolved', () => {
  const nginxConf = 'events {}\nhttp {\n    include /etc/nginx/conf.d/*.conf;\n    include /etc/nginx/extra.conf;\n}\n'
  beforeEach(() => {
    mkdirSync(join(repo, 'deploy', 'nginx', 'conf.d'), {recursive: true})
    writeFileSync(join(repo, 'deploy', 'nginx', 'nginx.conf'), nginxConf)
    writeFileSync(join(repo, 'deploy', 'nginx', 'conf.d', 'app.conf'), 'server {\n    listen 8080;\n    keepalive_timeout 75s;\n}\n')
    writeFileSync(join(repo, 'deploy', 'nginx', 'extra.conf'), 'keepalive_requests 1000;\n')
  })

  const audit = (c: ReturnType<typeof collect>) => auditSnapshots([{snapshot: c.snapshot, source: 'files', entries: c.entries}], [], {failOn: 'none'})

  test('unmapped, nothing is read from this machine and the report says what was not read', () => {
    const c = collect(['deploy/nginx/nginx.conf'])
    expect(Object.keys(c.snapshot.files).filter((p) => p.startsWith('/etc/'))).toEqual([])
    expect(c.entries.outside.map((o) => [o.path, o.line])).toEqual([['/etc/nginx/conf.d/*.conf', 3], ['/etc/nginx/extra.conf', 4]])
    const problems = audit(c).hosts[0].problems
    expect(problems.filter((p) => /outside the checked tree/.test(p.message)).map((p) => p.line)).toEqual([3, 4])
    expect(problems.find((p) => p.line === 3)?.message).toMatch(/--map \/etc\/nginx=DIR/)
  })

  test('--map PREFIX=DIR reads them from the checkout, and the parser follows them there', () => {
    const c = collect(['deploy/nginx/nginx.conf'], {map: [{from: '/etc/nginx', to: join(repo, 'deploy', 'nginx')}]})
    expect(c.entries.outside).toEqual([])
    expect(c.snapshot.files[join(repo, 'deploy', 'nginx', 'conf.d', 'app.conf')]?.text).toContain('listen 8080')
    const r = audit(c)
    expect(r.hosts[0].problems).toEqual([])
  })

  test('--root DIR reads them under DIR', () => {
    mkdirSync(join(repo, 'img', 'etc', 'nginx', 'conf.d'), {recursive: true})
    writeFileSync(join(repo, 'img', 'etc', 'nginx', 'conf.d', 'x.conf'), 'server { listen 9090; }\n')
    writeFileSync(join(repo, 'img', 'etc', 'nginx', 'extra.conf'), 'keepalive_requests 10;\n')
    const c = collect(['deploy/nginx/nginx.conf'], {root: join(repo, 'img')})
    expect(c.entries.outside).toEqual([])
    expect(c.snapshot.files[join(repo, 'img', 'etc', 'nginx', 'conf.d', 'x.conf')]?.text).toContain('9090')
    expect(audit(c).hosts[0].problems).toEqual([])
  })
})
