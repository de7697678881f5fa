// `check DIR` reads only files whose name could make them configuration: a repository's
// sources, data and images are not read, not counted against the file bound, and cannot stop
// the check (a 6 MB CSV did).
import fc from 'fast-check'
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {collectFiles, detectKind, mayBeConfig} from '../../../src/sources/files.js'

// Texts that meet every content test detectKind has (gunicorn, nginx, lighttpd, shell), and one
// that is all sysctl lines.
const TEXTS = [
  '#!/bin/sh\nexec gunicorn app:app\nbind = "0.0.0.0:8000"\nworkers = 2\nhttp {\nserver.port = 80\nlisten 80;\n',
  'net.ipv4.tcp_tw_reuse = 1\nnet.core.somaxconn = 4096\n',
]

describe('mayBeConfig', () => {
  it('is true of every path detectKind can give a kind to', () => {
    const part = fc.constantFrom('deploy', 'etc', 'nginx', 'sites-enabled', 'sites-available', 'sysctl.d', 'lighttpd', 'conf.d', 'app', 'src', 'x-nginx-y', 'data')
    const name = fc.constantFrom('nginx.conf', 'lighttpd.conf', 'sysctl.conf', 'site.conf', 'a.cfg', 'b.inc', 'c.nginx', 'd.vhost', 'app.service', 'Procfile', 'Procfile.dev', 'Dockerfile', 'Dockerfile.prod', 'web.dockerfile', 'Containerfile', 'compose.yaml', 'docker-compose.yml', 'docker-compose.override.yml', 'x.compose.yml', 'start.sh', 'docker-entrypoint', 'docker-entrypoint.sh', 'gunicorn.conf.py', 'settings.py', 'README.md', 'data.csv', 'logo.png', 'main.ts', 'mime.types', 'proxy_params', 'Makefile', 'values.yaml')
    fc.assert(
      fc.property(fc.array(part, {maxLength: 3}), name, (dirs, n) => {
        const path = `/repo/${[...dirs, n].join('/')}`
        for (const text of TEXTS) if (detectKind(path, text) !== null) expect({path, may: mayBeConfig(path)}).toEqual({path, may: true})
      }),
      {numRuns: 2000, seed: 5},
    )
  })

  it('is false of what is not configuration by any name', () => {
    for (const p of ['/repo/data/big.csv', '/repo/src/main.ts', '/repo/assets/logo.png', '/repo/README.md', '/repo/Makefile', '/repo/charts/values.yaml']) expect(mayBeConfig(p)).toBe(false)
  })
})

describe('check DIR', () => {
  let repo: string
  beforeEach(() => {
    repo = mkdtempSync(join(tmpdir(), 'ct-walk-'))
  })
  afterEach(() => rmSync(repo, {recursive: true, force: true}))
  const put = (p: string, text: string) => {
    mkdirSync(join(repo, p, '..'), {recursive: true})
    writeFileSync(join(repo, p), text)
  }

  it('is not stopped by a large data file, and does not read it', () => {
    put('deploy/nginx/nginx.conf', 'events {}\nhttp { keepalive_timeout 65s; server { listen 80; } }\n')
    put('data/big.csv', 'a,b,c\n'.repeat(1_000_000))
    const r = collectFiles([repo], {toolVersion: 'test', cwd: repo})
    expect(Object.keys(r.kinds)).toEqual([join(repo, 'deploy/nginx/nginx.conf')])
    expect(Object.keys(r.snapshot.files)).not.toContain(join(repo, 'data/big.csv'))
    expect(r.skipped).toEqual([])
  })

  it('orders sysctl.d files as systemd-sysctl does: by file name with strcmp, whatever the locale', () => {
    // sysctl.d(5): files are sorted by file name in lexicographic order, regardless of directory;
    // systemd compares with strcmp, so "B-" (0x42) comes before "a-" (0x61) and the later file wins.
    put('deploy/sysctl.d/a-late.conf', 'net.ipv4.tcp_tw_reuse = 1\n')
    put('deploy/sysctl.d/B-early.conf', 'net.ipv4.tcp_tw_reuse = 2\n')
    put('etc/sysctl.d/_z.conf', 'net.ipv4.tcp_tw_reuse = 0\n')
    const r = collectFiles([repo], {toolVersion: 'test', cwd: repo})
    expect(r.entries.sysctl.map((p) => p.slice(repo.length + 1))).toEqual(['deploy/sysctl.d/B-early.conf', 'etc/sysctl.d/_z.conf', 'deploy/sysctl.d/a-late.conf'])
  })

  it('finds the configs after 6 000 source files', () => {
    for (let i = 0; i < 6000; i++) put(`a-src/m${i}.ts`, 'export {}\n')
    put('z-deploy/sysctl.d/60-net.conf', 'net.ipv4.tcp_tw_reuse = 1\n')
    const r = collectFiles([repo], {toolVersion: 'test', cwd: repo})
    expect(r.kinds).toEqual({[join(repo, 'z-deploy/sysctl.d/60-net.conf')]: 'sysctl'})
    expect(r.skipped).toEqual([])
  })

  it('with --kind, still reads every file found, as that kind', () => {
    put('conf/site.nginxconf', 'server { listen 80; }\n')
    const r = collectFiles([join(repo, 'conf')], {toolVersion: 'test', cwd: repo, kind: 'nginx'})
    expect(r.kinds).toEqual({[join(repo, 'conf/site.nginxconf')]: 'nginx'})
  })
})
