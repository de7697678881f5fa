#!/usr/bin/env node
// Startup cost, as a ratio to bare `node -e 0`: what every invocation pays. Runs each command
// N times (after warm-ups) in alternation and reports medians, so a busy moment on the
// machine hits all of them alike. Usage: node bench/startup.mjs [runs=30]
import {spawnSync} from 'node:child_process'
import {fileURLToPath} from 'node:url'

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
