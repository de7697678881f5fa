// The kernel audit against a real kernel: a network namespace the test creates has its own
// TCP sysctls and sockets, so it is a real host with the settings under test.
import {spawn, spawnSync, type ChildProcessWithoutNullStreams} from 'node:child_process'
import {fileURLToPath} from 'node:url'
import {describeReal, missingNetns} from './require-real.js'

const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url))
const MAKER = fileURLToPath(new URL('./helpers/make-timewait.mjs', import.meta.url))
const NS = `ctk${process.pid}`

function inNs(args: string[]) {
  return spawnSync('ip', ['netns', 'exec', NS, ...args], {encoding: 'utf8', maxBuffer: 64 * 1024 * 1024})
}

function sysctl(key: string, value: string) {
  const r = inNs(['sysctl', '-q', '-w', `${key}=${value}`])
  if (r.status !== 0) throw new Error(`sysctl ${key}=${value} in ${NS}: ${r.stderr}`)
}

function audit(extra: string[] = []) {
  const r = inNs([process.execPath, BIN, 'audit', '--format', 'json', '--fail-on', 'none', ...extra])
  if (r.status !== 0) throw new Error(`audit exited ${r.status}: ${r.stderr}`)
  return JSON.parse(r.stdout)
}

describeReal('kernel audit in a network namespace', [missingNetns()], () => {
  let maker: ChildProcessWithoutNullStreams | undefined
  // Audited once, right after the sockets exist: TIME_WAIT lasts 60 s, and on a loaded machine
  // one audit per test let the oldest sockets expire before the last count.
  let plain: any
  let proxy: any

  beforeAll(async () => {
    spawnSync('ip', ['netns', 'del', NS])
    const add = spawnSync('ip', ['netns', 'add', NS], {encoding: 'utf8'})
    if (add.status !== 0) throw new Error(add.stderr)
    inNs(['ip', 'link', 'set', 'lo', 'up'])
    sysctl('net.ipv4.tcp_tw_reuse', '0')
    sysctl('net.ipv4.tcp_timestamps', '0')
    // A small range makes port pressure reachable with a few hundred real connections.
    sysctl('net.ipv4.ip_local_port_range', '40000 40999')
    maker = spawn('ip', ['netns', 'exec', NS, process.execPath, MAKER, '--server-closes', '1200', '--client-closes', '600'])
    await new Promise<void>((resolve, reject) => {
      let out = ''
      const timer = setTimeout(() => reject(new Error('socket maker timed out')), 60_000)
      maker!.stdout.on('data', (d) => {
        out += d
        const ready = /ready (\d+)/.exec(out)
        if (ready) {
          clearTimeout(timer)
          // The counts below are exact only while the first socket is still in TIME_WAIT.
          if (Number(ready[1]) > 30_000) reject(new Error(`making the sockets took ${ready[1]} ms`))
          else resolve()
        }
      })
      maker!.on('exit', (code) => {
        clearTimeout(timer)
        reject(new Error(`socket maker exited ${code}`))
      })
    })
    plain = audit()
    proxy = audit(['--role', 'proxy'])
  }, 90_000)

  afterAll(() => {
    maker?.stdin.end()
    maker?.kill()
    spawnSync('ip', ['netns', 'del', NS])
  })

  it('counts TIME_WAIT on each side and reads the namespace sysctls', () => {
    const host = plain.hosts[0]
    expect(host.complete).toBe(true)
    expect(host.sockets.timeWait).toEqual({total: 1800, server: 1200, client: 600})
    expect(host.sockets.listening).toEqual([8081, 8082])
  })

  it('reports the server that closes first, naming its port', () => {
    const f = plain.findings.filter((x: any) => x.ruleId === 'sockets-server-closes-first')
    expect(f).toHaveLength(1)
    expect(f[0].location.text).toBe('listening port 8081')
    expect(f[0].evidence.TIME_WAIT).toBe(1200)
  })

  it('reports port pressure toward the upstream the client closes first', () => {
    const f = plain.findings.find((x: any) => x.ruleId === 'sysctl-ephemeral-port-pressure')
    expect(f.severity).toBe('warning')
    expect(f.message).toContain('Toward 127.0.0.1:8082 from 127.0.0.1, 600 sockets hold local ports (600 TIME_WAIT, 0 ESTABLISHED): 60% of the 1000 usable ports.')
  })

  it('as a proxy, tcp_tw_reuse = 0 with that TIME_WAIT pile is reported', () => {
    const ids = proxy.findings.map((x: any) => x.ruleId)
    expect(ids).toContain('sysctl-tw-reuse-off-on-proxy')
    expect(ids).not.toContain('sysctl-tw-reuse-needs-timestamps')
  })

  it('tcp_tw_reuse = 1 with timestamps off is reported as doing nothing', () => {
    sysctl('net.ipv4.tcp_tw_reuse', '1')
    const ids = audit(['--role', 'proxy']).findings.map((x: any) => x.ruleId)
    expect(ids).toContain('sysctl-tw-reuse-needs-timestamps')
    expect(ids).not.toContain('sysctl-tw-reuse-off-on-proxy')
  })

  it('the namespace kept its own settings: the host is untouched', () => {
    const host = spawnSync('cat', ['/proc/sys/net/ipv4/ip_local_port_range'], {encoding: 'utf8'}).stdout.trim().split(/\s+/)
    expect(host).not.toEqual(['40000', '40999'])
  })
})
