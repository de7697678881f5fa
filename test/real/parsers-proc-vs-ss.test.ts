// /proc/net/tcp{,6} as conntune reads it, against ss(8) reading the same sockets through
// sock_diag netlink: an independent decoder of the same kernel state. Runs in a throwaway
// network namespace (unshare -n) so the only sockets are the ones this test makes.
import {spawnSync} from 'node:child_process'
import {summarizeSockets} from '../../src/model/sockets.js'
import {AddressTable} from '../../src/parsers/proc/address.js'
import {scanProcNetTcp, TCP_STATE_NAMES} from '../../src/parsers/proc/tcp.js'
import {parseSockstat} from '../../src/parsers/proc/sockstat.js'
import {describeReal, missingProgram} from './require-real.js'

function missingUnshare(): string | null {
  const r = spawnSync('unshare', ['-n', 'true'], {encoding: 'utf8'})
  if (r.error) return `unshare is not runnable here (${r.error.message})`
  if (r.status !== 0) return `cannot create a network namespace with unshare -n: ${r.stderr.trim()}`
  return null
}

// Child: listeners and connections in known states on loopback, then one capture of
// /proc/net and `ss -tanH` while every socket is still open.
const CHILD = `
import net from 'node:net'
import fs from 'node:fs'
import {execFileSync} from 'node:child_process'
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
function listen(opts, halfOpen = false) {
  const sockets = []
  const server = net.createServer({allowHalfOpen: halfOpen}, (s) => sockets.push(s))
  return new Promise((res) => server.listen(opts, () => res({sockets, port: server.address().port})))
}
const connect = (port, host) => new Promise((res, rej) => { const s = net.connect({port, host}, () => res(s)); s.on('error', rej) })
async function pairs(l, host, n) { const c = []; for (let i = 0; i < n; i++) c.push(await connect(l.port, host)); while (l.sockets.length < c.length) await sleep(5); return c }
const v4only = await listen({host: '127.0.0.1', port: 8001})
const dual = await listen({host: '::', port: 8002, ipv6Only: false}, true)
const any4 = await listen({host: '0.0.0.0', port: 8003})
const v6lo = await listen({host: '::1', port: 8004})
await pairs(any4, '127.0.0.1', 5); for (const s of any4.sockets.splice(0)) s.destroySoon()
for (const s of await pairs(v4only, '127.0.0.1', 7)) s.end()
for (const s of await pairs(dual, '127.0.0.1', 3)) s.end()
await pairs(v6lo, '::1', 2); await pairs(dual, '::1', 1); await pairs(dual, '127.0.0.1', 4)
await sleep(300)
const read = (n) => fs.readFileSync('/proc/net/' + n, 'utf8')
const out = {tcp: read('tcp'), tcp6: read('tcp6'), sockstat: read('sockstat'), ss: execFileSync('ss', ['-tanH'], {encoding: 'utf8'})}
process.stdout.write(JSON.stringify(out))
process.exit(0)
`

interface Capture {
  tcp: string
  tcp6: string
  sockstat: string
  ss: string
}

// ss state names → kernel names.
const SS_STATE: Record<string, string> = {
  ESTAB: 'ESTABLISHED',
  'SYN-SENT': 'SYN_SENT',
  'SYN-RECV': 'SYN_RECV',
  'FIN-WAIT-1': 'FIN_WAIT1',
  'FIN-WAIT-2': 'FIN_WAIT2',
  'TIME-WAIT': 'TIME_WAIT',
  UNCONN: 'CLOSE',
  'CLOSE-WAIT': 'CLOSE_WAIT',
  'LAST-ACK': 'LAST_ACK',
  LISTEN: 'LISTEN',
  CLOSING: 'CLOSING',
}

/**
 * ss endpoint → conntune endpoint. ss prints a dual-stack (not IPV6_V6ONLY) [::] socket as
 * "*", which /proc shows as [::]; v4-mapped peers as [::ffff:a.b.c.d]; a wildcard port as "*".
 */
function fromSs(ep: string): string {
  const i = ep.lastIndexOf(':')
  let host = ep.slice(0, i)
  const port = ep.slice(i + 1) === '*' ? '0' : ep.slice(i + 1)
  if (host === '*') host = '[::]'
  const mapped = /^\[::ffff:(\d+\.\d+\.\d+\.\d+)\]$/.exec(host)
  if (mapped) host = mapped[1]
  return `${host}:${port}`
}

describeReal('/proc/net/tcp against ss in a fresh network namespace', [missingUnshare(), missingProgram('ss', ['-V']), missingProgram('ip', ['-V'])], () => {
  let cap: Capture

  beforeAll(() => {
    const r = spawnSync('unshare', ['-n', 'sh', '-c', `ip link set lo up && exec "${process.execPath}" --input-type=module -e "$0"`, CHILD], {
      encoding: 'utf8',
      timeout: 60_000,
      maxBuffer: 64 * 1024 * 1024,
    })
    if (r.status !== 0) throw new Error(`socket maker failed (${r.status}): ${r.stderr}`)
    cap = JSON.parse(r.stdout) as Capture
  }, 90_000)

  it('decodes the same sockets, states and addresses as ss', () => {
    const table = new AddressTable()
    const ours: string[] = []
    for (const [text, fam] of [[cap.tcp, 4], [cap.tcp6, 6]] as const) {
      const errors = scanProcNetTcp(text, `/proc/net/tcp${fam === 6 ? '6' : ''}`, fam, (st, l, lp, r, rp) => {
        const state = TCP_STATE_NAMES[st === 12 ? 3 : st]
        ours.push(`${state} ${table.endpoint(l, lp)} ${table.endpoint(r, rp)}`)
      }, {table})
      expect(errors).toEqual([])
    }
    const theirs = cap.ss
      .trim()
      .split('\n')
      .map((line) => {
        const [state, , , local, peer] = line.trim().split(/\s+/)
        return `${SS_STATE[state] ?? state} ${fromSs(local)} ${fromSs(peer)}`
      })
    expect(ours.length).toBeGreaterThan(20)
    expect([...ours].sort()).toEqual([...theirs].sort())
  })

  it('summarises who closed first the way the sockets were made', () => {
    const {value, errors} = summarizeSockets({tcp: cap.tcp, tcp6: cap.tcp6}, {low: 32768, high: 60999, available: 28232})
    expect(errors).toEqual([])
    const tw = parseSockstat(cap.sockstat, '/proc/net/sockstat').value.tcp?.tw
    expect(value.timeWait).toEqual({total: tw, server: 5, client: 7})
    expect(value.listeners).toEqual([
      {port: 8001, addresses: ['127.0.0.1']},
      {port: 8002, addresses: ['::']},
      {port: 8003, addresses: ['0.0.0.0']},
      {port: 8004, addresses: ['::1']},
    ])
    const lp = new Map(value.listenPorts.map((p) => [p.port, p]))
    expect(lp.get(8002)).toEqual({port: 8002, established: 5, timeWait: 0, closeWait: 3, synRecv: 0, other: 0})
    expect(lp.get(8003)).toMatchObject({timeWait: 5})
    expect(lp.get(8004)).toMatchObject({established: 2})
    expect(value.closeWait).toEqual([{kind: 'listener', port: 8002, remote: null, count: 3}])
    expect(value.destinations.find((d) => d.remote === '127.0.0.1:8001')).toMatchObject({timeWait: 7, total: 7, loopback: true})
    expect(value.destinations.find((d) => d.remote === '127.0.0.1:8002')).toMatchObject({established: 4, other: 3, total: 7})
  })
})
