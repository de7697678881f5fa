// `conntune probe` against real servers: gunicorn's gthread worker with keepalive 2, 5 and 65,
// its sync worker (closes after every response), nginx as a backend (keepalive_timeout 4), and
// node's http server with its default keepAliveTimeout (5 s). Each measured value must be
// within a second of what the server does. The probes run in parallel, so the file takes ~70 s (the 65 s case), not minutes.
import {spawn, spawnSync, type ChildProcess} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {createServer, type Server} from 'node:http'
import {connect} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {parseProbeTarget, probe} from '../../src/probe/probe.js'
import {describeReal, missingProgram} from './require-real.js'

// Ports from this branch's range (h12 → 2412x).
const BASE = 24120

function waitForPort(port: number, ms = 15_000): Promise<void> {
  const until = Date.now() + ms
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const s = connect({host: '127.0.0.1', port}, () => {
        s.destroy()
        resolve()
      })
      s.on('error', () => (Date.now() > until ? reject(new Error(`port ${port} never opened`)) : setTimeout(attempt, 100)))
    }
    attempt()
  })
}

const NGINX_KEEPALIVE = 4

describeReal('conntune probe against real servers', [missingProgram('gunicorn'), missingProgram('nginx', ['-v'])], () => {
  let tmp: string
  const procs: ChildProcess[] = []
  let node: Server
  const cases = [
    {name: 'gunicorn gthread keepalive 2', port: BASE + 1, args: ['--worker-class', 'gthread', '--threads', '2', '--keep-alive', '2'], expect: 2},
    {name: 'gunicorn gthread keepalive 5', port: BASE + 2, args: ['--worker-class', 'gthread', '--threads', '2', '--keep-alive', '5'], expect: 5},
    {name: 'gunicorn gthread keepalive 65', port: BASE + 3, args: ['--worker-class', 'gthread', '--threads', '2', '--keep-alive', '65'], expect: 65},
    {name: 'gunicorn sync', port: BASE + 4, args: ['--worker-class', 'sync'], expect: 0},
  ]

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'h12-probe-'))
    writeFileSync(join(tmp, 'app.py'), 'def app(environ, start_response):\n    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])\n    return [b"ok"]\n')
    for (const c of cases) procs.push(spawn('gunicorn', ['--bind', `127.0.0.1:${c.port}`, '--workers', '1', ...c.args, 'app:app'], {cwd: tmp, stdio: 'ignore', env: {...process.env, PYTHONDONTWRITEBYTECODE: '1'}}))
    const t = (n: string) => `${n}_temp_path ${join(tmp, n)};`
    writeFileSync(
      join(tmp, 'nginx.conf'),
      `pid ${tmp}/nginx.pid;\nerror_log ${tmp}/error.log;\nevents {}\nhttp {\n  access_log off;\n  ${['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(t).join(' ')}\n  keepalive_timeout ${NGINX_KEEPALIVE};\n  server { listen 127.0.0.1:${BASE + 6}; location / { return 200 "ok"; } }\n}\n`,
    )
    const check = spawnSync('nginx', ['-t', '-p', tmp, '-c', join(tmp, 'nginx.conf')], {encoding: 'utf8'})
    if (check.status !== 0) throw new Error(`nginx -t: ${check.stderr}`)
    procs.push(spawn('nginx', ['-p', tmp, '-c', join(tmp, 'nginx.conf'), '-g', 'daemon off;'], {stdio: 'ignore'}))
    node = createServer((_q, r) => r.end('ok'))
    await new Promise<void>((r) => node.listen(BASE + 5, '127.0.0.1', r))
    await Promise.all([...cases.map((c) => waitForPort(c.port)), waitForPort(BASE + 6)])
  }, 30_000)

  afterAll(() => {
    // SIGQUIT: nginx's graceful stop (its master then ends its workers); gunicorn stops on SIGTERM.
    for (const p of procs) p.kill(p.spawnargs[0] === 'nginx' ? 'SIGQUIT' : 'SIGTERM')
    node?.closeAllConnections()
    node?.close()
    rmSync(tmp, {recursive: true, force: true})
  })

  it('measures each within a second of its configured idle timeout, and reports the sync worker as closing', async () => {
    const opts = {method: 'HEAD' as const, maxIdleSeconds: 75, timeoutSeconds: 90}
    const [g2, g5, g65, sync, nodeDefault, nginx] = await Promise.all([
      ...cases.map((c) => probe(parseProbeTarget(`http://127.0.0.1:${c.port}/`), opts)),
      probe(parseProbeTarget(`127.0.0.1:${BASE + 5}`), {...opts, method: 'GET'}),
      probe(parseProbeTarget(`http://127.0.0.1:${BASE + 6}/`), opts),
    ])
    for (const [r, want] of [[g2, 2], [g5, 5], [g65, 65]] as const) {
      expect(r).toMatchObject({keepsAlive: true, status: 200})
      expect(Math.abs(r.idleSeconds! - want)).toBeLessThanOrEqual(1)
    }
    expect(sync).toMatchObject({keepsAlive: false, connectionClose: true, status: 200})
    // nginx arms its keep-alive timer for keepalive_timeout when the response is done
    // (ngx_http_set_keepalive) and closes when it fires.
    expect(nginx).toMatchObject({keepsAlive: true, status: 200})
    expect(Math.abs(nginx.idleSeconds! - NGINX_KEEPALIVE)).toBeLessThanOrEqual(1)
    // Node's default keepAliveTimeout is 5 s and it advertises Keep-Alive: timeout=5, but it
    // closes the idle socket keepAliveTimeout + keepAliveTimeoutBuffer after the response: the
    // buffer (1000 ms; a fixed HTTP_SERVER_KEEP_ALIVE_TIMEOUT_BUFFER in lib/_http_server.js before
    // it became server.keepAliveTimeoutBuffer, nodejs/node#59243) lets clients that trust the
    // header stop reusing it first. So the probe measures 6 s, not 5.
    const buffer = (node as Server & {keepAliveTimeoutBuffer?: number}).keepAliveTimeoutBuffer ?? 1000
    expect(nodeDefault).toMatchObject({keepsAlive: true, keepAliveHeader: 'timeout=5'})
    expect(Math.abs(nodeDefault.idleSeconds! - (node.keepAliveTimeout + buffer) / 1000)).toBeLessThanOrEqual(0.5)
  }, 100_000)
})
