// `check --nginx-test` against the real nginx: its verdict on a staged copy, mapped back to
// the repository's file:line, without touching the host (logs, temp/cache directories, pid
// file, modules). Expectations are nginx's own messages (ngx_conf_file.c, ngx_http_variables.c).
import {spawnSync} from 'node:child_process'
import {chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {describeReal, missingProgram} from './require-real.js'

const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url))

function check(cwd: string, args: string[]) {
  const r = spawnSync(process.execPath, [BIN, 'check', ...args, '--nginx-test', '--fail-on', 'none'], {cwd, encoding: 'utf8', timeout: 60_000})
  return {code: r.status, stdout: r.stdout, stderr: r.stderr}
}

function put(root: string, files: Record<string, string>): string {
  for (const [p, t] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), {recursive: true})
    writeFileSync(join(root, p), t)
  }
  return root
}

// What a host keeps: every entry's owner, mode and mtime under the places nginx -t writes.
function hostState(): string {
  const out: string[] = []
  for (const dir of ['/var/lib/nginx', '/var/log/nginx', '/var/cache/nginx', '/run']) {
    if (!existsSync(dir)) {
      out.push(`${dir}: absent`)
      continue
    }
    for (const name of readdirSync(dir).sort()) {
      if (dir === '/run' && !name.startsWith('nginx')) continue
      const s = statSync(join(dir, name))
      out.push(`${dir}/${name} ${s.uid}:${s.gid} ${s.mode.toString(8)} ${s.mtimeMs} ${s.size}`)
    }
  }
  return out.join('\n')
}

// A Debian-style tree: modules, logs and pid at their usual absolute places, a WebSocket map,
// a keep-alive upstream, a TLS server whose certificate exists only on the servers, a cache.
const nginxConf = (extraHttp = '') => `user www-data;
worker_processes auto;
pid /run/nginx.pid;
error_log /var/log/nginx/error.log warn;
load_module modules/ngx_http_geoip2_module.so;

events {
    worker_connections 768;
}

http {
    include mime.types;
    default_type application/octet-stream;
    access_log /var/log/nginx/access.log;
    keepalive_timeout 65;
    proxy_cache_path /var/cache/nginx/app levels=1:2 keys_zone=app:10m max_size=1g;
    map $http_upgrade $connection_upgrade {
        default upgrade;
        '' close;
    }
    upstream app {
        server 127.0.0.1:8000;
        keepalive 16;
    }
${extraHttp}    include sites-enabled/*.conf;
}
`
const site = (extraServer = '') => `server {
    listen 8443 ssl;
    server_name app.example.com;
    ssl_certificate /etc/letsencrypt/live/app.example.com/fullchain.pem;
    ssl_certificate_key /etc/letsencrypt/live/app.example.com/privkey.pem;
    access_log /var/log/nginx/app.access.log combined buffer=32k;
    location / {
        proxy_pass http://app;
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
        proxy_cache app;
        client_body_temp_path /var/lib/nginx/app-body 1 2;
    }
    location /health {
        add_header X-Note "a ; and a # inside quotes; error_log /var/log/x.log;";
        return 200 "ok; # not a comment";
    }
${extraServer}}
`
const mimeTypes = 'types {\n    text/html html htm;\n    application/json json;\n}\n'

describeReal('check --nginx-test (real nginx -t)', [missingProgram('nginx', ['-v'])], () => {
  let tmp: string
  let before: string
  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'ct-nginx-test-'))
    before = hostState()
  })
  afterAll(() => {
    rmSync(tmp, {recursive: true, force: true})
    rmSync(`${tmp}-sock`, {recursive: true, force: true})
  })

  const repo = (name: string, files: Record<string, string>) => put(join(tmp, name), files)

  it('passes a valid tree, leaving load_module out and saying so', () => {
    const dir = repo('valid', {'nginx/nginx.conf': nginxConf(), 'nginx/mime.types': mimeTypes, 'nginx/sites-enabled/app.conf': site()})
    const r = check(dir, ['nginx', '--format', 'json'])
    expect(r.stderr).not.toMatch(/nginx -t: (?!could not)/)
    expect(r.code).toBe(0)
    const t = JSON.parse(r.stdout).nginxTest
    expect(t.ran).toEqual(['nginx/nginx.conf'])
    expect(t.refused).toEqual([])
    expect(t.incomplete).toEqual([])
    expect(t.notes).toContain('nginx/nginx.conf:5: load_module left out of the nginx -t copy (it runs code while nginx reads the config)')
  })

  it('refuses a misspelt directive at its file:line in the repository (exit 2)', () => {
    const dir = repo('typo', {'nginx/nginx.conf': nginxConf(), 'nginx/mime.types': mimeTypes, 'nginx/sites-enabled/app.conf': site('    keepalive_timout 65;\n')})
    const r = check(dir, ['nginx'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('conntune: nginx/sites-enabled/app.conf:19: nginx -t: unknown directive "keepalive_timout"')
    expect(r.stderr).not.toContain('conntune-nginx-t-')
    // As a GitHub annotation on the pull request's line.
    const gh = check(dir, ['nginx', '--format', 'github'])
    expect(gh.stdout).toContain('::error file=nginx/sites-enabled/app.conf,line=19,title=nginx -t::unknown directive "keepalive_timout"')
  })

  it('refuses a three-argument keepalive_timeout', () => {
    const dir = repo('arity', {'nginx/nginx.conf': nginxConf('    keepalive_timeout 65 60 5;\n'), 'nginx/mime.types': mimeTypes, 'nginx/sites-enabled/app.conf': site()})
    const r = check(dir, ['nginx'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('conntune: nginx/nginx.conf:25: nginx -t: invalid number of arguments in "keepalive_timeout" directive')
  })

  it('catches what only nginx knows: a variable no module defines', () => {
    const dir = repo('variable', {'nginx/nginx.conf': nginxConf(), 'nginx/mime.types': mimeTypes, 'nginx/sites-enabled/app.conf': site('    location /v { return 200 $no_such_variable; }\n')})
    // conntune's own validator accepts it (it does not track variables) ...
    const plain = spawnSync(process.execPath, [BIN, 'check', 'nginx', '--fail-on', 'none', '--format', 'json'], {cwd: dir, encoding: 'utf8'})
    expect(plain.status).toBe(0)
    // ... nginx does not.
    const r = check(dir, ['nginx'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('conntune: nginx/sites-enabled/app.conf:19: nginx -t: unknown "no_such_variable" variable')
  })

  it('refuses to run on a tree with an absolute include it did not read', () => {
    const dir = repo('unmapped', {'nginx.conf': 'events {}\nhttp {\n    include /etc/nginx/conf.d/*.conf;\n}\n'})
    const r = check(dir, ['nginx.conf'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^conntune: nginx\.conf:3: --nginx-test: include \/etc\/nginx\/conf\.d\/\*\.conf is outside the checked files/m)
  })

  it('never lets a relative include lead nginx out of the copy to echo a host file', () => {
    const dir = repo('escape', {'nginx.conf': `events {}\nhttp {\n    include ${'../'.repeat(20)}etc/passwd;\n}\n`})
    const r = check(dir, ['nginx.conf'])
    // /etc/passwd is world-readable: read as nginx config, its first line would come back as
    // `unknown directive "root:x:0:0:…"`.
    expect(r.stderr).not.toMatch(/root:|unknown directive/)
    expect(r.stderr).toContain('conntune: nginx.conf:3: nginx -t could not judge this here (it needs a file outside the checked files, or this machine): open() "/etc/passwd" failed')
    expect(r.code).toBe(3)
  })

  it('stages a mapped absolute include and names the repository file', () => {
    const dir = repo('mapped', {
      'deploy/nginx/nginx.conf': 'events {}\nhttp {\n    include /etc/nginx/mime.types;\n    include /etc/nginx/conf.d/*.conf;\n}\n',
      'deploy/nginx/mime.types': mimeTypes,
      'deploy/nginx/conf.d/app.conf': 'server {\n    listen 8080;\n    location / {\n        proxy_pass http://127.0.0.1:8000;\n        proxy_read_timeout 30s 10s;\n    }\n}\n',
    })
    const r = check(dir, ['deploy/nginx/nginx.conf', '--map', '/etc/nginx=deploy/nginx'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('conntune: deploy/nginx/conf.d/app.conf:5: nginx -t: invalid number of arguments in "proxy_read_timeout" directive')
  })

  it('binds a unix listen socket inside the copy, not at its host path', () => {
    // Beside the test's private dir (0700), where nobody can reach it, like a host's /run/app/.
    const sock = join(`${tmp}-sock`, 'app.sock')
    // World-writable, like /tmp: nginx -t (as nobody) could create a socket there.
    mkdirSync(dirname(sock), {recursive: true})
    chmodSync(dirname(sock), 0o1777)
    const dir = repo('unix', {'nginx.conf': `events {}\nhttp {\n    server {\n        listen unix:${sock};\n        return 204;\n    }\n}\n`})
    // nginx -t creates the socket and removes it on exit: the directory's mtime still shows it.
    utimesSync(dirname(sock), new Date(2020, 0, 1), new Date(2020, 0, 1))
    const before = statSync(dirname(sock)).mtimeMs
    const r = check(dir, ['nginx.conf'])
    expect(r.code).toBe(0)
    expect(readdirSync(dirname(sock))).toEqual([])
    expect(statSync(dirname(sock)).mtimeMs).toBe(before)
  })

  it('leaves out what runs code while nginx reads the config (OpenResty init_by_lua_block, perl, njs)', () => {
    const marker = join(tmp, 'ran')
    const dir = repo('code', {'nginx.conf': `events {}\nhttp {\n    init_by_lua_block {\n        os.execute("touch ${marker}")\n    }\n    perl_modules perl/lib;\n    js_import main from http.js;\n    server {\n        listen 8080;\n        return 204;\n    }\n}\n`})
    const r = check(dir, ['nginx.conf', '--format', 'json'])
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout).nginxTest.notes).toEqual(expect.arrayContaining([
      'nginx.conf:3: init_by_lua_block left out of the nginx -t copy (it runs code while nginx reads the config)',
      'nginx.conf:6: perl_modules left out of the nginx -t copy (it runs code while nginx reads the config)',
      'nginx.conf:7: js_import left out of the nginx -t copy (it runs code while nginx reads the config)',
    ]))
    expect(existsSync(marker)).toBe(false)
  })

  it("judges a config whose upstream names only the deployment's DNS knows as not judged here (exit 3)", () => {
    const dir = repo('dns', {'nginx.conf': 'events {}\nhttp {\n    upstream app {\n        server app.internal.invalid:8000;\n    }\n    server {\n        listen 8080;\n        location / { proxy_pass http://app; }\n    }\n}\n'})
    const r = check(dir, ['nginx.conf'])
    expect(r.stderr).toContain('conntune: nginx.conf:4: nginx -t could not judge this here (it needs a file outside the checked files, or this machine): host not found in upstream "app.internal.invalid:8000"')
    expect(r.code).toBe(3)
  })

  it('a config that starts with load_module and sets no pid still gets the pid of the copy', () => {
    const dir = repo('first-line', {'nginx.conf': 'load_module modules/ngx_stream_module.so;\nevents {}\nhttp {\n    server {\n        listen 8080;\n        return 204;\n    }\n}\n'})
    const r = check(dir, ['nginx.conf', '--format', 'json'])
    expect(JSON.parse(r.stdout).nginxTest.refused).toEqual([])
    expect(r.code).toBe(0)
  })

  it('runs nginx -t on at most 50 main configs, and says how many it left', () => {
    const files: Record<string, string> = {}
    for (let i = 0; i < 52; i++) files[`m${String(i).padStart(2, '0')}.conf`] = 'events {}\nhttp {\n    server {\n        listen 8080;\n        return 204;\n    }\n}\n'
    const r = check(repo('many', files), ['.', '--format', 'json'])
    const t = JSON.parse(r.stdout).nginxTest
    expect(t.ran).toHaveLength(50)
    expect(t.incomplete).toEqual([{file: 'm50.conf', message: 'not run: nginx -t ran on 50 main configs, its bound; 2 not checked'}])
    expect(r.code).toBe(3)
  })

  it('left the host as it was: no log, temp, cache or pid file touched', () => {
    expect(hostState()).toBe(before)
  })
})
