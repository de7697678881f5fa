// A rule example's compact input → a real Snapshot, so examples run through the same
// parsers and model as a live host: sysctls start at the example kernel's defaults, files
// land in their directories, and `sockets` rows are rendered as /proc/net/tcp(6) text.
import {posix} from 'node:path'
import {kernelDefault, parseKernelRelease} from '../model/kernel.js'
import {SYSCTL_KEYS} from '../snapshot/kernel-keys.js'
import {SNAPSHOT_FORMAT, SNAPSHOT_VERSION, type Snapshot} from '../snapshot/types.js'
import type {RuleExample} from './types.js'
import {keepLine} from '../parsers/nginx-logs/signatures.js'
import {compareCodePoints} from '../text/order.js'

const STATE_HEX: Record<string, string> = {
  ESTABLISHED: '01', SYN_SENT: '02', SYN_RECV: '03', FIN_WAIT1: '04', FIN_WAIT2: '05', TIME_WAIT: '06',
  CLOSE: '07', CLOSE_WAIT: '08', LAST_ACK: '09', LISTEN: '0A', CLOSING: '0B',
}

function splitHostPort(s: string): {ip: string; port: number} {
  const m = /^\[(.*)\]:(\d+)$/.exec(s) ?? /^(.*):(\d+)$/.exec(s)
  if (!m) throw new Error(`example address "${s}" is not ip:port or [ipv6]:port`)
  return {ip: m[1], port: Number(m[2])}
}

function hex(n: number, width: number): string {
  return n.toString(16).toUpperCase().padStart(width, '0')
}

/** 32-bit words in host (little-endian) byte order, as the kernel prints them. */
function le32(bytes: number[]): string {
  let out = ''
  for (let i = 0; i < bytes.length; i += 4) out += [bytes[i + 3], bytes[i + 2], bytes[i + 1], bytes[i]].map((b) => hex(b, 2)).join('')
  return out
}

export function ipv6Bytes(ip: string): number[] {
  let head = ip
  let tail = ''
  // Starting only where a digit run starts: the same match, without O(n²) on a long run.
  const v4 = /(?<!\d)(\d+\.\d+\.\d+\.\d+)$/.exec(ip)
  const words: number[] = []
  if (v4) {
    const b = v4[1].split('.').map(Number)
    tail = `${((b[0] << 8) | b[1]).toString(16)}:${((b[2] << 8) | b[3]).toString(16)}`
    head = ip.slice(0, -v4[1].length) + tail
  }
  const [l, r] = head.includes('::') ? head.split('::') : [head, undefined]
  const left = l ? l.split(':').map((w) => parseInt(w, 16)) : []
  const right = r ? r.split(':').map((w) => parseInt(w, 16)) : []
  words.push(...left, ...new Array(8 - left.length - right.length).fill(0), ...right)
  return words.flatMap((w) => [w >> 8, w & 0xff])
}

function encodeAddr(ip: string, v6: boolean): string {
  if (!v6) return le32(ip.split('.').map(Number))
  return le32(ipv6Bytes(ip))
}

const HEADER = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n'
const HEADER6 = '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n'

export function renderProcNetTcp(rows: NonNullable<NonNullable<RuleExample['host']>['sockets']>, ephemeral: {low: number; high: number} = {low: 32768, high: 60999}): {tcp: string; tcp6: string} {
  let tcp = HEADER
  let tcp6 = HEADER6
  let n4 = 0
  let n6 = 0
  for (const row of rows) {
    const local = splitHostPort(row.local)
    const remote = splitHostPort(row.remote)
    const v6 = local.ip.includes(':')
    if (v6 !== remote.ip.includes(':')) throw new Error(`example socket ${row.local} -> ${row.remote} mixes IPv4 and IPv6`)
    for (let i = 0; i < (row.count ?? 1); i++) {
      // Distinct local ports keep outbound rows distinct sockets, as they are on a host.
      const lport = STATE_HEX[row.state] === '0A' || local.port !== 0 ? local.port : ephemeral.low + (i % (ephemeral.high - ephemeral.low + 1))
      const rport = remote.port
      const line = `${encodeAddr(local.ip, v6)}:${hex(lport, 4)} ${encodeAddr(remote.ip, v6)}:${hex(rport, 4)} ${STATE_HEX[row.state]} 00000000:00000000 00:00000000 00000000     0        0 ${1000 + n4 + n6} 1 0000000000000000 100 0 0 10 0\n`
      if (v6) tcp6 += `${String(n6++).padStart(5)}: ${line}`
      else tcp += `${String(n4++).padStart(4)}: ${line}`
    }
  }
  return {tcp, tcp6}
}

export function exampleSnapshot(ex: RuleExample): Snapshot {
  const h = ex.host ?? {}
  const filesOnly = ex.options?.filesOnly === true
  const kernel = parseKernelRelease(filesOnly ? null : (h.kernel ?? '6.1.0'))
  const snap: Snapshot = {
    format: SNAPSHOT_FORMAT,
    version: SNAPSHOT_VERSION,
    collector: {tool: 'conntune', version: 'example', source: 'example'},
    collectedAt: '2026-01-01T00:00:00.000Z',
    host: {name: 'example'},
    kernel: {release: kernel.release},
    sysctl: {},
    proc: {},
    files: {},
    dirs: {},
  }
  if (!filesOnly) {
    const ehash = h.sysctl?.['net.ipv4.tcp_ehash_entries'] ?? '262144'
    for (const key of SYSCTL_KEYS) {
      const def = key === 'net.ipv4.tcp_ehash_entries' ? ehash : kernelDefault(key, kernel, {ehashEntries: Number(ehash)})
      if (def === 'absent') snap.sysctl[key] = {absent: true}
      else if (def !== null) snap.sysctl[key] = {value: def}
      else if (key === 'net.ipv4.tcp_max_orphans') snap.sysctl[key] = {value: String(Number(ehash) / 2)}
      else if (key === 'net.ipv4.tcp_max_syn_backlog') snap.sysctl[key] = {value: '4096'}
    }
    for (const [key, value] of Object.entries(h.sysctl ?? {})) snap.sysctl[key] = value === null ? {absent: true} : {value}
    const [low, high] = (snap.sysctl['net.ipv4.ip_local_port_range']?.value ?? '32768 60999').trim().split(/\s+/).map(Number)
    const rendered = renderProcNetTcp(h.sockets ?? [], {low, high})
    const tw = (h.sockets ?? []).filter((s) => s.state === 'TIME_WAIT').reduce((a, s) => a + (s.count ?? 1), 0)
    const inuse = (h.sockets ?? []).filter((s) => s.state !== 'TIME_WAIT').reduce((a, s) => a + (s.count ?? 1), 0)
    snap.proc['net/tcp'] = {text: rendered.tcp}
    snap.proc['net/tcp6'] = {text: rendered.tcp6}
    snap.proc['net/sockstat'] = {text: `sockets: used ${inuse}\nTCP: inuse ${inuse} orphan 0 tw ${tw} alloc ${inuse} mem 1\n`}
    snap.proc['net/netstat'] = {text: 'TcpExt: TW TWRecycled TWKilled TCPTimeWaitOverflow\nTcpExt: 0 0 0 0\n'}
    for (const [p, text] of Object.entries(h.proc ?? {})) snap.proc[p] = {text}
  }
  const files: Record<string, string> = {...(h.files ?? {})}
  if (h.nginx !== undefined) files['/etc/nginx/nginx.conf'] = `events {}\nhttp {\n${h.nginx}${h.nginx.endsWith('\n') ? '' : '\n'}}\n`
  if (h.lighttpd !== undefined) files['/etc/lighttpd/lighttpd.conf'] = h.lighttpd
  if (h.gunicorn !== undefined) files['/etc/gunicorn.conf.py'] = h.gunicorn
  if (ex.options?.nginxDump) {
    // As `nginx -T` prints it: the main file first, then each other file once.
    const paths = Object.keys(files).filter((p) => p.startsWith('/etc/nginx/')).sort((a, b) => (a === '/etc/nginx/nginx.conf' ? -1 : b === '/etc/nginx/nginx.conf' ? 1 : compareCodePoints(a, b)))
    snap.commands = {'nginx -T': {exitCode: 0, stderr: 'nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\nnginx: configuration file /etc/nginx/nginx.conf test is successful\n', stdout: paths.map((p) => `# configuration file ${p}:\n${files[p]}\n`).join('')}}
  }
  for (const [path, text] of Object.entries(files)) {
    snap.files[path] = {text}
    const dir = posix.dirname(path)
    const entries = snap.dirs[dir]?.entries ?? []
    entries.push(posix.basename(path))
    snap.dirs[dir] = {entries: entries.sort()}
  }
  const logs: Array<['error' | 'access', string | undefined, string]> = [['error', h.errorLog, '/var/log/nginx/error.log'], ['access', h.accessLog, '/var/log/nginx/access.log']]
  for (const [kind, text, path] of logs) {
    if (text === undefined) continue
    // As the collector keeps it: only the lines it would grep for.
    const lines = text.split('\n').filter((l) => keepLine(kind, l))
    snap.logs ??= {utcOffset: '+0000', files: {}}
    snap.logs.files[path] = {kind, lines, matched: lines.length, bytes: text.length}
  }
  return snap
}
