#!/usr/bin/env node
// Makes real TIME_WAIT sockets on loopback inside whatever network namespace it runs in:
//   --server-closes N  connections to a server on :8081 that closes first (TIME_WAIT on 8081)
//   --client-closes N  connections to a server on :8082 that the client closes first
//                      (TIME_WAIT toward 127.0.0.1:8082 on this side)
// Listeners stay open (so the audit sees the LISTEN sockets) until stdin closes.
// Prints "ready <ms>" where <ms> is the wall time since the first connection was made: TIME_WAIT
// lasts 60 s in Linux (TCP_TIMEWAIT_LEN), so the caller must audit well within that window.
import {createServer, connect} from 'node:net'

const arg = (name) => Number(process.argv[process.argv.indexOf(name) + 1] ?? 0)
const serverCloses = Math.min(arg('--server-closes'), 5000)
const clientCloses = Math.min(arg('--client-closes'), 5000)

function listen(port, onConn) {
  return new Promise((resolve, reject) => {
    const s = createServer(onConn)
    s.on('error', reject)
    s.listen({port, host: '127.0.0.1', backlog: 1024}, () => resolve(s))
  })
}

// Server that sends FIN first: end() at once; the client answers EOF with its own FIN.
const closer = await listen(8081, (sock) => sock.end())
// Server that waits for the client's FIN, then closes (allowHalfOpen false does it).
const waiter = await listen(8082, (sock) => sock.resume())

// On loopback both ends share one port space: a reused client port would meet the server's
// TIME_WAIT for the same 4-tuple, and a new SYN ends that TIME_WAIT early. Connections to the
// closing server therefore take distinct explicit ports from below the ephemeral range.
function once(port, clientFirst, localPort) {
  return new Promise((resolve, reject) => {
    const c = connect({port, host: '127.0.0.1', ...(localPort ? {localPort, localAddress: '127.0.0.1'} : {})}, () => {
      if (clientFirst) c.end()
    })
    c.on('error', reject)
    c.resume()
    c.on('close', resolve)
  })
}

// In batches rather than one by one: on a loaded CI machine a strictly sequential run took long
// enough that the first TIME_WAIT sockets expired before the audit counted them.
async function batched(n, make) {
  for (let i = 0; i < n; i += 100) {
    await Promise.all(Array.from({length: Math.min(100, n - i)}, (_, j) => make(i + j)))
  }
}

const started = Date.now()
await batched(serverCloses, (i) => once(8081, false, 20000 + i))
// One at a time: these take ephemeral ports, and with a hundred connect()s in flight a few
// came back without their TIME_WAIT (597 of 600 in one CI run).
for (let i = 0; i < clientCloses; i++) await once(8082, true)
process.stdout.write(`ready ${Date.now() - started}\n`)
process.stdin.resume()
process.stdin.on('end', () => {
  closer.close()
  waiter.close()
  process.exit(0)
})
