#!/usr/bin/env node
// Scale shapes (issue 14): `conntune check --format json` on generated trees at several sizes,
// with wall time, MB/s, peak RSS, `nginx -t` on the same files in the same run, and the
// growth exponent fitted over the sizes (log time / log size: 1 is linear, 2 quadratic).
//   node bench/scale.mjs [--shapes a,b,c,s,d1,d2,d3,e] [--sizes 1000,10000] [--no-nginx]
// Shapes a-d are nginx trees (bench/gen/nginx.mjs); e is a repo of small files of all four
// kinds (nginx, lighttpd, gunicorn, sysctl), sized in files. Socket tables (shape f) are
// bench/socket-summary.mjs (BENCH_ROWS=50000 and 200000).
import {spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {generate, generateLayout} from './gen/nginx.mjs'
import {generateRepo} from './gen/repo.mjs'

const bin = fileURLToPath(new URL('../bin/run.js', import.meta.url))
const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1] : def
}
const shapes = arg('shapes', 'a,b,c,s,d1,d2,d3,e').split(',')
const sizes = arg('sizes', '1000,10000').split(',').map(Number)
const withNginx = !process.argv.includes('--no-nginx') && spawnSync('nginx', ['-v']).status === 0

function peakOf(stderr) {
  return Number(/peakKiB=(\d+)/.exec(stderr)?.[1] ?? NaN) / 1024
}

function timed(cmd, args) {
  const t0 = process.hrtime.bigint()
  const r = spawnSync('/usr/bin/time', ['-f', 'peakKiB=%M', cmd, ...args], {encoding: 'utf8', maxBuffer: 1 << 28})
  return {s: Number(process.hrtime.bigint() - t0) / 1e9, peakMiB: peakOf(r.stderr), status: r.status, stderr: r.stderr}
}

const rows = []
for (const shape of shapes) {
  const series = []
  for (const n of sizes) {
    const dir = mkdtempSync(join(tmpdir(), `ct-scale-${shape}-`))
    const g = shape === 'e' ? generateRepo(dir, n) : shape.startsWith('d') ? generateLayout(dir, shape, n) : generate(dir, shape, n)
    // --max-file-size: shape d1 is one file of up to 100 MB, over the default 4 MiB bound.
    const args = [bin, 'check', g.entry, ...(shape === 'e' ? [] : ['--kind', 'nginx']), '--max-file-size', '1GiB', '--nginx-version', '1.24.0', '--format', 'json', '--fail-on', 'none', '-o', join(dir, 'report.json')]
    const r = timed(process.execPath, args)
    if (r.status !== 0 && r.status !== 1) {
      // A shape over a documented bound (d2: more than 5 000 included files) is recorded, not hidden.
      let why = r.stderr.split('\n').find((l) => l.startsWith('conntune:'))?.trim()
      if (!why && existsSync(join(dir, 'report.json'))) why = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')).hosts?.[0]?.problems?.[0]?.message
      const refused = {shape, size: n, files: g.files, exit: r.status, refused: why ?? r.stderr.slice(-200)}
      rows.push(refused)
      process.stderr.write(`${JSON.stringify(refused)}\n`)
      rmSync(dir, {recursive: true, force: true})
      continue
    }
    const row = {shape, size: n, files: g.files, MiB: +(g.bytes / 2 ** 20).toFixed(2), seconds: +r.s.toFixed(2), MiBPerSec: +(g.bytes / 2 ** 20 / r.s).toFixed(1), peakMiB: Math.round(r.peakMiB)}
    if (withNginx && shape !== 'e') {
      const t = timed('nginx', ['-t', '-q', '-c', g.entry, '-p', `${dir}/`])
      Object.assign(row, {nginxT: +t.s.toFixed(2), nginxTPeakMiB: Math.round(t.peakMiB), nginxTStatus: t.status, ratioNginxT: +(t.s / r.s).toFixed(2)})
    }
    series.push(row)
    rows.push(row)
    process.stderr.write(`${JSON.stringify(row)}\n`)
    rmSync(dir, {recursive: true, force: true})
  }
  if (series.length > 1) {
    const [a, b] = [series[0], series[series.length - 1]]
    rows.push({shape, growthExponent: +(Math.log(b.seconds / a.seconds) / Math.log(b.size / a.size)).toFixed(2), over: `${a.size}..${b.size}`})
  }
}
console.log(JSON.stringify({bench: 'scale', node: process.version, rows}, null, 2))
