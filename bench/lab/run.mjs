#!/usr/bin/env node
// The request-path lab: real nginx in front of real gunicorn (gthread), inside a network
// namespace this script creates (its own loopback, sysctls and sockets), loopback only.
//   1. misaligned: nginx upstream keep-alive on (as the installed nginx needs it configured),
//      upstream keepalive_timeout 60 s (default) above gunicorn's keepalive 2 s (default);
//      bursts of requests after idle gaps that straddle gunicorn's close; count 502s and the
//      "upstream prematurely closed" / "reset by peer" log lines; audit with conntune.
//   2. apply the keepalive conntune recommends, same load, audit again.
//   3. seed: clients that send Connection: close pile up TIME_WAIT on the server's port;
//      keep-alive clients do not; audit each.
// Prints one JSON document. `--quick` runs shorter (for the test suite).
import {spawn, spawnSync} from 'node:child_process'
import {chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

const quick = process.argv.includes('--quick')
const here = fileURLToPath(new URL('.', import.meta.url))
const bin = fileURLToPath(new URL('../../bin/run.js', import.meta.url))
const NS = `ctlab${process.pid}`
const NGINX_PORT = 18080
const APP_PORT = 18000
// gunicorn's gthread worker closes an idle connection on the first pass of its 1 s select loop
// after `keepalive` seconds, i.e. about 2.00-2.01 s after the response. Requests that arrive in
// that instant meet a connection being closed; a sweep of gaps around it finds the race
// (measured: gaps of 1.995-2.015 s gave 25 x 502 in 960 requests, gaps near 3 s none).
const BURST = {clients: 32, rounds: quick ? 24 : 40, gapMin: 1.995, gapMax: 2.015, postRatio: 0.5}

const dir = mkdtempSync(join(tmpdir(), 'ct-lab-'))
chmodSync(dir, 0o755)
mkdirSync(join(dir, 'tmp'))
copyFileSync(join(here, 'app.py'), join(dir, 'app.py'))

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, {encoding: 'utf8', maxBuffer: 64 << 20, timeout: 300_000, ...opts})
  if (r.error) throw r.error
  return r
}
const inNs = (args, opts) => sh('ip', ['netns', 'exec', NS, ...args], opts)

function writeConfigs(keepalive) {
  writeFileSync(join(dir, 'gunicorn.conf.py'), `bind = "127.0.0.1:${APP_PORT}"\nworker_class = "gthread"\nworkers = 2\nthreads = 8\nkeepalive = ${keepalive}\n`)
  const t = (n) => `${n}_temp_path ${join(dir, 'tmp', n.split('_')[0])};`
  writeFileSync(
    join(dir, 'nginx.conf'),
    `user root;\nworker_processes 1;\npid ${dir}/nginx.pid;\nerror_log ${dir}/error.log error;\nevents { worker_connections 1024; }\nhttp {\n    access_log off;\n    ${['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(t).join('\n    ')}\n    upstream app {\n        server 127.0.0.1:${APP_PORT};\n        keepalive 16;\n    }\n    server {\n        listen 127.0.0.1:${NGINX_PORT};\n        server_name lab;\n        location / {\n            proxy_pass http://app;\n            proxy_http_version 1.1;\n            proxy_set_header Connection "";\n        }\n    }\n}\n`,
  )
}

function waitListening(port) {
  for (let i = 0; i < 100; i++) {
    if (inNs(['ss', '-Hltn', `sport = :${port}`]).stdout.trim()) return
    sh('sleep', ['0.1'])
  }
  throw new Error(`nothing listens on ${port} in ${NS} (see ${dir})`)
}

let gunicorn
function startGunicorn() {
  gunicorn = spawn('ip', ['netns', 'exec', NS, 'gunicorn', '-c', join(dir, 'gunicorn.conf.py'), '--chdir', dir, '--pid', join(dir, 'gunicorn.pid'), 'app:app'], {stdio: ['ignore', 'ignore', 'pipe']})
  gunicorn.stderr.on('data', () => {})
  waitListening(APP_PORT)
}
function stopGunicorn() {
  if (!gunicorn) return
  gunicorn.kill('SIGTERM')
  for (let i = 0; i < 50 && inNs(['ss', '-Hltn', `sport = :${APP_PORT}`]).stdout.trim(); i++) sh('sleep', ['0.1'])
  gunicorn = undefined
}

const load = (...args) => JSON.parse(inNs([process.execPath, join(here, 'load.mjs'), ...args.map(String)]).stdout)
const logSize = () => {
  try {
    return readFileSync(join(dir, 'error.log')).length
  } catch {
    return 0
  }
}
/** The upstream lines nginx logged since byte `from` (the scenario's start). */
function errorLines(from) {
  let text = ''
  try {
    text = readFileSync(join(dir, 'error.log')).subarray(from).toString('utf8')
  } catch {}
  const upstream = text.split('\n').filter((l) => /from upstream/.test(l))
  return {prematurelyClosed: upstream.filter((l) => /upstream prematurely closed connection/.test(l)).length, resetByPeer: upstream.filter((l) => /Connection reset by peer/.test(l)).length}
}
function audit(...extra) {
  const r = inNs([process.execPath, bin, 'audit', '--nginx-conf', join(dir, 'nginx.conf'), '--gunicorn-conf', join(dir, 'gunicorn.conf.py'), '--format', 'json', '--fail-on', 'none', ...extra])
  if (r.status !== 0) throw new Error(`audit exited ${r.status}: ${r.stderr}`)
  return JSON.parse(r.stdout)
}
const hopFindings = (report) => report.findings.filter((f) => f.ruleId === 'hop-backend-idle-shorter')
const serverClosesFirst = (report) => report.findings.filter((f) => f.ruleId === 'sockets-server-closes-first')
const timeWait = (report) => report.hosts[0].sockets.timeWait
// What the audit made of nginx's error log: the race it observed per hop, and the log it read.
const observed = (report) => ({
  raceFindings: report.findings.filter((f) => f.ruleId === 'hop-race-observed').map((f) => ({location: f.location.text, message: f.message, evidence: f.evidence})),
  logs: report.hosts[0].logs ?? null,
})

function scenario(label, since) {
  const from = logSize()
  const burst = load('bursts', `http://127.0.0.1:${NGINX_PORT}/`, BURST.clients, BURST.rounds, BURST.gapMin, BURST.gapMax, BURST.postRatio)
  const flat = load('flat', `http://127.0.0.1:${NGINX_PORT}/`, 8, quick ? 3 : 8)
  const report = audit(...(since ? ['--since', since] : []))
  return {
    label,
    ...(since ? {since} : {}),
    observed: observed(report),
    burst,
    status502: Object.entries(burst.counts).filter(([k]) => k.endsWith(' 502')).reduce((a, [, v]) => a + v, 0),
    ...errorLines(from),
    throughputRps: flat.rps,
    timeWaitAfter: timeWait(report),
    hopFindings: hopFindings(report).map((f) => ({location: f.location.text, message: f.message, fix: f.fix?.summary})),
  }
}

const result = {quick, namespace: NS, burst: BURST}
try {
  sh('ip', ['netns', 'add', NS])
  inNs(['ip', 'link', 'set', 'lo', 'up'])
  result.versions = {nginx: sh('nginx', ['-v']).stderr.trim(), gunicorn: sh('gunicorn', ['--version']).stdout.trim()}

  // 1. misaligned
  writeConfigs(2)
  writeFileSync(join(dir, 'error.log'), '')
  startGunicorn()
  const nginxT = inNs(['nginx', '-t', '-p', dir, '-c', join(dir, 'nginx.conf')])
  if (nginxT.status !== 0) throw new Error(`nginx -t: ${nginxT.stderr}`)
  inNs(['nginx', '-p', dir, '-c', join(dir, 'nginx.conf')])
  waitListening(NGINX_PORT)
  result.misaligned = scenario('gunicorn keepalive 2 (default), nginx upstream keepalive_timeout 60s (default)')

  // 2. conntune's recommendation, applied
  const fix = result.misaligned.hopFindings[0]?.fix ?? ''
  const recommended = Number(/keepalive = (\d+)/.exec(fix)?.[1] ?? NaN)
  result.recommendedKeepalive = recommended
  if (!Number.isFinite(recommended)) throw new Error(`no keepalive recommendation in: ${fix}`)
  // The log is kept across the fix (as on a real host): the window after it must be clean.
  result.misaligned.errorLog = readFileSync(join(dir, 'error.log'), 'utf8').slice(-(4 << 20))
  stopGunicorn()
  // nginx's error-log times have whole seconds: the fix time is past the last misaligned line.
  sh('sleep', ['1.2'])
  const fixedAt = new Date().toISOString()
  writeConfigs(recommended)
  startGunicorn()
  result.aligned = scenario(`gunicorn keepalive ${recommended} (conntune's recommendation)`, fixedAt)
  // The same log without the window: the misaligned run's lines are still in it.
  result.aligned.observedAllDay = observed(audit())

  // 3. seed: who closes first decides where TIME_WAIT piles up
  const seedSeconds = quick ? 4 : 10
  const keep = load('flat', `http://127.0.0.1:${NGINX_PORT}/`, 4, seedSeconds)
  const keepReport = audit()
  const close = load('close', `http://127.0.0.1:${NGINX_PORT}/`, 4, seedSeconds)
  const closeReport = audit()
  result.seed = {
    keepAlive: {requests: keep.requests, rps: keep.rps, timeWait: timeWait(keepReport), serverClosesFirst: serverClosesFirst(keepReport).map((f) => f.message)},
    connectionClose: {requests: close.requests, rps: close.rps, timeWait: timeWait(closeReport), serverClosesFirst: serverClosesFirst(closeReport).map((f) => ({location: f.location.text, message: f.message}))},
  }
} finally {
  try {
    const pid = readFileSync(join(dir, 'nginx.pid'), 'utf8').trim()
    sh('kill', ['-QUIT', pid])
  } catch {}
  stopGunicorn()
  sh('ip', ['netns', 'del', NS])
  rmSync(dir, {recursive: true, force: true})
}
console.log(JSON.stringify(result, null, 2))
