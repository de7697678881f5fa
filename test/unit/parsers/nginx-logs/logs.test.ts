import {mkdtempSync, writeFileSync, chmodSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {compileLogFormat, COMBINED_FORMAT, nginxLogTargets, parseErrorLogLine, upstreamPeer} from '../../../../src/parsers/nginx-logs/index.js'
import {readLog} from '../../../../src/sources/logs.js'
import {RootFs} from '../../../../src/sources/rootfs.js'
import {LOG_LIMITS} from '../../../../src/snapshot/config-locations.js'
import {readLogEvidence, windowFor} from '../../../../src/model/evidence.js'
import type {Snapshot} from '../../../../src/snapshot/types.js'

// Lines as nginx 1.22 (Debian 12) writes them, from ngx_http_upstream.c / ngx_event_connect.c.
const PREMATURE = '2026/12/02 10:00:00 [error] 123#123: *45 upstream prematurely closed connection while reading response header from upstream, client: 10.0.0.1, server: x, request: "POST /a HTTP/1.1", upstream: "http://127.0.0.1:8000/a", host: "x"'
const RESET = '2026/12/02 10:00:01 [error] 123#123: *46 recv() failed (104: Connection reset by peer) while reading response header from upstream, client: 10.0.0.1, server: x, request: "GET / HTTP/1.1", upstream: "http://[::1]:8000/", host: "x"'
const PIPE = '2026/12/02 10:00:02 [error] 123#123: *47 writev() failed (32: Broken pipe) while sending request to upstream, client: 10.0.0.1, server: x, request: "PUT /b HTTP/1.1", upstream: "http://unix:/run/app.sock:/b", host: "x"'
const TIMEOUT = '2026/12/02 10:00:03 [error] 123#123: *48 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 10.0.0.1, server: x, request: "GET /slow HTTP/1.1", upstream: "http://10.0.0.5:8080/slow", host: "x"'
const REFUSED = '2026/12/02 10:00:04 [error] 123#123: *49 connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.1, server: x, request: "GET / HTTP/1.1", upstream: "http://127.0.0.1:8000/", host: "x"'
const REFUSED_PEER = '2026/12/02 10:00:05 [error] 123#123: *50 connect() to unix:/run/app.sock failed (111: Connection refused) while connecting to upstream, client: 10.0.0.1, server: x, request: "GET / HTTP/1.1", upstream: "http://unix:/run/app.sock:/", host: "x"'
const NOLIVE = '2026/12/02 10:00:06 [error] 123#123: *51 no live upstreams while connecting to upstream, client: 10.0.0.1, server: x, request: "GET / HTTP/1.1", upstream: "http://app/", host: "x"'

describe('error-log signatures', () => {
  it.each([
    [PREMATURE, 'premature-close', '127.0.0.1:8000', 'POST'],
    [RESET, 'reset-reading-header', '[::1]:8000', 'GET'],
    [PIPE, 'broken-pipe-sending', 'unix:/run/app.sock', 'PUT'],
    [TIMEOUT, 'read-timeout', '10.0.0.5:8080', 'GET'],
    [REFUSED, 'connect-refused', '127.0.0.1:8000', 'GET'],
    [REFUSED_PEER, 'connect-refused', 'unix:/run/app.sock', 'GET'],
    [NOLIVE, 'no-live-upstreams', 'app', 'GET'],
  ])('%#: reads signature, peer and method', (line, id, peer, method) => {
    const e = parseErrorLogLine(line, 0)!
    expect(e).toMatchObject({signature: {id}, upstream: peer, method})
  })

  it('reads the local time with the host offset', () => {
    expect(new Date(parseErrorLogLine(PREMATURE, 60)!.time!).toISOString()).toBe('2026-12-02T09:00:00.000Z')
  })

  it('ignores other lines, and the same words in another phase', () => {
    expect(parseErrorLogLine('2026/12/02 10:00:00 [notice] 1#1: signal process started', 0)).toBeNull()
    expect(parseErrorLogLine('2026/12/02 10:00:00 [info] 1#1: *3 recv() failed (104: Connection reset by peer) while reading client request line, client: 1.2.3.4', 0)).toBeNull()
    expect(parseErrorLogLine('2026/12/02 10:00:00 [error] 1#1: *3 upstream timed out (110: Connection timed out) while connecting to upstream, upstream: "http://1.2.3.4:80/"', 0)).toBeNull()
  })

  it('splits unix peers from the URI', () => {
    expect(upstreamPeer('http://unix:/tmp/a.sock:/x/y')).toBe('unix:/tmp/a.sock')
    expect(upstreamPeer('https://Example.com:8443/x')).toBe('example.com:8443')
  })
})

describe('access logs through their log_format', () => {
  it('reads combined (no upstream) and a format with $upstream_addr/$upstream_status', () => {
    const c = compileLogFormat(COMBINED_FORMAT)
    if ('error' in c) throw new Error(c.error)
    const line = '10.0.0.1 - - [02/Dec/2026:10:00:00 +0100] "GET /a HTTP/1.1" 502 157 "-" "curl/7.88.1"'
    expect(c.parse(line)).toEqual({time: Date.UTC(2026, 11, 2, 9), status: 502, attempts: []})
    const u = compileLogFormat('$remote_addr [$time_iso8601] "$request" $status ua="$upstream_addr" us="$upstream_status"')
    if ('error' in u) throw new Error(u.error)
    expect(u.parse('1.2.3.4 [2026-12-02T10:00:00+00:00] "POST / HTTP/1.1" 200 ua="127.0.0.1:8000, 127.0.0.1:8001" us="502, 200"')).toEqual({
      time: Date.UTC(2026, 11, 2, 10),
      status: 200,
      attempts: [{addr: '127.0.0.1:8000', status: 502}, {addr: '127.0.0.1:8001', status: 200}],
    })
  })

  it('gives up on a crafted line in linear time', () => {
    const u = compileLogFormat('$a $b $c $d $e $f $g $h $status $upstream_addr')
    if ('error' in u) throw new Error(u.error)
    expect(u.parse('x '.repeat(1000) + '!')).toBeNull()
  })

  it('steps over variables written with nothing between them, and refuses a read value among them', () => {
    const u = compileLogFormat('$remote_addr$remote_user [$time_local] $status $upstream_addr')
    if ('error' in u) throw new Error(u.error)
    expect(u.parse('10.0.0.1- [02/Dec/2026:10:00:00 +0100] 502 127.0.0.1:8000')).toEqual({time: Date.UTC(2026, 11, 2, 9), status: 502, attempts: [{addr: '127.0.0.1:8000', status: 502}]})
    expect(compileLogFormat('$request_time$status')).toEqual({error: 'log_format writes $status next to another variable with nothing between them, so its value cannot be told apart'})
  })

  it('reads the whole list of attempts, with internal redirects, when the next variable follows a space', () => {
    const u = compileLogFormat('$status $upstream_addr $upstream_status $request_time')
    if ('error' in u) throw new Error(u.error)
    expect(u.parse('502 10.0.0.1:80, 10.0.0.2:80 : unix:/run/app.sock 502, 504 : 502 0.003')).toEqual({
      time: null,
      status: 502,
      attempts: [{addr: '10.0.0.1:80', status: 502}, {addr: '10.0.0.2:80', status: 504}, {addr: 'unix:/run/app.sock', status: 502}],
    })
  })
})

describe('which logs nginx writes', () => {
  it('takes paths, formats and the compiled-in defaults from the config and nginx -V', () => {
    const v = 'nginx version: nginx/1.22.1\nconfigure arguments: --prefix=/usr/share/nginx --error-log-path=/var/log/nginx/error.log --http-log-path=/var/log/nginx/access.log'
    const t = nginxLogTargets([{file: '/etc/nginx/nginx.conf', text: 'error_log off;\nhttp { log_format up escape=json \'$status \' \'$upstream_addr\'; access_log logs/a.log up; server { access_log off; error_log syslog:server=1.2.3.4 warn; access_log /var/log/$host.log; } }\n'}], v)
    expect(t.targets).toEqual([
      {path: '/usr/share/nginx/off', kind: 'error'},
      {path: '/usr/share/nginx/logs/a.log', kind: 'access', format: 'up'},
    ])
    expect(t.formats.up).toBe('$status $upstream_addr')
    expect(t.notes.join('\n')).toMatch(/syslog:server=1\.2\.3\.4 is not a file[\s\S]*\$host\.log has variables/)
    expect(nginxLogTargets([{file: '/etc/nginx/nginx.conf', text: 'http { server { listen 80; } }'}], v).targets).toEqual([
      {path: '/var/log/nginx/error.log', kind: 'error'},
      {path: '/var/log/nginx/access.log', kind: 'access', format: 'combined'},
    ])
  })

  it("Debian's --error-log-path=stderr is no file (nginx logs to stderr until the config sets one)", () => {
    const v = 'nginx version: nginx/1.22.1\nconfigure arguments: --prefix=/usr/share/nginx --http-log-path=/var/log/nginx/access.log --error-log-path=stderr'
    const t = nginxLogTargets([{file: '/etc/nginx/nginx.conf', text: 'http { server { listen 80; } }'}], v)
    expect(t.targets).toEqual([{path: '/var/log/nginx/access.log', kind: 'access', format: 'combined'}])
    expect(t.notes).toEqual(['nginx -V: the compiled-in error log is stderr, not a file conntune can read'])
  })
})

describe('reading a log tail on the host', () => {
  let dir: string
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'h12-logs-'))))
  afterEach(() => rmSync(dir, {recursive: true, force: true}))

  it('keeps only signature lines, newest last, bounded in number and length, with the rotated .1 first', () => {
    writeFileSync(join(dir, 'error.log.1'), `${PREMATURE}\nnoise\n`)
    const many = Array.from({length: LOG_LIMITS.lines + 10}, () => RESET).join('\n')
    writeFileSync(join(dir, 'error.log'), `${many}\n${TIMEOUT}${'x'.repeat(10_000)}\n`)
    const log = readLog(new RootFs(dir), '/error.log', 'error')
    expect(log.matched).toBe(LOG_LIMITS.lines + 12)
    expect(log.lines).toHaveLength(LOG_LIMITS.lines)
    expect(log.lines!.at(-1)!.length).toBe(LOG_LIMITS.lineChars)
    expect(log.lines!.at(-1)).toContain('upstream timed out')
  })

  it('reports binary, unreadable and missing logs instead of failing', () => {
    writeFileSync(join(dir, 'bin.log'), Buffer.from([0x32, 0, 0x33, 10]))
    writeFileSync(join(dir, 'secret.log'), PREMATURE)
    chmodSync(join(dir, 'secret.log'), 0)
    const fs = new RootFs(dir)
    expect(readLog(fs, '/bin.log', 'error').error).toMatch(/binary/)
    expect(readLog(fs, '/none.log', 'error').error).toBe('ENOENT')
    if (process.getuid?.() !== 0) expect(readLog(fs, '/secret.log', 'error').error).toBe('EACCES')
  })
})

describe('counting in a window', () => {
  const snap = (lines: string[], matched = lines.length): Snapshot => ({
    format: 'conntune-snapshot', version: 2, collector: {tool: 't', version: '0', source: 'example'}, collectedAt: '2026-12-02T12:00:00.000Z',
    host: {name: 'h'}, kernel: {release: null}, sysctl: {}, proc: {}, files: {}, dirs: {},
    logs: {utcOffset: '+0000', files: {'/var/log/nginx/error.log': {kind: 'error', lines, matched}}},
  })

  it('counts per peer, inside the window only, and says when the line bound makes them lower bounds', () => {
    const old = PREMATURE.replace('2026/12/02 10:00:00', '2026/12/01 09:00:00')
    const ev = readLogEvidence(snap([old, PREMATURE, PREMATURE, REFUSED]), windowFor('2026-12-02T12:00:00.000Z', {seconds: 3 * 3600}))
    expect(ev.peers).toEqual([{peer: '127.0.0.1:8000', counts: expect.objectContaining({race: 2, prematureClose: 2, raceNonIdempotent: 2, refused: 1, lowerBound: false})}])
    const cut = readLogEvidence(snap([PREMATURE], 40), windowFor('2026-12-02T12:00:00.000Z', {seconds: 3 * 3600}))
    expect(cut.peers[0].counts).toMatchObject({race: 1, lowerBound: true})
  })
})
