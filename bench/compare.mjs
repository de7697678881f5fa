#!/usr/bin/env node
// Two builds of conntune on the same generated trees, interleaved round by round with
// `nginx -t` on the same files, so a busy moment on the machine hits all three alike:
// wall seconds, CPU seconds (user + sys) and peak RSS of each run, and whether the two JSON
// reports are the same bytes. "Before" is another checkout, built (git worktree add DIR REV;
// cd DIR; npm install; npm run build).
//   node bench/compare.mjs --before DIR [--after DIR] [--shapes a,b,c,s,d1,d2,d3] [--size 10000] [--rounds 3]
import {spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {generate, generateLayout} from './gen/nginx.mjs'

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1] : def
}
const beforeDir = arg('before')
if (!beforeDir) throw new Error('--before DIR: a built checkout to compare with')
const afterDir = arg('after', fileURLToPath(new URL('..', import.meta.url)))
const shapes = arg('shapes', 'a,b,c,s,d1,d2,d3').split(',')
const size = Number(arg('size', '10000'))
const rounds = Number(arg('rounds', '3'))
const withNginx = spawnSync('nginx', ['-v']).status === 0

function timed(cmd, args) {
  const r = spawnSync('/usr/bin/time', ['-f', 'time=%e %U %S %M', cmd, ...args], {encoding: 'utf8', maxBuffer: 1 << 28})
  const m = /time=([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(r.stderr)
  if (!m) throw new Error(`${cmd} ${args.join(' ')}: no timing (${r.stderr.slice(-300)})`)
  return {status: r.status, wall: Number(m[1]), cpu: +(Number(m[2]) + Number(m[3])).toFixed(2), peakMB: Math.round(Number(m[4]) / 1024)}
}

const range = (xs) => (Math.min(...xs) === Math.max(...xs) ? `${Math.min(...xs)}` : `${Math.min(...xs)}–${Math.max(...xs)}`)

const rows = []
for (const shape of shapes) {
  const dir = mkdtempSync(join(tmpdir(), `ct-compare-${shape}-`))
  const g = shape.startsWith('d') ? generateLayout(dir, shape, size) : generate(dir, shape, size)
  const check = (root, out) => [join(root, 'bin/run.js'), 'check', g.entry, '--kind', 'nginx', '--max-file-size', '1GiB', '--nginx-version', '1.24.0', '--format', 'json', '--fail-on', 'none', '-o', join(dir, out)]
  const runs = {before: [], after: [], nginx: []}
  for (let i = 0; i < rounds; i++) {
    runs.before.push(timed(process.execPath, check(beforeDir, 'before.json')))
    runs.after.push(timed(process.execPath, check(afterDir, 'after.json')))
    if (withNginx) runs.nginx.push(timed('nginx', ['-t', '-q', '-c', g.entry, '-p', `${dir}/`]))
  }
  const ok = (r) => r.status === 0 || r.status === 1
  const sum = (list) => (list.length === 0 ? null : list.every(ok) ? {wall: range(list.map((r) => r.wall)), cpu: range(list.map((r) => r.cpu)), peakMB: range(list.map((r) => r.peakMB))} : {exit: range(list.map((r) => r.status))})
  let sameReport = null
  try {
    sameReport = readFileSync(join(dir, 'before.json')).equals(readFileSync(join(dir, 'after.json')))
  } catch {}
  const row = {shape, size, MiB: +(g.bytes / 2 ** 20).toFixed(2), files: g.files, before: sum(runs.before), after: sum(runs.after), nginxT: sum(runs.nginx), sameReport}
  rows.push(row)
  process.stderr.write(`${JSON.stringify(row)}\n`)
  rmSync(dir, {recursive: true, force: true})
}
// Each build by its commit, not its path: a checkout's path says nothing to a reader.
const revOf = (d) => spawnSync('git', ['-C', d, 'rev-parse', '--short', 'HEAD'], {encoding: 'utf8'}).stdout.trim() || 'unknown'
console.log(JSON.stringify({bench: 'compare', node: process.version, before: revOf(beforeDir), after: revOf(afterDir), rows}, null, 2))
