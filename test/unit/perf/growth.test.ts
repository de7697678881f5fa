// Growth exponents, not wall-clock limits: the whole check pipeline (read, parse, model,
// rules, fingerprints, JSON report) on generated nginx trees of n and 4n servers, timed in
// this process, interleaved, best of a few. Linear work gives a ratio near 4, quadratic
// near 16; the bound of 8 leaves room for a noisy shared machine. A stage that matches
// every item against every other, or rescans a file per finding, fails here.
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
// @ts-expect-error: the bench generators are plain ESM without types.
import {generate} from '../../../bench/gen/nginx.mjs'
// @ts-expect-error: as above.
import {generateRepo} from '../../../bench/gen/repo.mjs'
import {auditSnapshots, relativizeResult} from '../../../src/pipeline/audit.js'
import {renderJson} from '../../../src/report/json.js'
import {loadRules} from '../../../src/rules/load.js'
import {collectFiles} from '../../../src/sources/files.js'
import {summarizeSockets} from '../../../src/model/sockets.js'
import type {LoadedRule} from '../../../src/rules/types.js'
import {countsTowardEach, emptyCounts, type LogEvidence} from '../../../src/model/evidence.js'
import type {Endpoint} from '../../../src/model/servers/address-match.js'
import {exampleSnapshot} from '../../../src/rules/example-snapshot.js'
import {effectiveLighttpd, parseLighttpdText} from '../../../src/parsers/lighttpd/index.js'
import {BOUND, bestOf, measured, timed} from './best-of.js'
import {parseNginx} from '../../../src/parsers/nginx/index.js'
import {MemoryFileReader} from '../../../src/parsers/memory-reader.js'
import {buildNginxModel} from '../../../src/model/servers/nginx.js'
import {applyProjectIgnores} from '../../../src/pipeline/project.js'
import type {LoadedProject} from '../../../src/config/project.js'
import type {Finding} from '../../../src/rules/types.js'

const N = 400

let rules: LoadedRule[]
const dirs: string[] = []
beforeAll(async () => {
  rules = await loadRules()
})
afterAll(() => dirs.forEach((d) => rmSync(d, {recursive: true, force: true})))

function tree(shape: string, n: number): string {
  const dir = mkdtempSync(join(tmpdir(), `ct-growth-${shape}-`))
  dirs.push(dir)
  // Up to 500 servers per include file, as large hosts ship them: n is one file, 4n two.
  return (generate(dir, shape, n, {perFile: 2 * N}) as {entry: string}).entry
}

function check(entry: string, servers: number): number {
  const {ms, value: {result, text}} = measured(() => {
    const checked = collectFiles([entry], {kind: 'nginx', toolVersion: 'test'})
    const result = relativizeResult(auditSnapshots([{snapshot: checked.snapshot, source: 'files', entries: checked.entries}], rules, {failOn: 'none', nginxVersion: '1.24.0', relativeTo: tmpdir()}), tmpdir())
    return {result, text: renderJson(result, {name: 'conntune', version: 'test'})}
  })
  // Guard against measuring a tree that failed to load: every generated server must be read.
  if (result.hosts[0]?.problems.length !== 0 || text.length === 0) throw new Error(`the generated tree of ${servers} servers did not load cleanly`)
  return ms
}

describe('growth exponent of check', () => {
  it.each([
    ['a', 'the issue shape: upstreams with keepalive, IPv4 + IPv6 listeners, three locations'],
    ['b', 'every server has findings and no proxy target matches a listener'],
    ['c', 'distinct listen addresses, every upstream target matches one'],
    ['s', 'one upstream and one WebSocket map behind every server'],
  ])('shape %s (%s): 4x the servers costs < 8x the time', (shape) => {
    const small = tree(shape, N)
    const large = tree(shape, 4 * N)
    const {a, b} = bestOf(shape, () => check(small, N), () => check(large, 4 * N))
    expect({shape, ratio: +(b / a).toFixed(2), ms: [Math.round(a), Math.round(b)]}).toEqual({shape, ratio: expect.any(Number), ms: expect.any(Array)})
    expect(b / a).toBeLessThan(BOUND)
  })
})

describe('growth exponent of check on a repository', () => {
  // Many entry points instead of one large config: following includes from each of them used
  // to rescan every file read (10 000 files: 12 s, where 5 000 took 3).
  function checkRepo(dir: string, files: number): number {
    const {ms, value: {checked, result}} = measured(() => {
      const checked = collectFiles([dir], {toolVersion: 'test', cwd: dir})
      return {checked, result: auditSnapshots([{snapshot: checked.snapshot, source: 'files', entries: checked.entries}], rules, {failOn: 'none', nginxVersion: '1.24.0'})}
    })
    if (Object.keys(checked.kinds).length !== files || result.hosts[0]?.problems.length !== 0) throw new Error(`the generated repository of ${files} files did not load whole and cleanly`)
    return ms
  }

  it('services of nginx, gunicorn, lighttpd and sysctl files: 4x the files costs < 8x the time', () => {
    const make = (files: number) => {
      const dir = mkdtempSync(join(tmpdir(), 'ct-growth-e-'))
      dirs.push(dir)
      generateRepo(dir, files)
      return dir
    }
    const n = 1000
    const small = make(n)
    const large = make(4 * n)
    const {a, b} = bestOf('e', () => checkRepo(small, n), () => checkRepo(large, 4 * n), 2)
    expect(b / a).toBeLessThan(BOUND)
  })
})

describe('growth exponent of the socket summary', () => {
  // /proc/net/tcp rows in the kernel's shape: a listener per 10 rows (many listeners), the
  // rest connections to distinct peers and TIME_WAIT toward a few upstreams.
  const hex = (n: number, w: number) => (n >>> 0).toString(16).toUpperCase().padStart(w, '0')
  const ip = (a: number, b: number, c: number, d: number) => hex(a | (b << 8) | (c << 16) | (d << 24), 8)
  function table(rows: number): string {
    const lines = ['  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode']
    for (let i = 0; i < rows; i++) {
      const listen = i % 10 === 0
      const st = listen ? 10 : i % 3 === 0 ? 6 : 1
      const local = listen ? `${ip(0, 0, 0, 0)}:${hex(1024 + (i / 10) % 60000, 4)}` : `${ip(10, 0, 0, 5)}:${hex(1024 + ((i / 10) | 0) % 60000, 4)}`
      const remote = listen ? `${ip(0, 0, 0, 0)}:0000` : `${ip(198, 51, (i >> 8) & 255, i & 255)}:${hex(32768 + (i % 28000), 4)}`
      lines.push(`${String(i).padStart(4)}: ${local} ${remote} ${hex(st, 2)} 00000000:00000000 00:00000000 00000000    33        0 ${100000 + i} 1 0000000000000000 20 4 30 10 -1`)
    }
    return `${lines.join('\n')}\n`
  }
  const time = (text: string) => {
    const {ms, value: r} = measured(() => summarizeSockets({tcp: text}, {low: 32768, high: 60999, available: 28232}))
    if (r.errors.length > 0) throw new Error(r.errors[0]!.message)
    return ms
  }
  it('4x the rows (and listeners) costs < 8x the time', () => {
    const n = 25_000
    const small = table(n)
    const large = table(4 * n)
    const {a, b} = bestOf('sockets', () => time(small), () => time(large))
    expect(b / a).toBeLessThan(BOUND)
  })

  // One port at many addresses (an IP per customer on :443; a quarter of the rows are those
  // listeners), every other row a connection accepted on one
  // of them: each row asks whether its local address is a listener of that port.
  function onePort(rows: number): string {
    const lines = ['  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode']
    const listeners = rows / 4
    for (let i = 0; i < rows; i++) {
      const listen = i < listeners
      const a = i % listeners
      const local = `${ip(10, (a >> 16) & 255, (a >> 8) & 255, a & 255)}:${hex(443, 4)}`
      const remote = listen ? `${ip(0, 0, 0, 0)}:0000` : `${ip(198, 51, (i >> 8) & 255, i & 255)}:${hex(32768 + (i % 28000), 4)}`
      lines.push(`${String(i).padStart(4)}: ${local} ${remote} ${hex(listen ? 10 : 1, 2)} 00000000:00000000 00:00000000 00000000    33        0 ${100000 + i} 1 0000000000000000 20 4 30 10 -1`)
    }
    return `${lines.join('\n')}\n`
  }
  it('one port at 4x the addresses, 4x the rows: < 8x the time', () => {
    const n = 25_000
    const [small, large] = [onePort(n), onePort(4 * n)]
    const {a, b} = bestOf('sockets on one port', () => time(small), () => time(large))
    expect(b / a).toBeLessThan(BOUND)
  })
})

describe('growth exponent of log counts per upstream server', () => {
  // Error-log lines toward as many peers as there are upstream servers (a fleet of backends,
  // every one of them logged): each server's counts must not scan every peer.
  const evidence = (n: number): LogEvidence => ({read: true, window: {start: '', text: ''}, files: [], unattributed: [], notes: [], peers: Array.from({length: n}, (_, i) => ({peer: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:8000`, counts: {...emptyCounts(), race: 1}}))})
  const targets = (n: number): Endpoint[] => Array.from({length: n}, (_, i) => ({host: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, port: 8000, unix: null}))
  it('4x the servers and peers costs < 8x the time', () => {
    const n = 5000
    const [evS, tS, evL, tL] = [evidence(n), targets(n), evidence(4 * n), targets(4 * n)]
    const time = (ev: LogEvidence, t: Endpoint[]) => {
      const {ms, value: c} = measured(() => countsTowardEach(ev, t))
      if (c.some((x) => x?.race !== 1)) throw new Error('every server has its one peer')
      return ms
    }
    const {a, b} = bestOf('log counts', () => time(evS, tS), () => time(evL, tL))
    expect(b / a).toBeLessThan(BOUND)
  })
})

describe('growth exponent of rules over listening ports', () => {
  // Many listening ports, a quarter of them with TIME_WAIT enough for a finding: a finding's
  // message must read its own port's owners, not search every port's (7.7 s at 200 000 rows).
  const snapshot = (ports: number) =>
    exampleSnapshot({
      name: 'growth',
      expect: 'fire',
      host: {
        sockets: [
          ...Array.from({length: ports}, (_, i) => ({state: 'LISTEN', local: `0.0.0.0:${1024 + i}`, remote: '0.0.0.0:0'})),
          ...Array.from({length: ports / 4}, (_, i) => ({state: 'TIME_WAIT', local: `10.0.0.5:${1024 + 4 * i}`, remote: `198.51.100.${(i % 250) + 1}:40000`, count: 1000})),
        ],
      },
    } as never)
  it('4x the ports (and findings) costs < 8x the time', () => {
    const n = 500
    const [small, large] = [snapshot(n), snapshot(4 * n)]
    const time = (snap: ReturnType<typeof snapshot>, ports: number) => {
      const {ms, value: r} = measured(() => auditSnapshots([{snapshot: snap, source: 'snapshot'}], rules, {failOn: 'none'}))
      if (r.findings.filter((f) => f.ruleId === 'sockets-server-closes-first').length !== ports / 4) throw new Error('a finding per busy port')
      return ms
    }
    const {a, b} = bestOf('listening ports', () => time(small, n), () => time(large, 4 * n), 2)
    expect(b / a).toBeLessThan(BOUND)
  })
})

/** An nginx.conf: `events {}` and an http block holding one keepalive upstream `app` and these lines. */
function httpTree(label: string, lines: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), `ct-growth-${label}-`))
  dirs.push(dir)
  writeFileSync(join(dir, 'nginx.conf'), ['events {}', 'http {', '  upstream app { server 127.0.0.1:8000; keepalive 16; }', ...lines, '}', ''].join('\n'))
  return join(dir, 'nginx.conf')
}

/** check of the tree for n and for 4n: under BOUND times the time. */
function expectLinearCheck(label: string, n: number, make: (n: number) => string): void {
  const [small, large] = [make(n), make(4 * n)]
  const {a, b} = bestOf(label, () => check(small, n), () => check(large, 4 * n))
  expect(b / a).toBeLessThan(BOUND)
}

const times = (n: number, line: (i: number) => string) => Array.from({length: n}, (_, i) => line(i))

describe('growth exponent of a map sent as the Connection header', () => {
  // A map keyed on the host name with an entry per tenant, sent by every tenant's location:
  // what it yields was worked out again for each location (20 000: 18.8 s, 5 000: 1.2 s).
  it('4x the entries and locations costs < 8x the time', () => {
    expectLinearCheck('map', 3000, (n) =>
      httpTree('map', [
        '  map $host $conn {',
        '    default "";',
        ...times(n, (i) => `    t${i}.example.com ${i % 2 ? 'close' : '""'};`),
        '  }',
        ...times(n, (i) => `  server { listen 80; server_name t${i}.example.com; location / { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection $conn; } }`),
      ]),
    )
  })
})

describe('growth exponent of `set` variables in scope', () => {
  // A server that sets a variable per tenant and a location per tenant that sets one more: the
  // variables in scope were copied into every location (n sets × n locations).
  it('4x the sets and locations costs < 8x the time', () => {
    expectLinearCheck('set', 1500, (n) =>
      httpTree('set', [
        '  server {',
        '    listen 80;',
        ...times(n, (i) => `    set $t${i} "";`),
        ...times(n, (i) => `    location /t${i}/ { set $conn${i} close; proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection $t${i}; }`),
        '  }',
      ]),
    )
  })
})

describe('growth exponent of a map per tenant', () => {
  // Each tenant's server sends its own map's variable as the Connection header: the other uses
  // of each map's variable were found by a walk of the whole tree per map.
  it('4x the maps and servers costs < 8x the time', () => {
    expectLinearCheck('maps', 1000, (n) =>
      httpTree('maps', [
        ...times(n, (i) => `  map $http_upgrade $c${i} { default upgrade; '' close; }`),
        ...times(n, (i) => `  server { listen 80; server_name t${i}.example.com; location / { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection $c${i}; } }`),
      ]),
    )
  })
})

describe('growth exponent of inherited proxy_set_header lines', () => {
  // A server's proxy_set_header lines, inherited by each of its locations: every location
  // searched the whole list for its Connection line (6 000 of each: 2.5 s, 24 000: 23.7 s).
  // The model alone is timed: the findings for every location would hide the quadratic term.
  function headersConfig(n: number) {
    const lines = ['events {}', 'http {', '  upstream app { server 127.0.0.1:8000; keepalive 16; }', '  server {', '    listen 80;', '    proxy_http_version 1.1;']
    for (let i = 0; i < n; i++) lines.push(`    proxy_set_header X-H${i} v${i};`)
    for (let i = 0; i < n; i++) lines.push(`    location /l${i}/ { proxy_pass http://app; }`)
    lines.push('  }', '}', '')
    const parsed = parseNginx('/etc/nginx/nginx.conf', new MemoryFileReader({'/etc/nginx/nginx.conf': lines.join('\n')}), {maxFileBytes: 1 << 30})
    if (parsed.errors.length) throw new Error(parsed.errors[0].message)
    return parsed.value
  }
  it('4x the lines and locations costs < 8x the time', () => {
    const n = 3000
    const [small, large] = [headersConfig(n), headersConfig(4 * n)]
    const model = (config: ReturnType<typeof headersConfig>) => timed(() => buildNginxModel({config, version: '1.24.0', versionSource: 'test', source: 'test'}))
    const {a, b} = bestOf('headers', () => model(small), () => model(large))
    expect(b / a).toBeLessThan(BOUND)
  })
})

describe('growth exponent of .conntune.yaml ignores', () => {
  // Each finding was tried against every ignore (12 000 ignores naming files, 24 000 findings:
  // most of a 13 s check).
  it('4x the ignores and findings costs < 8x the time', () => {
    const make = (n: number) => {
      const ignores = Array.from({length: n}, (_, i) => ({rule: 'hop-unresolved-backend', file: `sites/s${i}.conf`, reason: 'accepted'}))
      const findings = Array.from({length: 2 * n}, (_, i) => ({ruleId: 'hop-unresolved-backend', severity: 'info', title: 't', host: 'files', location: {file: `/etc/nginx/sites/t${i}.conf`, text: ''}, message: 'm', evidence: {}, fix: {summary: 's', actions: []}, references: []}) as unknown as Finding)
      return {project: {file: '.conntune.yaml', config: {ignores}} as unknown as LoadedProject, findings}
    }
    const n = 6000
    const [small, large] = [make(n), make(4 * n)]
    const run = (c: ReturnType<typeof make>) => timed(() => applyProjectIgnores(c.findings, c.project, 'files', '2026-01-01'))
    const {a, b} = bestOf('ignores', () => run(small), () => run(large))
    expect(b / a).toBeLessThan(BOUND)
  })
})
