// Generated configs accepted by the real programs: `nginx -t` on a main config that includes
// the snippet (every temp path, the pid and the error log inside the test's directory, so
// nothing is created elsewhere), `lighttpd -tt`, `gunicorn --check-config` with a tiny WSGI
// app, and the sysctl file applied by procps `sysctl -p` inside a network namespace this test
// creates (every key it sets is per namespace), then read back.
import {spawnSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {generate} from '../../src/generate/render.js'
import {FRONTEND_PRESETS} from '../../src/model/frontends.js'
import {describeReal, missingNetns, missingProgram} from './require-real.js'

const PRESETS = [...Object.keys(FRONTEND_PRESETS), 'none']
const KINDS = ['gunicorn', 'uvicorn', 'node'] as const
const ADDRESSES = ['127.0.0.1:18000', 'unix:/run/conntune-test-app.sock', '[::1]:18000']

let tmp: string
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'ct-generate-real-'))
})
afterAll(() => rmSync(tmp, {recursive: true, force: true}))

const sh = (cmd: string, args: string[]) => spawnSync(cmd, args, {encoding: 'utf8', timeout: 60_000})

describeReal('generated nginx snippets pass nginx -t', [missingProgram('nginx', ['-v'])], () => {
  function nginxT(name: string, snippet: string): {status: number | null; out: string} {
    const dir = join(tmp, 'nginx', name)
    mkdirSync(join(dir, 'tmp'), {recursive: true})
    writeFileSync(join(dir, 'app.conf'), snippet)
    const temps = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `    ${t}_temp_path ${join(dir, 'tmp', t)};`).join('\n')
    writeFileSync(join(dir, 'nginx.conf'), `pid ${dir}/nginx.pid;\nerror_log ${dir}/error.log error;\nevents { worker_connections 64; }\nhttp {\n    access_log off;\n${temps}\n    include ${join(dir, 'app.conf')};\n}\n`)
    // -e: nginx opens its compiled-in error log before reading the config otherwise.
    const r = sh('nginx', ['-t', '-q', '-p', dir, '-e', join(dir, 'error.log'), '-c', join(dir, 'nginx.conf')])
    return {status: r.status, out: `${r.stdout}${r.stderr}`}
  }

  it('every preset × backend kind × address form × nginx version', async () => {
    const failures: string[] = []
    let n = 0
    for (const behind of PRESETS) {
      for (const kind of KINDS) {
        for (const address of ADDRESSES) {
          for (const nginxVersion of ['1.22.1', '1.30.0', undefined]) {
            const {text} = await generate('nginx', {behind, backend: `${kind}@${address}`, nginxVersion, listen: '127.0.0.1:18080'})
            const name = `${behind}-${kind}-${address.replace(/\W/g, '_')}-${nginxVersion ?? 'any'}`
            const r = nginxT(name, text)
            n++
            if (r.status !== 0) failures.push(`${name}: exit ${r.status}: ${r.out.trim()}`)
          }
        }
      }
    }
    expect(failures).toEqual([])
    expect(n).toBe(PRESETS.length * KINDS.length * ADDRESSES.length * 3)
  })

  it('with --websocket and --real-ip-from, for every address form and nginx version', async () => {
    const failures: string[] = []
    for (const address of ADDRESSES) {
      for (const nginxVersion of ['1.22.1', '1.30.0', undefined]) {
        for (const extra of [{websocket: true}, {realIpFrom: ['10.0.0.0/16', '2001:db8::/32']}, {websocket: true, realIpFrom: ['192.0.2.0/24']}]) {
          const {text} = await generate('nginx', {behind: 'aws-alb', backend: `gunicorn@${address}`, nginxVersion, listen: '127.0.0.1:18080', ...extra})
          const name = `extras-${address.replace(/\W/g, '_')}-${nginxVersion ?? 'any'}-${Object.keys(extra).join('_')}`
          const r = nginxT(name, text)
          if (r.status !== 0) failures.push(`${name}: exit ${r.status}: ${r.out.trim()}`)
          if (extra.websocket && !/''\s+'';/.test(text)) failures.push(`${name}: no keepalive-friendly upgrade map`)
        }
      }
    }
    expect(failures).toEqual([])
  })

  it('and nginx -t does reject a broken one (the harness is live)', async () => {
    const {text} = await generate('nginx', {behind: 'aws-alb'})
    const r = nginxT('broken', text.replace('keepalive_timeout 65s;', 'keepalive_timeout 65s'))
    expect(r.status).not.toBe(0)
    expect(r.out).toMatch(/app\.conf:\d+/)
  })
})

describeReal('generated lighttpd configs pass lighttpd -tt', [missingProgram('lighttpd', ['-v'])], () => {
  it('every preset and listen form', async () => {
    const www = join(tmp, 'www')
    mkdirSync(www, {recursive: true})
    const failures: string[] = []
    for (const behind of [...PRESETS, undefined]) {
      for (const listen of ['18081', '127.0.0.1:18081', '[::1]:18081']) {
        const {text} = await generate('lighttpd', {behind, listen, documentRoot: www})
        const file = join(tmp, `lighttpd-${behind ?? 'unset'}-${listen.replace(/\W/g, '_')}.conf`)
        writeFileSync(file, text)
        const r = sh('lighttpd', ['-tt', '-f', file])
        if (r.status !== 0) failures.push(`${behind} ${listen}: exit ${r.status}: ${r.stdout}${r.stderr}`)
      }
    }
    expect(failures).toEqual([])
    const bad = join(tmp, 'lighttpd-bad.conf')
    writeFileSync(bad, (await generate('lighttpd', {documentRoot: www})).text.replace(/max-keep-alive-idle = \d+/, 'max-keep-alive-idle = "five"'))
    expect(sh('lighttpd', ['-tt', '-f', bad]).status).not.toBe(0)
  })
})

describeReal('generated gunicorn.conf.py passes gunicorn --check-config and sets what it says', [missingProgram('gunicorn')], () => {
  it('every preset, role and bind form', async () => {
    const app = join(tmp, 'gunicorn-app')
    mkdirSync(app, {recursive: true})
    writeFileSync(join(app, 'app.py'), 'def app(environ, start_response):\n    start_response("200 OK", [("Content-Type", "text/plain")])\n    return [b"ok\\n"]\n')
    const failures: string[] = []
    for (const behind of PRESETS) {
      for (const role of ['proxy', 'server', undefined] as const) {
        for (const address of ['127.0.0.1:18000', 'unix:/run/conntune-test-app.sock']) {
          const out = await generate('gunicorn', {behind, role, backend: `gunicorn@${address}`})
          const file = join(app, `gunicorn-${behind}-${role ?? 'either'}-${address.replace(/\W/g, '_')}.conf.py`)
          writeFileSync(file, out.text)
          const r = sh('gunicorn', ['--check-config', '-c', file, '--chdir', app, 'app:app'])
          if (r.status !== 0) failures.push(`${file}: exit ${r.status}: ${r.stdout}${r.stderr}`)
          // What gunicorn itself resolves from the file is what the values say.
          const p = sh('gunicorn', ['--print-config', '-c', file, '--chdir', app, 'app:app'])
          const got = Object.fromEntries(p.stdout.split('\n').map((l) => /^(\w+)\s*=\s*(.*)$/.exec(l)).filter((m): m is RegExpExecArray => !!m).map((m) => [m[1], m[2].trim()]))
          // forwarded_allow_ips: nginx on this host, never '*' (gunicorn trusts X-Forwarded-* from these peers).
          if (role !== 'server' && !/^forwarded_allow_ips\s*=\s*\['127\.0\.0\.1', '::1'\]$/m.test(p.stdout)) failures.push(`${file}: forwarded_allow_ips not 127.0.0.1,::1: ${p.stdout.split('\n').find((l) => l.startsWith('forwarded_allow_ips'))}`)
          if (/^forwarded_allow_ips\s*=\s*["']\*["']/m.test(out.text)) failures.push(`${file}: trusts every peer`)
          const want = {worker_class: 'gthread', keepalive: String(out.values.gunicorn.keepalive.value), timeout: '30', threads: '4', workers: '2', bind: `['${address}']`}
          const seen = Object.fromEntries(Object.keys(want).map((k) => [k, got[k]]))
          if (JSON.stringify(seen) !== JSON.stringify(want)) failures.push(`${file}: gunicorn --print-config ${JSON.stringify(seen)}, values ${JSON.stringify(want)}`)
        }
      }
    }
    expect(failures).toEqual([])
  })
})

describeReal('generated sysctl files are accepted by sysctl -p (in a throwaway network namespace)', [missingProgram('sysctl', ['-n', 'kernel.ostype']), missingNetns()], () => {
  const ns = `ctgen${process.pid}`
  beforeAll(() => {
    const r = sh('ip', ['netns', 'add', ns])
    if (r.status !== 0) throw new Error(`ip netns add ${ns}: ${r.stderr}`)
  })
  afterAll(() => {
    sh('ip', ['netns', 'del', ns])
  })

  it('every preset and role: applied without an error, read back as written', async () => {
    const failures: string[] = []
    for (const behind of PRESETS) {
      for (const role of ['proxy', 'server'] as const) {
        const out = await generate('sysctl', {behind, role, listen: '18080', backend: 'gunicorn@127.0.0.1:18000', natIdleTimeout: behind === 'none' ? 300 : undefined})
        const file = join(tmp, `sysctl-${behind}-${role}.conf`)
        writeFileSync(file, out.text)
        const r = sh('ip', ['netns', 'exec', ns, 'sysctl', '-q', '-p', file])
        if (r.status !== 0 || r.stderr.trim()) failures.push(`${behind} ${role}: exit ${r.status}: ${r.stderr}`)
        for (const e of out.values.sysctl.entries) {
          const got = sh('ip', ['netns', 'exec', ns, 'sysctl', '-n', e.key]).stdout.trim().split(/\s+/).join(' ')
          if (got !== e.value) failures.push(`${behind} ${role}: ${e.key} = ${got}, written ${e.value}`)
        }
      }
    }
    expect(failures).toEqual([])
  })
})
