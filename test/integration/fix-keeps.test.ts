// Issue 10 items 4/5: fix --write lands only where it may, keeps what it touches, and a file
// reached by two paths is one change (the diff applies with real patch -p0 and git apply).
import {spawnSync} from 'node:child_process'
import {chmodSync, chownSync, cpSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {BIN, REPO} from './run-cli.js'
import {resolveForWrite, rootBoundary} from '../../src/sources/contain.js'

let dir: string
const shop = () => join(dir, 'shop')
const conf = () => join(shop(), 'deploy/nginx/conf.d/shop.conf')
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'h10-contain-fix-'))
  chmodSync(dir, 0o755)
  cpSync(join(REPO, 'test/fixtures/repos/shop'), shop(), {recursive: true})
})
afterEach(() => rmSync(dir, {recursive: true, force: true}))

const run = (args: string[], cwd = dir) => {
  const r = spawnSync(process.execPath, [BIN, ...args], {cwd, encoding: 'utf8', env: {...process.env, NO_COLOR: '1'}})
  return {code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr}
}
const asRoot = process.getuid?.() === 0
const hasAttrTools = spawnSync('setfattr', ['--version']).status === 0 && spawnSync('getfattr', ['--version']).status === 0

/** sites-available/shop.conf holds the server; conf.d/shop.conf links to it (the Debian layout). */
function linkLayout(): string {
  const avail = join(shop(), 'deploy/nginx/sites-available')
  mkdirSync(avail)
  renameSync(conf(), join(avail, 'shop.conf'))
  symlinkSync('../sites-available/shop.conf', conf())
  return join(avail, 'shop.conf')
}

describe('fix --write keeps what it touches', () => {
  ;(asRoot ? test : test.skip)('owner, group and mode of a file owned by the app user stay (as root)', () => {
    chownSync(conf(), 65534, 65534)
    chmodSync(conf(), 0o640)
    const w = run(['fix', 'shop', '--nginx-version', '1.24.0', '--write'])
    expect(w.code).toBe(0)
    expect(w.stdout).toContain('changed shop/deploy/nginx/conf.d/shop.conf')
    const st = statSync(conf())
    expect({uid: st.uid, gid: st.gid, mode: st.mode & 0o7777}).toEqual({uid: 65534, gid: 65534, mode: 0o640})
    const backup = readdirSync(join(shop(), 'deploy/nginx/conf.d')).find((n) => n.endsWith('.bak'))!
    const bst = statSync(join(shop(), 'deploy/nginx/conf.d', backup))
    expect({uid: bst.uid, mode: bst.mode & 0o777}).toEqual({uid: 65534, mode: 0o640})
  })

  // Extended attributes (ACLs are system.posix_acl_*; user.* works on any filesystem that has them).
  ;(hasAttrTools ? test : test.skip)('extended attributes and a POSIX ACL stay on the rewritten file', () => {
    const set = spawnSync('setfattr', ['-n', 'user.conntune', '-v', 'kept', conf()], {encoding: 'utf8'})
    if (set.status !== 0) return void expect(set.stderr).toMatch(/not supported/i) // tmpfs without user xattrs
    const acl = spawnSync('setfacl', ['-m', 'u:65534:r', conf()], {encoding: 'utf8'})
    const w = run(['fix', 'shop', '--nginx-version', '1.24.0', '--write'])
    expect(w.code).toBe(0)
    expect(w.stdout).toContain('changed shop/deploy/nginx/conf.d/shop.conf')
    const got = spawnSync('getfattr', ['-n', 'user.conntune', '--only-values', conf()], {encoding: 'utf8'})
    expect(got.stdout).toBe('kept')
    if (acl.status === 0) expect(spawnSync('getfacl', ['-cp', conf()], {encoding: 'utf8'}).stdout).toMatch(/user:65534:r--|user:nobody:r--/)
  })

  test('a linked file is edited in its target, once; the link stays a link; the backup holds the original bytes', () => {
    const target = linkLayout()
    const original = readFileSync(target)
    const diff = run(['fix', 'shop', '--nginx-version', '1.24.0'])
    expect(diff.code).toBe(0)
    const headers = diff.stdout.split('\n').filter((l) => l.startsWith('+++ '))
    expect(headers.filter((h) => h.includes('shop.conf'))).toEqual(['+++ shop/deploy/nginx/sites-available/shop.conf'])
    expect(new Set(headers).size).toBe(headers.length)

    const w = run(['fix', 'shop', '--nginx-version', '1.24.0', '--write'])
    expect(w.code).toBe(0)
    expect(lstatSync(conf()).isSymbolicLink()).toBe(true)
    expect(readFileSync(target, 'utf8')).not.toBe(original.toString('utf8'))
    const avail = join(shop(), 'deploy/nginx/sites-available')
    const backups = readdirSync(avail).filter((n) => n.endsWith('.bak'))
    expect(backups).toHaveLength(1)
    expect(readFileSync(join(avail, backups[0]))).toEqual(original)
  })

  test('the diff of a linked layout applies whole with real patch -p0 and git apply -p0', () => {
    linkLayout()
    const diff = run(['fix', 'shop', '--nginx-version', '1.24.0']).stdout
    expect(diff).toContain('+++ ')
    writeFileSync(join(dir, 'fix.patch'), diff)
    for (const [cmd, args] of [['patch', ['-p0', '--dry-run', '--batch', '-i', 'fix.patch']], ['git', ['apply', '-p0', '--check', 'fix.patch']]] as const) {
      const r = spawnSync(cmd, [...args], {cwd: dir, encoding: 'utf8'})
      expect({cmd, code: r.status, err: r.stderr}).toEqual({cmd, code: 0, err: ''})
    }
  })
})

describe('fix --write lands only inside --root', () => {
  test('an absolute link inside the tree is re-rooted, `..` stops at the root', () => {
    const root = join(dir, 'host')
    mkdirSync(join(root, 'etc/nginx/conf.d'), {recursive: true})
    writeFileSync(join(root, 'etc/nginx/real.conf'), 'x')
    symlinkSync('/etc/nginx/real.conf', join(root, 'etc/nginx/conf.d/a.conf'))
    symlinkSync(`${Array(8).fill('..').join('/')}/etc/passwd`, join(root, 'etc/nginx/conf.d/b.conf'))
    const b = rootBoundary(root)
    const real = b.floor!
    expect(resolveForWrite(join(real, 'etc/nginx/conf.d/a.conf'), b)).toEqual({real: join(real, 'etc/nginx/real.conf')})
    // b.conf climbs to <root>/etc/passwd, which does not exist: whatever is written, it is never the host's.
    expect(resolveForWrite(join(real, 'etc/nginx/conf.d/b.conf'), b)).toEqual({error: expect.stringMatching(/link to nothing/)})
    expect(resolveForWrite(join(real, 'etc/sysctl.d/90-conntune.conf'), b)).toEqual({real: join(real, 'etc/sysctl.d/90-conntune.conf')})
  })
})

describe('fix --write --root R never writes through a link to the host', () => {
  test('R/etc/sysctl.d -> /abs/outside: the drop-in lands under R, nothing outside is touched', () => {
    const root = join(dir, 'host')
    cpSync(join(REPO, 'test/fixtures/hosts/legacy-recycle'), root, {recursive: true})
    const outside = mkdtempSync(join(tmpdir(), 'h10-contain-hostetc-'))
    try {
      rmSync(join(root, 'etc/sysctl.d'), {recursive: true, force: true})
      symlinkSync(outside, join(root, 'etc/sysctl.d'))
      const w = run(['fix', '--root', root, '--write'])
      expect(readdirSync(outside)).toEqual([])
      expect(w.code).toBe(2)
      expect(w.stderr).toMatch(/^conntune: \/etc\/sysctl\.d\/90-conntune\.conf: cannot resolve: .*; nothing was changed\n$/)
    } finally {
      rmSync(outside, {recursive: true, force: true})
    }
  })
})
