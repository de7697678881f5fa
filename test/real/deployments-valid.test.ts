// Every deployment in the corpus is a configuration the real programs accept: `nginx -t` on a
// staged copy (prefix, pid and error log in a temp dir), `lighttpd -tt -f`, and
// `gunicorn --check-config` with a dummy WSGI module beside the config. A corpus case that the
// real server refuses would test conntune on something nobody can deploy.
import {spawnSync} from 'node:child_process'
import {cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {loadDeployments} from '../deployments/load.js'
import {describeReal, missingProgram} from './require-real.js'

const deployments = loadDeployments()
const sh = (cmd: string, args: string[], cwd?: string) => spawnSync(cmd, args, {encoding: 'utf8', timeout: 60_000, cwd})

let tmp: string
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'ct-deployments-real-'))
})
afterAll(() => rmSync(tmp, {recursive: true, force: true}))

function stage(name: string): string {
  const dir = join(tmp, name)
  if (!existsSync(dir)) cpSync(join(deployments.find((d) => d.name === name)!.dir), dir, {recursive: true})
  return dir
}

const cases = (kind: 'nginx' | 'lighttpd' | 'gunicorn') => deployments.flatMap((d) => (d.validate?.[kind] ?? []).map((f) => [`${d.name}: ${f}`, d.name, f] as const))

describeReal('deployments: nginx -t accepts every nginx config', [missingProgram('nginx', ['-v'])], () => {
  const list = cases('nginx')
  it('has nginx configs to check', () => expect(list.length).toBeGreaterThan(0))
  it.each(list)('%s', (_label, name, file) => {
    const dir = stage(name)
    const run = join(dir, '.nginx-run')
    mkdirSync(join(run, 'logs'), {recursive: true})
    // -e and -g: nginx opens its compiled-in error log and pid path otherwise.
    const r = sh('nginx', ['-t', '-q', '-p', run, '-e', join(run, 'error.log'), '-c', join(dir, file), '-g', `pid ${join(run, 'nginx.pid')}; error_log ${join(run, 'error.log')};`])
    expect({status: r.status, out: `${r.stdout}${r.stderr}`.trim()}).toEqual({status: 0, out: ''})
  })
})

// The same configs through `check --nginx-test`: its staged, rewritten copy must be one nginx
// accepts too (a refusal here would be conntune's rewriting, not the config).
describeReal('deployments: check --nginx-test agrees with nginx -t on every nginx config', [missingProgram('nginx', ['-v'])], () => {
  const bin = join(dirname(new URL(import.meta.url).pathname), '..', '..', 'bin', 'run.js')
  it.each(cases('nginx'))('%s', (_label, name, file) => {
    const run = deployments.find((d) => d.name === name)!.run
    const maps = run.flatMap((a, i) => (a === '--map' ? ['--map', run[i + 1]!] : []))
    const r = sh(process.execPath, [bin, 'check', file, '--kind', 'nginx', ...maps, '--nginx-test', '--format', 'json', '--fail-on', 'none'], stage(name))
    // A deployment that relies on the host's /etc/nginx without --map is refused up front.
    if (r.status === 2 && /--nginx-test: include \/etc\/nginx\/\S+ is outside the checked files/.test(r.stderr)) return
    const t = JSON.parse(r.stdout).nginxTest
    expect({refused: t.refused, ran: t.ran}).toEqual({refused: [], ran: [file]})
    // Not judged only for what the deployment does not ship (Debian's /etc/nginx/mime.types,
    // which the plain nginx -t above reads from this host).
    for (const v of t.incomplete) expect(v.message).toMatch(/^open\(\) "\/etc\/nginx\/[^"]+" failed \(2: No such file or directory\)$/)
  })
})

describeReal('deployments: lighttpd -tt accepts every lighttpd config', [missingProgram('lighttpd', ['-v'])], () => {
  const list = cases('lighttpd')
  it.each(list.length > 0 ? list : [['(none)', '', ''] as const])('%s', (_label, name, file) => {
    if (!name) return
    const r = sh('lighttpd', ['-tt', '-f', join(stage(name), file)])
    expect({status: r.status, out: `${r.stdout}${r.stderr}`.trim()}).toMatchObject({status: 0})
  })
})

describeReal('deployments: gunicorn --check-config accepts every gunicorn config', [missingProgram('gunicorn')], () => {
  const list = cases('gunicorn')
  it.each(list.length > 0 ? list : [['(none)', '', ''] as const])('%s', (_label, name, file) => {
    if (!name) return
    const conf = join(stage(name), file)
    const app = join(dirname(conf), 'conntune_dummy_app.py')
    writeFileSync(app, 'def app(environ, start_response):\n    start_response("200 OK", [])\n    return [b""]\n')
    // cwd = the config's directory, so a bind to unix:run/app.sock-style paths stays inside the stage.
    const r = sh('gunicorn', ['--check-config', '-c', conf, '--chdir', dirname(conf), 'conntune_dummy_app:app'], dirname(conf))
    expect({status: r.status, out: `${r.stdout}${r.stderr}`.trim()}).toEqual({status: 0, out: ''})
  })
})
