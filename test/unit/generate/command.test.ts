// `conntune generate` as users run it (the built CLI): text to stdout or a file, --json with
// the values, user errors as one line with exit 2. Run `node scripts/build.js` first.
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {conntune, expectOneLineError, json} from '../../integration/run-cli.js'
import {generate} from '../../../src/generate/render.js'

let tmp: string
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'ct-generate-cli-'))
})
afterAll(() => rmSync(tmp, {recursive: true, force: true}))

describe('conntune generate', () => {
  const args = ['--behind', 'aws-alb', '--backend', 'gunicorn@127.0.0.1:8000', '--nginx-version', '1.22.1']

  it('prints the same text the library renders', async () => {
    const r = conntune(['generate', 'nginx', ...args])
    expect(r.code).toBe(0)
    expect(r.stdout).toBe((await generate('nginx', {behind: 'aws-alb', backend: 'gunicorn@127.0.0.1:8000', nginxVersion: '1.22.1'})).text)
  })

  it('--json prints {kind, text, values}', () => {
    const out = json(conntune(['generate', 'gunicorn', '--behind', 'heroku', '--role', 'server', '--json']))
    expect(Object.keys(out).sort()).toEqual(['kind', 'text', 'values'])
    expect(out.kind).toBe('gunicorn')
    expect(out.values.gunicorn.keepalive.value).toBe(95)
    expect(out.text).toMatch(/^keepalive = 95$/m)
  })

  it('-o writes the file and prints nothing', () => {
    const file = join(tmp, '60-conntune.conf')
    const r = conntune(['generate', 'sysctl', '--role', 'proxy', '--behind', 'aws-nlb', '-o', file])
    expect([r.code, r.stdout]).toEqual([0, ''])
    expect(readFileSync(file, 'utf8')).toMatch(/^net\.ipv4\.tcp_keepalive_time = 290$/m)
  })

  it('a bad --backend is one line and exit 2', () => {
    expectOneLineError(conntune(['generate', 'nginx', '--backend', 'tomcat@127.0.0.1:8080']), 2, /^conntune: --backend tomcat@127\.0\.0\.1:8080: unknown backend kind "tomcat"/)
  })

  it('an unwritable -o is one line and exit 2', () => {
    expectOneLineError(conntune(['generate', 'nginx', '-o', join(tmp, 'no/such/dir/app.conf')]), 2, /^conntune: .*app\.conf: cannot write: ENOENT/)
  })

  it('an unknown kind is refused by the argument parser', () => {
    const r = conntune(['generate', 'apache'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/Expected apache to be one of: nginx, gunicorn, lighttpd, sysctl/)
  })
})
