#!/usr/bin/env node
// Bounded HTTP load on loopback for the lab. Modes:
//   bursts URL C ROUNDS GAPMIN GAPMAX POSTRATIO  C requests at once (POSTRATIO of them POST),
//                                                 then an idle gap swept over [GAPMIN, GAPMAX] s:
//                                                 every pooled upstream connection goes idle
//                                                 together, so a burst can meet gunicorn's
//                                                 keep-alive close
//   close URL C SECONDS                           C clients, each request with Connection: close
//   flat URL C SECONDS                            C keep-alive clients, back to back (throughput)
// Prints one JSON line: requests, seconds, rps, counts by "METHOD status".
import http from 'node:http'

const [mode, url] = process.argv.slice(2, 4)
const nums = process.argv.slice(4).map(Number)
const u = new URL(url)
if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(u.hostname)) throw new Error('the lab only drives loopback')
const counts = {}
let n = 0
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
const tally = (method, status) => {
  counts[`${method} ${status}`] = (counts[`${method} ${status}`] ?? 0) + 1
  n++
}

function request(agent, method, close) {
  return new Promise((resolve) => {
    const req = http.request({host: u.hostname, port: u.port, path: '/', method, agent, headers: close ? {Connection: 'close'} : {}}, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode))
    })
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')))
    req.on('error', (e) => resolve(`error:${e.code ?? e.message}`))
    if (method === 'POST') req.write('payload=1')
    req.end()
  })
}

const t0 = Date.now()
if (mode === 'bursts') {
  const [C, rounds, gapMin, gapMax, postRatio] = nums
  const agent = new http.Agent({keepAlive: true, maxSockets: C})
  for (let r = 0; r < rounds; r++) {
    const methods = Array.from({length: C}, (_, i) => (i < Math.round(C * postRatio) ? 'POST' : 'GET'))
    const statuses = await Promise.all(methods.map((m) => request(agent, m, false)))
    statuses.forEach((s, i) => tally(methods[i], s))
    // A low-discrepancy sweep of the gap, so every part of the close window is hit.
    await sleep((gapMin + ((r * 0.618034) % 1) * (gapMax - gapMin)) * 1000)
  }
  agent.destroy()
} else {
  const [C, seconds] = nums
  const close = mode === 'close'
  const end = Date.now() + seconds * 1000
  await Promise.all(
    Array.from({length: C}, async () => {
      const agent = new http.Agent({keepAlive: !close, maxSockets: 1})
      while (Date.now() < end) tally('GET', await request(agent, 'GET', close))
      agent.destroy()
    }),
  )
}
const seconds = (Date.now() - t0) / 1000
console.log(JSON.stringify({mode, requests: n, seconds, rps: Math.round((n / seconds) * 10) / 10, counts}))
