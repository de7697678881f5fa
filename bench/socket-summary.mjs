#!/usr/bin/env node
// Times summarizeSockets over a busy reverse proxy's socket table: 200 000 /proc/net/tcp rows
// plus a /proc/net/tcp6 part, in the kernel's exact row shapes (full sockets, TIME_WAIT
// minisockets, request sockets). One warm-up, then 5 timed runs; prints JSON with the median.
//
//   node bench/socket-summary.mjs                       # uses ../dist (npm run build)
//   CONNTUNE_DIST=/tmp/ctdist node bench/socket-summary.mjs
//   BENCH_ROWS=500000 node bench/socket-summary.mjs     # other sizes
import path from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const dist = path.resolve(process.env.CONNTUNE_DIST ?? path.join(here, '..', 'dist'))
const {summarizeSockets} = await import(pathToFileURL(path.join(dist, 'model', 'sockets.js')).href)

const ROWS = Number(process.env.BENCH_ROWS ?? 200_000)
const ROWS6 = Math.round(ROWS / 10)
const RUNS = 5

// Deterministic pseudo-random numbers, so every run measures the same table.
let seed = 0x2545f491
const rand = (n) => {
  seed ^= seed << 13
  seed ^= seed >>> 17
  seed ^= seed << 5
  return (seed >>> 0) % n
}

const hex = (n, w) => (n >>> 0).toString(16).toUpperCase().padStart(w, '0')
// The kernel prints each 32-bit word of the address as a host-order (little-endian) integer.
const word = (a, b, c, d) => hex(a | (b << 8) | (c << 16) | (d << 24), 8)
const v4 = (ip) => word(...ip.split('.').map(Number))
const v6 = (bytes) => word(bytes[0], bytes[1], bytes[2], bytes[3]) + word(bytes[4], bytes[5], bytes[6], bytes[7]) + word(bytes[8], bytes[9], bytes[10], bytes[11]) + word(bytes[12], bytes[13], bytes[14], bytes[15])
const mapped = (ip) => v6([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...ip.split('.').map(Number)])
const v6addr = (i) => v6([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (i >> 8) & 0xff, i & 0xff])

function row(sl, local, lport, remote, rport, st, pad) {
  const head = `${String(sl).padStart(4)}: ${local}:${hex(lport, 4)} ${remote}:${hex(rport, 4)} ${hex(st, 2)}`
  let line
  if (st === 6) line = `${head} 00000000:00000000 03:00000F2B 00000000     0        0 0 3 0000000000000000`
  else if (st === 3) line = `${head} 00000000:00000000 01:00000064 00000000     0        0 0 0 0000000000000000`
  else line = `${head} 00000000:00000000 00:00000000 00000000    33        0 ${100000 + sl} 1 0000000000000000 20 4 30 10 -1`
  return pad ? line.padEnd(149) : line
}

const HOST = '10.0.0.5'
const upstreams = ['10.0.1.10', '10.0.1.11', '10.0.1.12']
const clientIp = (i) => `198.51.${(i >> 8) & 0xff}.${i & 0xff}`

function buildTcp(n) {
  const lines = ['  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode'.padEnd(149)]
  let sl = 0
  const add = (l, lp, r, rp, st) => lines.push(row(sl++, l, lp, r, rp, st, true))
  add(v4('0.0.0.0'), 80, v4('0.0.0.0'), 0, 10)
  add(v4('0.0.0.0'), 443, v4('0.0.0.0'), 0, 10)
  add(v4('0.0.0.0'), 22, v4('0.0.0.0'), 0, 10)
  add(v4('127.0.0.1'), 8000, v4('0.0.0.0'), 0, 10)
  const host = v4(HOST)
  const lo = v4('127.0.0.1')
  while (sl < n) {
    const k = rand(100)
    const eph = 32768 + rand(28232)
    if (k < 30) add(host, 443, v4(clientIp(rand(60000))), 1024 + rand(64000), 1) // clients on :443
    else if (k < 48) add(host, rand(2) ? 80 : 443, v4(clientIp(rand(60000))), 1024 + rand(64000), 6) // server closes first
    else if (k < 50) add(host, 443, v4(clientIp(rand(60000))), 1024 + rand(64000), 3)
    else if (k < 60) add(host, eph, v4(upstreams[rand(3)]), 8080, 1) // proxy → upstreams
    else if (k < 82) add(host, eph, v4(upstreams[rand(3)]), 8080, 6) // proxy closes first
    else if (k < 86) add(lo, eph, lo, 8000, 1) // nginx → gunicorn on loopback
    else if (k < 90) add(lo, 8000, lo, eph, 1)
    else if (k < 96) add(lo, eph, lo, 8000, 6)
    else if (k < 98) add(lo, 8000, lo, eph, 8) // the app never closes
    else if (k < 99) add(host, eph, v4(upstreams[0]), 8080, 8)
    else add(host, eph, v4(upstreams[rand(3)]), 8080, [2, 4, 5, 9, 11][rand(5)])
  }
  return lines.join('\n') + '\n'
}

function buildTcp6(n) {
  const lines = ['  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode']
  let sl = 0
  const add = (l, lp, r, rp, st) => lines.push(row(sl++, l, lp, r, rp, st, false))
  const any = v6(new Array(16).fill(0))
  add(any, 443, any, 0, 10)
  const me = v6addr(5)
  while (sl < n) {
    const k = rand(10)
    if (k < 5) add(me, 443, v6addr(1000 + rand(50000)), 1024 + rand(64000), 1)
    else if (k < 8) add(me, 443, v6addr(1000 + rand(50000)), 1024 + rand(64000), 6)
    else add(mapped(HOST), 443, mapped(clientIp(rand(60000))), 1024 + rand(64000), 1) // IPv4 via [::]
  }
  return lines.join('\n') + '\n'
}

const tcp = buildTcp(ROWS)
const tcp6 = buildTcp6(ROWS6)
const range = {low: 32768, high: 60999, available: 28232}

const run = () => {
  const t0 = process.hrtime.bigint()
  const r = summarizeSockets({tcp, tcp6}, range)
  const ms = Number(process.hrtime.bigint() - t0) / 1e6
  return {ms, r}
}

const warm = run()
if (warm.r.errors.length > 0) throw new Error(`bench table did not parse cleanly: ${warm.r.errors[0]}`)
const times = []
for (let i = 0; i < RUNS; i++) times.push(run().ms)
const sorted = [...times].sort((a, b) => a - b)
const median = sorted[Math.floor(RUNS / 2)]
const rows = warm.r.value.total

process.stdout.write(
  JSON.stringify(
    {
      bench: 'socket-summary',
      rows,
      tcpRows: ROWS,
      tcp6Rows: ROWS6,
      textMiB: Number(((tcp.length + tcp6.length) / 1048576).toFixed(1)),
      runs: RUNS,
      medianMs: Number(median.toFixed(1)),
      minMs: Number(sorted[0].toFixed(1)),
      maxMs: Number(sorted[RUNS - 1].toFixed(1)),
      rowsPerSec: Math.round(rows / (median / 1000)),
      node: process.version,
      summary: {
        states: warm.r.value.states,
        timeWait: warm.r.value.timeWait,
        topDestination: warm.r.value.destinations[0],
      },
    },
    null,
    2,
  ) + '\n',
)
