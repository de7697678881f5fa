#!/usr/bin/env node
// The nginx parser alone (issue 14: "nginx parsing at 30 MB/s or more; memory per directive
// stated"): lexer + parser + include resolution, the parseNginx() the model calls, on files
// already in memory (no reading, no model, no rules). Per shape and size: MB/s over the median
// of N runs, the heap the parse tree keeps (after a full GC, with the tree alive) and that per
// directive. `node --expose-gc bench/parse-nginx.mjs [--shapes a,d1,d2,d3] [--sizes 1000,10000] [--runs 5]`
// crossplane is run beside it when installed (`crossplane parse`), wall time of the whole process.
// The per-file (8 MiB) and file-count (5 000) limits of the product are raised here, so shapes
// d1 and d2 can be measured at every size: `check` itself refuses what exceeds them.
import {spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, readdirSync, rmSync, statSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {generate, generateLayout} from './gen/nginx.mjs'
import {parseNginx} from '../dist/parsers/nginx/index.js'
import {MemoryFileReader} from '../dist/parsers/memory-reader.js'

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1] : def
}
const shapes = arg('shapes', 'a,d1,d2,d3').split(',')
const sizes = arg('sizes', '1000,10000').split(',').map(Number)
const runs = Number(arg('runs', '5'))
if (typeof global.gc !== 'function') throw new Error('run with node --expose-gc')
const crossplane = spawnSync('crossplane', ['--version'], {encoding: 'utf8'}).status === 0

function readTree(dir) {
  const files = {}
  let bytes = 0
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name)
      if (statSync(p).isDirectory()) walk(p)
      else if (p.endsWith('.conf')) {
        files[p] = readFileSync(p, 'utf8')
        bytes += Buffer.byteLength(files[p])
      }
    }
  }
  walk(dir)
  return {files, bytes}
}

function countDirectives(config) {
  let n = 0
  const walk = (list) => {
    for (const d of list) {
      n++
      if (d.block) walk(d.block)
    }
  }
  for (const f of config.files) walk(f.parsed)
  return n
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const rows = []
// The trees measured stay reachable from here until the next run, so the GC cannot take them.
const keep = []
for (const shape of shapes) {
  for (const n of sizes) {
    const dir = mkdtempSync(join(tmpdir(), `ct-parse-${shape}-`))
    const g = shape.startsWith('d') ? generateLayout(dir, shape, n) : generate(dir, shape, n)
    const {files, bytes} = readTree(dir)
    const reader = new MemoryFileReader(files)
    const times = []
    let directives = 0
    let retained = 0
    for (let i = 0; i < runs; i++) {
      keep.length = 0
      global.gc()
      const before = process.memoryUsage().heapUsed
      const t0 = process.hrtime.bigint()
      const r = parseNginx(g.entry, reader, {spans: false, maxFileBytes: 256 * 1024 * 1024, maxFiles: 200_000})
      times.push(Number(process.hrtime.bigint() - t0) / 1e9)
      if (r.errors.length > 0) throw new Error(`${shape} ${n}: ${r.errors[0].message}`)
      keep.push(r)
      global.gc()
      retained = Math.max(retained, process.memoryUsage().heapUsed - before)
      directives = countDirectives(r.value)
    }
    const s = median(times)
    let cp = null
    if (crossplane) {
      const t0 = process.hrtime.bigint()
      const c = spawnSync('crossplane', ['parse', '--no-catch', g.entry], {maxBuffer: 1 << 30})
      cp = c.status === 0 ? +(Number(process.hrtime.bigint() - t0) / 1e9).toFixed(2) : null
    }
    rows.push({shape, size: n, files: Object.keys(files).length, MiB: +(bytes / 2 ** 20).toFixed(2), directives, seconds: +s.toFixed(3), MiBPerSec: +(bytes / 2 ** 20 / s).toFixed(1), retainedMiB: +(retained / 2 ** 20).toFixed(1), bytesPerDirective: Math.round(retained / directives), crossplaneSeconds: cp})
    rmSync(dir, {recursive: true, force: true})
    process.stderr.write(`${JSON.stringify(rows.at(-1))}\n`)
  }
}
console.log(JSON.stringify({node: process.version, crossplane, runs, rows}, null, 2))
