#!/usr/bin/env node
// Makes real TIME_WAIT sockets on loopback inside whatever network namespace it runs in:
//   --server-closes N  connections to a server on :8081 that closes first (TIME_WAIT on 8081)
//   --client-closes N  connections to a server on :8082 that the client closes first
//                      (TIME_WAIT toward 127.0.0.1:8082 on this side)
// Listeners stay open (so the audit sees the LISTEN sockets) until stdin closes.
import {createServer, connect} from 'node:net'

const arg = (name) => Number(process.argv[process.argv.indexOf(name) + 1] ?? 0)
const serverCloses = arg('--server-closes')
const clientCloses = arg('--client-closes')

function listen(port, onConn) {
  return new Promise((resolve, reject) => {
    const s = createServer(onConn)
    s.on('error', reject)
    s.listen(port, '127.0.0.1', () => resolve(s))
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

// Bounded and sequential: a few thousand connections at most, loopback only.
for (let i = 0; i < Math.min(serverCloses, 5000); i++) await once(8081, false, 20000 + i)
for (let i = 0; i < Math.min(clientCloses, 5000); i++) await once(8082, true)
process.stdout.write('ready\n')
process.stdin.resume()
process.stdin.on('end', () => {
  closer.close()
  waiter.close()
  process.exit(0)
})
