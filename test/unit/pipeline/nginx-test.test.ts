// nginx -t's stderr read back into verdicts (no nginx needed): both of nginx's line formats,
// stage paths turned back into the repository's, and what counts as refused, not judged, or a note.
import {placesOf, readVerdict, type NginxTestResult} from '../../../src/pipeline/nginx-test.js'

const STAGE = '/tmp/conntune-nginx-t-AbC123'
const places = {stage: STAGE, root: `${STAGE}/root`, entry: '/repo/nginx/nginx.conf', shown: (p: string) => p.replace(/^\/repo\//, '')}
const fresh = (): NginxTestResult => ({ran: [], refused: [], incomplete: [], notes: []})

describe('readVerdict', () => {
  it('reads the startup format and the error-log format, with the repo file:line', () => {
    const r = fresh()
    readVerdict(
      [
        `nginx: [emerg] unknown directive "keepalive_timout" in ${STAGE}/root/repo/nginx/sites/a.conf:7`,
        `2026/12/02 21:45:35 [emerg] 8653#8653: invalid number of arguments in "keepalive_timeout" directive in ${STAGE}/root/repo/nginx/nginx.conf:12`,
        `nginx: configuration file ${STAGE}/root/repo/nginx/nginx.conf test failed`,
      ].join('\n'),
      1,
      places,
      r,
    )
    expect(r.refused).toEqual([
      {file: 'nginx/sites/a.conf', line: 7, message: 'unknown directive "keepalive_timout"'},
      {file: 'nginx/nginx.conf', line: 12, message: 'invalid number of arguments in "keepalive_timeout" directive'},
    ])
  })

  it('a file outside the stage is "not judged"; bind() and warnings are notes; controls are escaped', () => {
    const r = fresh()
    readVerdict(
      [
        `nginx: [warn] conflicting server name "a\x1b[2J" on 0.0.0.0:80, ignored`,
        `nginx: [emerg] open() "/usr/share/GeoIP/GeoIP.dat" failed (2: No such file or directory) in ${STAGE}/root/repo/nginx/nginx.conf:3`,
        'nginx: [emerg] bind() to 0.0.0.0:80 failed (13: Permission denied)',
      ].join('\n'),
      1,
      places,
      r,
    )
    expect(r.refused).toEqual([])
    expect(r.incomplete).toEqual([{file: 'nginx/nginx.conf', line: 3, message: 'open() "/usr/share/GeoIP/GeoIP.dat" failed (2: No such file or directory)'}])
    expect(r.notes[0]).toBe('nginx/nginx.conf: nginx -t: warning: conflicting server name "a\\x1b[2J" on 0.0.0.0:80, ignored')
    expect(r.notes[1]).toMatch(/^nginx -t accepted the configuration up to its listening sockets/)
  })

  it('a name this machine cannot resolve is not judged, not refused', () => {
    const r = fresh()
    readVerdict(`nginx: [emerg] host not found in upstream "db.internal:5432" in ${STAGE}/root/repo/nginx/nginx.conf:9\n`, 1, places, r)
    expect(r.refused).toEqual([])
    expect(r.incomplete).toEqual([{file: 'nginx/nginx.conf', line: 9, message: 'host not found in upstream "db.internal:5432"'}])
  })

  it('a failure it cannot read is still a refusal, never a pass', () => {
    const r = fresh()
    readVerdict('segmentation fault\n', 139, places, r)
    expect(r.refused).toEqual([{file: 'nginx/nginx.conf', message: 'segmentation fault'}])
  })

  it('an unknown variable is placed where the config first uses it', () => {
    const r = fresh()
    readVerdict('nginx: [emerg] unknown "nope" variable\n', 1, {...places, locate: (v) => (v === 'nope' ? {file: '/repo/nginx/sites/a.conf', line: 9} : null)}, r)
    expect(r.refused).toEqual([{file: 'nginx/sites/a.conf', line: 9, message: 'unknown "nope" variable'}])
  })
})

describe('placesOf', () => {
  it('stages a mapped file at its host path too, and a host-named file at its checkout path', () => {
    const map = [{from: '/etc/nginx', to: '/repo/deploy/nginx'}]
    expect([...placesOf('/repo/deploy/nginx/conf.d/a.conf', map)]).toEqual(['/repo/deploy/nginx/conf.d/a.conf', '/etc/nginx/conf.d/a.conf'])
    expect([...placesOf('/etc/nginx/mime.types', map)]).toEqual(['/etc/nginx/mime.types', '/repo/deploy/nginx/mime.types'])
    expect([...placesOf('/repo/other.conf', map)]).toEqual(['/repo/other.conf'])
  })
})
