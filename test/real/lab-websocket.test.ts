// Lab: a unix-socket upstream and WebSocket through real nginx before and after `conntune fix --write` (issue 13 item 1).
// A Node backend on loopback answers upgrades with 101 and records the client port of every
// connection nginx opens to it. With the `'' close` upgrade map every ordinary request costs a
// new upstream connection; after the fix (the map's '' value becomes '') ordinary requests
// reuse one, and an upgrade still gets 101. Ports 21300-21399 (this branch's range).
import {spawnSync} from 'node:child_process'
import {chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {createServer, request, Agent, type Server} from 'node:http'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {BIN} from '../integration/run-cli.js'
import {describeReal, missingProgram} from './require-real.js'

const BACKEND = 21301
const NGINX = 21302

function nginxConf(dir: string): string {
  return `worker_processes 1;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path ${dir}/tmp/body;
    proxy_temp_path ${dir}/tmp/proxy;
    fastcgi_temp_path ${dir}/tmp/fastcgi;
    uwsgi_temp_path ${dir}/tmp/uwsgi;
    scgi_temp_path ${dir}/tmp/scgi;

    map $http_upgrade $connection_upgrade {
        default upgrade;
        ''      close;
    }

    upstream app {
        server 127.0.0.1:${BACKEND};
        keepalive 4;
    }

    server {
        listen 127.0.0.1:${NGINX};
        location / {
            proxy_pass http://app;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
        }
    }
}
`
}

describeReal('lab: WebSocket upgrade map through nginx, before and after conntune fix', [missingProgram('nginx', ['-v'])], () => {
  let dir: string
  let backend: Server
  const ports = new Set<number>()
  const agent = new Agent({keepAlive: true, maxSockets: 1})

  const nginx = (args: string[]) => spawnSync('nginx', ['-p', dir, '-e', join(dir, 'error.log'), '-c', join(dir, 'nginx/nginx.conf'), '-g', `pid ${dir}/nginx.pid; error_log ${dir}/error.log;`, ...args], {encoding: 'utf8', timeout: 30_000})
  const get = () => new Promise<number>((resolve, reject) => request({host: '127.0.0.1', port: NGINX, path: '/', agent}, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode ?? 0)) }).on('error', reject).end())
  const upgrade = () => new Promise<number>((resolve, reject) => {
    const req = request({host: '127.0.0.1', port: NGINX, path: '/ws', headers: {Connection: 'Upgrade', Upgrade: 'websocket'}})
    req.on('upgrade', (res, socket) => { socket.destroy(); resolve(res.statusCode ?? 0) })
    req.on('response', (res) => { res.resume(); resolve(res.statusCode ?? 0) })
    req.on('error', reject)
    req.end()
  })
  async function upstreamConnections(n: number): Promise<number> {
    ports.clear()
    for (let i = 0; i < n; i++) expect(await get()).toBe(200)
    return ports.size
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ct-lab-ws-'))
    mkdirSync(join(dir, 'nginx'), {recursive: true})
    mkdirSync(join(dir, 'tmp'), {recursive: true})
    writeFileSync(join(dir, 'nginx/nginx.conf'), nginxConf(dir))
    backend = createServer((req, res) => {
      ports.add(req.socket.remotePort!)
      res.end('ok')
    })
    backend.on('upgrade', (req, socket) => {
      ports.add(req.socket.remotePort!)
      socket.end('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n')
    })
    await new Promise<void>((r) => backend.listen(BACKEND, '127.0.0.1', r))
  })
  afterAll(async () => {
    agent.destroy()
    if (dir) nginx(['-s', 'stop'])
    await new Promise((r) => backend?.close(r))
    if (dir) rmSync(dir, {recursive: true, force: true})
  })

  it("'' close: every ordinary request opens a new upstream connection; after fix --write one is reused and upgrades still get 101", async () => {
    expect(nginx(['-t', '-q']).status).toBe(0)
    expect(nginx([]).status).toBe(0)
    expect(await upstreamConnections(5)).toBe(5)
    expect(await upgrade()).toBe(101)

    const fix = spawnSync(process.execPath, [BIN, 'fix', 'nginx/nginx.conf', '--nginx-version', '1.22.1', '--write'], {cwd: dir, encoding: 'utf8'})
    expect(fix.status).toBe(0)
    const text = readFileSync(join(dir, 'nginx/nginx.conf'), 'utf8')
    expect(text).toContain('proxy_set_header Connection $connection_upgrade;')
    expect(nginx(['-t', '-q']).status).toBe(0)
    expect(nginx(['-s', 'reload']).status).toBe(0)
    // reload: the old worker finishes; wait until requests reach the new one (bounded).
    for (let i = 0; i < 50 && (await upstreamConnections(5)) !== 1; i++) await new Promise((r) => setTimeout(r, 100))
    expect(await upstreamConnections(5)).toBe(1)
    expect(await upgrade()).toBe(101)
  })
})

describeReal('lab: unix-socket upstream through nginx, before and after conntune fix', [missingProgram('nginx', ['-v'])], () => {
  let dir: string
  let backend: Server
  let connections = 0
  const agent = new Agent({keepAlive: true, maxSockets: 1})
  const port = NGINX + 1
  const nginx = (args: string[]) => spawnSync('nginx', ['-p', dir, '-e', join(dir, 'error.log'), '-c', join(dir, 'nginx/nginx.conf'), '-g', `pid ${dir}/nginx.pid; error_log ${dir}/error.log;`, ...args], {encoding: 'utf8', timeout: 30_000})
  const get = () => new Promise<number>((resolve, reject) => request({host: '127.0.0.1', port, path: '/', agent}, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode ?? 0)) }).on('error', reject).end())
  async function upstreamConnections(n: number): Promise<number> {
    connections = 0
    for (let i = 0; i < n; i++) expect(await get()).toBe(200)
    return connections
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ct-lab-unix-'))
    mkdirSync(join(dir, 'nginx'), {recursive: true})
    mkdirSync(join(dir, 'tmp'), {recursive: true})
    const temps = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `    ${t}_temp_path ${dir}/tmp/${t};`).join('\n')
    writeFileSync(join(dir, 'nginx/nginx.conf'), `worker_processes 1;\nevents { worker_connections 64; }\nhttp {\n    access_log off;\n${temps}\n    upstream app_server {\n        server unix:${dir}/app.sock fail_timeout=0;\n    }\n    server {\n        listen 127.0.0.1:${port};\n        location / {\n            proxy_pass http://app_server;\n        }\n    }\n}\n`)
    backend = createServer((_req, res) => res.end('ok'))
    backend.on('connection', () => connections++)
    await new Promise<void>((r) => backend.listen(join(dir, 'app.sock'), r))
    // nginx's workers run as an unprivileged user when started by root: let them reach the socket.
    chmodSync(dir, 0o755)
    chmodSync(join(dir, 'app.sock'), 0o666)
  })
  afterAll(async () => {
    agent.destroy()
    if (dir) nginx(['-s', 'stop'])
    await new Promise((r) => backend?.close(r))
    if (dir) rmSync(dir, {recursive: true, force: true})
  })

  it('conntune says a connect per request and no TIME_WAIT; after fix --write nginx reuses one unix connection', async () => {
    expect(nginx([]).status).toBe(0)
    expect(await upstreamConnections(5)).toBe(5)
    const check = JSON.parse(spawnSync(process.execPath, [BIN, 'check', 'nginx/nginx.conf', '--nginx-version', '1.22.1', '--format', 'json'], {cwd: dir, encoding: 'utf8'}).stdout)
    const missing = check.findings.filter((f: any) => f.ruleId === 'nginx-upstream-keepalive-missing')
    expect(missing.map((f: any) => f.severity)).toEqual(['info'])
    expect(missing[0].message).toContain('no TIME_WAIT (unix(7))')
    expect(missing[0].message).not.toContain('leaving a TIME_WAIT')
    expect(check.hosts[0].role).toBe('server')

    expect(spawnSync(process.execPath, [BIN, 'fix', 'nginx/nginx.conf', '--nginx-version', '1.22.1', '--write'], {cwd: dir, encoding: 'utf8'}).status).toBe(0)
    expect(nginx(['-t', '-q']).status).toBe(0)
    expect(nginx(['-s', 'reload']).status).toBe(0)
    // reload: wait (bounded) until requests reach the new worker, which opens one connection and keeps it.
    let first = -1
    for (let i = 0; i < 50 && (first = await upstreamConnections(5)) > 1; i++) await new Promise((r) => setTimeout(r, 100))
    expect(first).toBeLessThanOrEqual(1)
    expect(await upstreamConnections(5)).toBe(0)
  })
})
