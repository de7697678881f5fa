// The keepalive timer in /proc/net/tcp ("tr" 2, Documentation/networking/proc_net_tcp.rst) as
// the kernel shows it: a socket with SO_KEEPALIVE has it running, one without has none.
import fs from 'node:fs'
import net from 'node:net'
import {scanProcNetTcp, TCP_TIMER_KEEPALIVE} from '../../src/parsers/proc/tcp.js'
import {summarizeSockets} from '../../src/model/sockets.js'

/** Timer of each socket by local port (this host's /proc/net/tcp, loopback only here). */
function timers(): Map<number, number> {
  const out = new Map<number, number>()
  scanProcNetTcp(fs.readFileSync('/proc/net/tcp', 'utf8'), '/proc/net/tcp', 4, (_s, _l, lport, _r, _rp, timer) => out.set(lport, timer))
  return out
}

describe('keepalive timers in /proc/net/tcp', () => {
  it('reads tr 2 for a socket with SO_KEEPALIVE and counts it in the summary', async () => {
    const server = net.createServer(() => undefined)
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
    const port = (server.address() as net.AddressInfo).port
    const plain = net.connect(port, '127.0.0.1')
    const kept = net.connect(port, '127.0.0.1')
    await Promise.all([plain, kept].map((s) => new Promise((ok) => s.once('connect', ok))))
    // SO_KEEPALIVE with a long idle time: the timer stays armed (tr 2) while the test reads it.
    kept.setKeepAlive(true, 3600_000)
    try {
      const t = timers()
      expect({kept: t.get(kept.localPort!), plain: t.get(plain.localPort!)}).toEqual({kept: TCP_TIMER_KEEPALIVE, plain: 0})
      const summary = summarizeSockets({tcp: fs.readFileSync('/proc/net/tcp', 'utf8')}, {low: 32768, high: 60999, available: 28232}).value
      expect(summary.keepaliveTimers).toBeGreaterThanOrEqual(1)
    } finally {
      plain.destroy()
      kept.destroy()
      await new Promise((ok) => server.close(ok))
    }
  })
})
