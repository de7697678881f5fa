import {mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {collectLocal} from '../../../src/sources/local.js'

let root: string
function put(path: string, text: string) {
  mkdirSync(dirname(join(root, path)), {recursive: true})
  writeFileSync(join(root, path), text)
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'ct-capture-'))
})
afterEach(() => rmSync(root, {recursive: true, force: true}))

describe('capturing server configuration from a host tree', () => {
  it('captures the nginx tree and follows includes out of it, globs included', async () => {
    put('/etc/nginx/nginx.conf', 'events {}\nhttp {\n  include /etc/nginx/conf.d/*.conf;\n  include /opt/app/nginx/*.conf;\n  include "/srv/shared/upstreams.conf";\n}\n')
    put('/etc/nginx/conf.d/a.conf', 'server { listen 80; include snippets/x.conf; }\n')
    put('/etc/nginx/snippets/x.conf', 'keepalive_timeout 65s;\n')
    put('/opt/app/nginx/site.conf', 'server { listen 8080; include /opt/app/nginx/extra/inner.conf; }\n')
    put('/opt/app/nginx/extra/inner.conf', 'location / {}\n')
    put('/opt/app/nginx/README', 'not included')
    put('/srv/shared/upstreams.conf', 'upstream app { server 127.0.0.1:8000; }\n')
    const snap = await collectLocal({root, toolVersion: 't'})
    expect(Object.keys(snap.files).filter((f) => !f.includes('sysctl')).sort()).toEqual([
      '/etc/nginx/conf.d/a.conf', '/etc/nginx/nginx.conf', '/etc/nginx/snippets/x.conf',
      '/opt/app/nginx/extra/inner.conf', '/opt/app/nginx/site.conf', '/srv/shared/upstreams.conf',
    ])
    expect(snap.dirs['/opt/app/nginx']?.entries).toEqual(['README', 'extra', 'site.conf'])
  })

  it('captures a file a glob matched whose name holds glob characters once (it used to recurse until the stack overflowed)', async () => {
    put('/etc/nginx/nginx.conf', 'events {}\nhttp {\n  include /etc/nginx/conf.d/*.conf;\n}\n')
    put('/etc/nginx/conf.d/app[1].conf', 'server { listen 80; }\n')
    put('/etc/nginx/conf.d/what?.conf', 'server { listen 81; }\n')
    const snap = await collectLocal({root, toolVersion: 't'})
    expect(Object.keys(snap.files).filter((f) => f.startsWith('/etc/nginx/conf.d/')).sort()).toEqual(['/etc/nginx/conf.d/app[1].conf', '/etc/nginx/conf.d/what?.conf'])
  })

  it('captures units that run gunicorn, the -c file they name and their environment files', async () => {
    put('/etc/systemd/system/app.service', '[Service]\nWorkingDirectory=/srv/app\nEnvironmentFile=-/etc/default/app\nExecStart=/srv/app/venv/bin/gunicorn -c conf/gunicorn.py app.wsgi:application\n')
    put('/etc/systemd/system/other.service', '[Service]\nExecStart=/usr/bin/redis-server\n')
    put('/srv/app/conf/gunicorn.py', 'workers = 4\n')
    put('/srv/app/gunicorn.conf.py', 'keepalive = 5\n')
    put('/etc/default/app', 'GUNICORN_CMD_ARGS="--keep-alive 10"\n')
    put('/etc/gunicorn.d/api.conf.py', 'timeout = 60\n')
    const snap = await collectLocal({root, toolVersion: 't'})
    const files = Object.keys(snap.files).filter((f) => !f.includes('sysctl')).sort()
    expect(files).toEqual([
      '/etc/default/app', '/etc/gunicorn.d/api.conf.py', '/etc/systemd/system/app.service', '/srv/app/conf/gunicorn.py', '/srv/app/gunicorn.conf.py',
    ])
  })

  it('never runs programs for a tree under --root', async () => {
    put('/etc/lighttpd/lighttpd.conf', 'server.port = 80\ninclude "conf-enabled/*.conf"\ninclude_shell "/usr/share/lighttpd/create-mime.conf.pl"\n')
    put('/etc/lighttpd/conf-enabled/10-x.conf', 'server.max-keep-alive-idle = 5\n')
    const snap = await collectLocal({root, toolVersion: 't'})
    expect(snap.commands).toBeUndefined()
    expect(Object.keys(snap.files).filter((f) => f.includes('lighttpd')).sort()).toEqual(['/etc/lighttpd/conf-enabled/10-x.conf', '/etc/lighttpd/lighttpd.conf'])
  })

  it('bounds symlink loops in config trees', async () => {
    put('/etc/nginx/nginx.conf', 'events {}\n')
    mkdirSync(join(root, '/etc/nginx/loop'), {recursive: true})
    symlinkSync('/etc/nginx', join(root, '/etc/nginx/loop/again'))
    const snap = await collectLocal({root, toolVersion: 't'})
    expect(snap.files['/etc/nginx/nginx.conf']?.text).toBe('events {}\n')
    expect(Object.keys(snap.files).length).toBeLessThan(100)
  })
})

describe('running nginx -T only when it changes nothing', () => {
  it('names the temp directory nginx -T would create', async () => {
    const {nginxWouldCreate} = await import('../../../src/sources/commands.js')
    const v = (p: string) => ({exitCode: 0, stderr: `nginx version: nginx/1.22.1\nconfigure arguments: --conf-path=/etc/nginx/nginx.conf --http-client-body-temp-path=${p} --http-proxy-temp-path=${p}`})
    expect(nginxWouldCreate(v(join(root, 'missing/body')))).toBe(join(root, 'missing/body'))
    mkdirSync(join(root, 'body'))
    expect(nginxWouldCreate(v(join(root, 'body')))).toBeNull()
    expect(nginxWouldCreate(undefined)).toBeNull()
  })
})

describe('which units are read', () => {
  it('reads enabled vendor units and template instances, with drop-ins, but not disabled vendor units', async () => {
    put('/usr/lib/systemd/system/api@.service', '[Service]\nExecStart=/usr/bin/gunicorn -b 127.0.0.1:%i api:app\n')
    put('/usr/lib/systemd/system/disabled.service', '[Service]\nExecStart=/usr/bin/gunicorn other:app\n')
    put('/etc/systemd/system/api@.service.d/override.conf', '[Service]\nEnvironment=GUNICORN_CMD_ARGS=--keep-alive=10\n')
    mkdirSync(join(root, '/etc/systemd/system/multi-user.target.wants'), {recursive: true})
    symlinkSync('/usr/lib/systemd/system/api@.service', join(root, '/etc/systemd/system/multi-user.target.wants/api@8001.service'))
    const snap = await collectLocal({root, toolVersion: 't'})
    const files = Object.keys(snap.files).filter((f) => !f.includes('sysctl')).sort()
    expect(files).toEqual(['/etc/systemd/system/api@.service.d/override.conf', '/usr/lib/systemd/system/api@.service'])
  })
})
