// Configs conntune fix wrote must still be accepted by the real programs.
import {spawnSync} from 'node:child_process'
import {chmodSync, copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {describeReal, missingProgram} from './require-real.js'

const REPO = fileURLToPath(new URL('../../', import.meta.url))
const BIN = join(REPO, 'bin/run.js')

describeReal('fixed configs pass the real programs', [missingProgram('nginx', ['-v']), missingProgram('lighttpd', ['-v']), missingProgram('gunicorn', ['--version'])], () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ct-fixreal-'))
    chmodSync(dir, 0o755)
    cpSync(join(REPO, 'test/fixtures/repos/shop'), join(dir, 'shop'), {recursive: true})
    mkdirSync(join(dir, 'app'))
    writeFileSync(join(dir, 'app/gunicorn.conf.py'), 'bind = "127.0.0.1:8000"\nworker_class = "gthread"\nthreads = 4\nkeepalive = 2  # too short behind the ALB\n')
    copyFileSync(join(REPO, 'bench/lab/app.py'), join(dir, 'app/app.py'))
    for (const args of [['shop', '--nginx-version', '1.22.1'], ['app/gunicorn.conf.py', '--behind', 'aws-alb']]) {
      const r = spawnSync(process.execPath, [BIN, 'fix', ...args, '--write'], {cwd: dir, encoding: 'utf8'})
      if (r.status !== 0) throw new Error(`fix --write ${args[0]}: ${r.stderr}`)
    }
  })
  afterAll(() => rmSync(dir, {recursive: true, force: true}))

  it('the nginx snippet it changed passes nginx -t (upstream keepalive + HTTP/1.1 + Connection "")', () => {
    const snippet = readFileSync(join(dir, 'shop/deploy/nginx/conf.d/shop.conf'), 'utf8')
    expect(snippet).toMatch(/upstream shop_app \{\n    keepalive 32;/)
    expect(snippet).toContain('proxy_http_version 1.1;')
    mkdirSync(join(dir, 'tmp'), {recursive: true})
    const t = (n: string) => `${n}_temp_path ${join(dir, 'tmp', n)};`
    // A main config of the test's own, so nginx -t creates nothing outside the temp dir. It
    // includes `conf.d/*` as Debian's sites-enabled does: the backup beside the fixed file must
    // not be loaded too (a second `upstream shop_app` would fail the test).
    expect(readdirSync(join(dir, 'shop/deploy/nginx/conf.d')).filter((f) => f.endsWith('.bak'))).toHaveLength(1)
    writeFileSync(join(dir, 'main.conf'), `pid ${dir}/nginx.pid;\nerror_log ${dir}/error.log;\nevents {}\nhttp {\n  ${['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(t).join('\n  ')}\n  include ${join(dir, 'shop/deploy/nginx/conf.d')}/*;\n}\n`)
    const r = spawnSync('nginx', ['-t', '-p', dir, '-c', join(dir, 'main.conf')], {encoding: 'utf8'})
    expect(r.stderr).toContain('test is successful')
  })

  it('the lighttpd config it changed passes lighttpd -tt', () => {
    expect(readFileSync(join(dir, 'shop/deploy/lighttpd/lighttpd.conf'), 'utf8')).toContain('server.max-keep-alive-idle = 5')
    const r = spawnSync('lighttpd', ['-tt', '-f', join(dir, 'shop/deploy/lighttpd/lighttpd.conf')], {encoding: 'utf8'})
    expect({status: r.status, stderr: r.stderr}).toEqual({status: 0, stderr: ''})
  })

  it('the gunicorn config it changed passes gunicorn --check-config, keeping the comment', () => {
    expect(readFileSync(join(dir, 'app/gunicorn.conf.py'), 'utf8')).toContain('keepalive = 65  # too short behind the ALB')
    const r = spawnSync('gunicorn', ['--check-config', '-c', join(dir, 'app/gunicorn.conf.py'), '--chdir', join(dir, 'app'), 'app:app'], {encoding: 'utf8', cwd: join(dir, 'app')})
    expect({status: r.status, stderr: r.stderr.trim()}).toEqual({status: 0, stderr: ''})
  })
})
