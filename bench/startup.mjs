#!/usr/bin/env node
// Startup cost, as a ratio to bare `node -e 0`: what every invocation pays. Runs each command
// N times (after warm-ups) in alternation and reports medians, so a busy moment on the
// machine hits all of them alike. Usage: node bench/startup.mjs [runs=30]
import {spawnSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

// A repo-sized tree for `check` (what a pre-commit hook costs): 38 config files of every kind.
function makeRepo() {
  const repo = mkdtempSync(join(tmpdir(), 'ct-bench-repo-'))
  const put = (p, text) => {
    mkdirSync(join(repo, p, '..'), {recursive: true})
    writeFileSync(join(repo, p), text)
  }
  put('deploy/nginx/nginx.conf', 'events {}\nhttp {\n  keepalive_timeout 65s;\n  include conf.d/*.conf;\n}\n')
  for (let i = 0; i < 12; i++) put(`deploy/nginx/conf.d/site${i}.conf`, `upstream app${i} { server 127.0.0.1:${8000 + i}; keepalive 16; }\nserver {\n  listen 80;\n  server_name s${i}.example.com;\n  location / { proxy_pass http://app${i}; proxy_http_version 1.1; proxy_set_header Connection ""; }\n}\n`)
  for (let i = 0; i < 8; i++) put(`services/app${i}/gunicorn.conf.py`, `bind = "127.0.0.1:${8000 + i}"\nworker_class = "gthread"\nthreads = 4\nkeepalive = ${i % 2 ? 75 : 2}\ntimeout = 30\n`)
  for (let i = 0; i < 6; i++) put(`deploy/systemd/app${i}.service`, `[Service]\nWorkingDirectory=/srv/app${i}\nExecStart=/srv/app${i}/venv/bin/gunicorn -b 127.0.0.1:${8100 + i} -k gthread --threads 4 app:app\n`)
  for (let i = 0; i < 6; i++) put(`deploy/sysctl.d/${60 + i}-tuning.conf`, `net.ipv4.tcp_fin_timeout = ${30 + i}\nnet.core.somaxconn = 4096\n`)
  for (let i = 0; i < 3; i++) put(`deploy/lighttpd/site${i}/lighttpd.conf`, `server.document-root = "/srv/static${i}"\nserver.port = ${9000 + i}\n`)
  put('Procfile', 'web: gunicorn app.wsgi --bind 0.0.0.0:$PORT --workers 3\n')
  put('Dockerfile', 'FROM python:3.12\nCMD ["gunicorn", "-b", "0.0.0.0:8000", "app.wsgi"]\n')
  return repo
}
const repo = makeRepo()
process.on('exit', () => rmSync(repo, {recursive: true, force: true}))

const runs = Number(process.argv[2] ?? 30)
const bin = fileURLToPath(new URL('../bin/run.js', import.meta.url))
const node = process.execPath
const cases = {
  'node -e 0': [node, ['-e', '0']],
  'conntune --version': [node, [bin, '--version']],
  'conntune audit (this host)': [node, [bin, 'audit', '--fail-on', 'none']],
  // The kernel audit alone: a host tree with /proc and sysctl.d but no web servers.
  'conntune audit --root (kernel only)': [node, [bin, 'audit', '--fail-on', 'none', '--root', fileURLToPath(new URL('../test/fixtures/hosts/proxy-tw-pressure', import.meta.url))]],
  'conntune check (shop repo)': [node, [bin, 'check', fileURLToPath(new URL('../test/fixtures/repos/shop', import.meta.url)), '--fail-on', 'none']],
  'conntune check (38-file repo)': [node, [bin, 'check', repo, '--fail-on', 'none']],
  'conntune audit --format json': [node, [bin, 'audit', '--fail-on', 'none', '--format', 'json']],
}

function time([cmd, args]) {
  const t = process.hrtime.bigint()
  const r = spawnSync(cmd, args, {stdio: ['ignore', 'ignore', 'pipe']})
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`)
  return Number(process.hrtime.bigint() - t) / 1e6
}

const samples = Object.fromEntries(Object.keys(cases).map((k) => [k, []]))
for (let i = 0; i < 3; i++) for (const c of Object.values(cases)) time(c)
for (let i = 0; i < runs; i++) for (const [k, c] of Object.entries(cases)) samples[k].push(time(c))

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const base = median(samples['node -e 0'])
const rows = Object.entries(samples).map(([name, xs]) => ({name, medianMs: Math.round(median(xs) * 10) / 10, ratio: Math.round((median(xs) / base) * 100) / 100}))
console.log(JSON.stringify({runs, node: process.version, rows}, null, 2))
