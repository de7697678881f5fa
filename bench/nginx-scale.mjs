#!/usr/bin/env node
// Parse + audit throughput on generated nginx configs: N server blocks, each with its own
// upstream and a proxied location, across include files like a large multi-site host.
// Runs `conntune check` as users do and reports wall time, MB/s and peak RSS (from
// /usr/bin/time, or the child's own resource usage where that is missing).
//   node bench/nginx-scale.mjs [1000 10000 100000]
import {spawnSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync, readdirSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

const bin = fileURLToPath(new URL('../bin/run.js', import.meta.url))
const sizes = process.argv.slice(2).map(Number).filter(Boolean)
const counts = sizes.length ? sizes : [1000, 10000, 100000]
const PER_FILE = 1000

function generate(dir, n) {
  mkdirSync(join(dir, 'sites'), {recursive: true})
  writeFileSync(join(dir, 'nginx.conf'), `worker_processes auto;\nevents { worker_connections 4096; }\nhttp {\n  keepalive_timeout 65s;\n  proxy_http_version 1.1;\n  proxy_set_header Connection "";\n  include sites/*.conf;\n}\n`)
  for (let f = 0; f * PER_FILE < n; f++) {
    let text = ''
    for (let i = f * PER_FILE; i < Math.min(n, (f + 1) * PER_FILE); i++) {
      const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`
      text += `upstream app_${i} {\n    server ${ip}:8000 max_fails=3;\n    keepalive 16;\n}\nserver {\n    listen 80;\n    server_name site${i}.example.com www.site${i}.example.com;\n    # site ${i}\n    location / {\n        proxy_pass http://app_${i};\n        proxy_read_timeout 30s;\n    }\n    location /static/ { root /srv/site${i}; expires 1h; }\n}\n`
    }
    writeFileSync(join(dir, 'sites', `${String(f).padStart(4, '0')}.conf`), text)
  }
  let bytes = statSync(join(dir, 'nginx.conf')).size
  for (const f of readdirSync(join(dir, 'sites'))) bytes += statSync(join(dir, 'sites', f)).size
  return bytes
}

const rows = []
for (const n of counts) {
  const dir = mkdtempSync(join(tmpdir(), 'ct-scale-'))
  const bytes = generate(dir, n)
  const args = [bin, 'check', join(dir, 'nginx.conf'), '--kind', 'nginx', '--nginx-version', '1.24.0', '--format', 'json', '--fail-on', 'none', '-o', join(dir, 'report.json')]
  const hasTime = spawnSync('/usr/bin/time', ['-f', '%e', 'true']).status === 0
  const t0 = process.hrtime.bigint()
  const r = hasTime
    ? spawnSync('/usr/bin/time', ['-f', 'peakKiB=%M', process.execPath, ...args], {encoding: 'utf8', maxBuffer: 1 << 28})
    : spawnSync(process.execPath, args, {encoding: 'utf8', maxBuffer: 1 << 28})
  const ms = Number(process.hrtime.bigint() - t0) / 1e6
  if (r.status !== 0) throw new Error(`check on ${n} servers exited ${r.status}: ${r.stderr.slice(-500)}`)
  const peak = Number(/peakKiB=(\d+)/.exec(r.stderr)?.[1] ?? NaN)
  rows.push({servers: n, files: Math.ceil(n / PER_FILE) + 1, MiB: +(bytes / 2 ** 20).toFixed(2), seconds: +(ms / 1000).toFixed(2), MiBPerSec: +((bytes / 2 ** 20) / (ms / 1000)).toFixed(2), peakMiB: +(peak / 1024).toFixed(0)})
  rmSync(dir, {recursive: true, force: true})
}
console.log(JSON.stringify({bench: 'nginx-scale', node: process.version, rows}, null, 2))
