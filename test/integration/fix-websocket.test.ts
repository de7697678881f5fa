// `fix` on the WebSocket upgrade map (issue 13 item 1): the fix must keep upgrades working
// (Connection: upgrade still sent) and let ordinary requests reuse connections, by changing
// the map's '' value, not by replacing the header with Connection "".
import {cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {spawnSync} from 'node:child_process'
import {BIN, REPO} from './run-cli.js'

let tmp: string
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'ct-fix-ws-'))
})
afterAll(() => rmSync(tmp, {recursive: true, force: true}))

const run = (cwd: string, args: string[]) => spawnSync(process.execPath, [BIN, ...args], {cwd, encoding: 'utf8', env: {...process.env, NO_COLOR: '1'}})

function copy(name: string): string {
  const dir = join(tmp, name)
  cpSync(join(REPO, 'test/deployments/websocket-close-map-keepalive'), dir, {recursive: true})
  return dir
}

describe('fix on the WebSocket upgrade map', () => {
  it("changes the map's '' value to '' and keeps Connection $connection_upgrade; checking again finds nothing", () => {
    const dir = copy('edit')
    const w = run(dir, ['fix', 'nginx/', '--nginx-version', '1.24.0', '--write'])
    expect(w.status).toBe(0)
    const text = readFileSync(join(dir, 'nginx/nginx.conf'), 'utf8')
    expect(text).toMatch(/map \$http_upgrade \$connection_upgrade \{\s+default upgrade;\s+'' '';\s+\}/)
    expect(text).toContain('proxy_set_header Connection $connection_upgrade;')
    expect(text).not.toContain('Connection ""')
    const again = JSON.parse(run(dir, ['check', 'nginx/', '--nginx-version', '1.24.0', '--format', 'json']).stdout)
    expect(again.findings.map((f: any) => f.ruleId)).not.toContain('nginx-upstream-keepalive-connection-close')
  })

  it("adds a '' entry to a map that has none and whose default closes", () => {
    const dir = copy('insert')
    const file = join(dir, 'nginx/nginx.conf')
    writeFileSync(file, readFileSync(file, 'utf8').replace(/default upgrade;\s+''\s+close;/, 'default close;\n        websocket upgrade;'))
    expect(run(dir, ['fix', 'nginx/', '--nginx-version', '1.24.0', '--write']).status).toBe(0)
    const text = readFileSync(file, 'utf8')
    expect(text).toMatch(/map \$http_upgrade \$connection_upgrade \{\s+'' '';\s+default close;\s+websocket upgrade;/)
    expect(text).toContain('proxy_set_header Connection $connection_upgrade;')
  })

  it('leaves a map that is also used for something else alone and says to add a new one', () => {
    const dir = copy('map-used-twice')
    const file = join(dir, 'nginx/nginx.conf')
    const before = readFileSync(file, 'utf8').replace('proxy_redirect off;', 'proxy_redirect off;\n            add_header X-Conn $connection_upgrade;')
    writeFileSync(file, before)
    const r = JSON.parse(run(dir, ['check', 'nginx/', '--nginx-version', '1.24.0', '--format', 'json']).stdout)
    const f = r.findings.find((x: any) => x.ruleId === 'nginx-upstream-keepalive-connection-close')
    expect(f.fix.summary).toMatch(/also used by add_header at .*add a new map/)
    run(dir, ['fix', 'nginx/', '--nginx-version', '1.24.0', '--write'])
    expect(readFileSync(file, 'utf8')).toBe(before)
  })
})
