// The request-path lab (bench/lab/run.mjs --quick): real nginx in front of real gunicorn
// gthread in a network namespace. conntune must name the misaligned hop, its recommended
// value must end the 502s, and the TIME_WAIT seed experiment must point at the server.
import {spawnSync} from 'node:child_process'
import {fileURLToPath} from 'node:url'
import {describeReal, missingNetns, missingProgram} from './require-real.js'

const LAB = fileURLToPath(new URL('../../bench/lab/run.mjs', import.meta.url))

describeReal('request-path lab: nginx → gunicorn gthread', [missingNetns(), missingProgram('nginx', ['-v']), missingProgram('gunicorn', ['--version'])], () => {
  let lab: any

  beforeAll(() => {
    const r = spawnSync(process.execPath, [LAB, '--quick'], {encoding: 'utf8', timeout: 600_000, maxBuffer: 64 << 20})
    if (r.status !== 0) throw new Error(`lab exited ${r.status}: ${r.stderr.slice(-2000)}`)
    lab = JSON.parse(r.stdout)
  }, 620_000)

  it('misaligned: the keep-alive race answers POSTs with 502 and nginx logs the closed upstream', () => {
    const m = lab.misaligned
    const races = m.prematurelyClosed + m.resetByPeer
    expect(races).toBeGreaterThan(0)
    expect(m.status502).toBeGreaterThan(0)
    // GETs are idempotent: nginx retries them on a fresh connection.
    expect(Object.keys(m.burst.counts).filter((k) => k.startsWith('GET ') && k !== 'GET 200')).toEqual([])
  })

  // The error log's own count, with nginx's wording (ngx_http_upstream.c and the phase it logs),
  // toward gunicorn's address; conntune's counts must be these.
  const raceLines = (log: string) => {
    const toward = log.split('\n').filter((l) => l.includes('upstream: "http://127.0.0.1:18000/'))
    const premature = toward.filter((l) => l.includes('upstream prematurely closed connection while reading response header from upstream'))
    const reset = toward.filter((l) => l.includes('recv() failed (104: Connection reset by peer) while reading response header from upstream'))
    const pipe = toward.filter((l) => /(?:writev|send)\(\) failed \(32: Broken pipe\) while sending request to upstream/.test(l))
    const all = [...premature, ...reset, ...pipe]
    return {premature: premature.length, reset: reset.length, pipe: pipe.length, all: all.length, post: all.filter((l) => l.includes('request: "POST ')).length}
  }

  it('misaligned: audit reports the race nginx logged, on the gunicorn hop only, with the log\'s counts', () => {
    const n = raceLines(lab.misaligned.errorLog)
    expect(n.all).toBeGreaterThan(0)
    const [f, ...rest] = lab.misaligned.observed.raceFindings
    expect(rest).toEqual([])
    expect(f.message).toContain('toward 127.0.0.1:18000')
    expect(f.evidence['target']).toBe('127.0.0.1:18000')
    expect(f.evidence['race signatures']).toBe(n.all)
    expect(f.evidence['premature close']).toBe(n.premature)
    expect(f.evidence['connection reset']).toBe(n.reset)
    expect(f.evidence['broken pipe']).toBe(n.pipe)
    expect(f.evidence['on non-idempotent requests']).toBe(n.post)
  })

  it('after the fix, the window since the fix time shows no race; the whole day still does', () => {
    const a = lab.aligned
    expect(a.since).toMatch(/^\d{4}-\d\d-\d\dT/)
    expect(a.observed.raceFindings).toEqual([])
    const day = a.observedAllDay.raceFindings
    expect(day).toHaveLength(1)
    expect(day[0].evidence['race signatures']).toBe(raceLines(lab.misaligned.errorLog).all)
  })

  it('conntune reports hop-backend-idle-shorter on exactly that hop, at gunicorn\'s keepalive', () => {
    const [hop, ...rest] = lab.misaligned.hopFindings
    expect(rest).toEqual([])
    expect(hop.location).toMatch(/gunicorn\.conf\.py:5$/)
    expect(hop.message).toContain('nginx upstream app')
    expect(hop.message).toContain('keeps idle connections to 127.0.0.1:18000 for 60 s')
    expect(hop.message).toContain('closes them after 2 s')
    expect(lab.recommendedKeepalive).toBe(65)
  })

  it('with the recommended keepalive the same load has no 502s and conntune reports nothing on the hop', () => {
    const a = lab.aligned
    expect(a.status502).toBe(0)
    expect(a.prematurelyClosed + a.resetByPeer).toBe(0)
    expect(a.hopFindings).toEqual([])
  })

  it('seed: Connection: close clients pile TIME_WAIT on the server port; keep-alive clients do not', () => {
    const {keepAlive, connectionClose} = lab.seed
    expect(keepAlive.serverClosesFirst).toEqual([])
    expect(connectionClose.timeWait.server).toBeGreaterThan(1000)
    expect(connectionClose.timeWait.server).toBeGreaterThan(10 * keepAlive.timeWait.server)
    expect(connectionClose.serverClosesFirst).toHaveLength(1)
    expect(connectionClose.serverClosesFirst[0].location).toBe('listening port 18080')
    expect(connectionClose.serverClosesFirst[0].message).toMatch(/nginx server lab \(listen 127\.0\.0\.1:18080\) at .*nginx\.conf:17/)
  })
})
