// Issue 11.4 through the CLI: --map, map: in .conntune.yaml, and skipped files in text and JSON.
import {spawnSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {BIN} from './run-cli.js'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'h10-contain-check-'))
  mkdirSync(join(dir, 'deploy/nginx/conf.d'), {recursive: true})
  writeFileSync(join(dir, 'deploy/nginx/nginx.conf'), 'events {}\nhttp {\n    include /etc/nginx/conf.d/*.conf;\n}\n')
  writeFileSync(join(dir, 'deploy/nginx/conf.d/app.conf'), 'server {\n    listen 8080;\n}\n')
  symlinkSync('/etc/hostname', join(dir, 'deploy/nginx/conf.d/host.conf'))
})
afterEach(() => rmSync(dir, {recursive: true, force: true}))

const run = (args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, ...args], {cwd: dir, encoding: 'utf8', env: {...process.env, NO_COLOR: '1'}})
  return {code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr}
}

test('an unmapped absolute include is reported as not read (exit 3); the link to /etc is listed as skipped', () => {
  const r = run(['check', 'deploy', '--nginx-version', '1.24.0', '--fail-on', 'none'])
  expect(r.code).toBe(3)
  expect(r.stdout).toContain('deploy/nginx/nginx.conf:3: /etc/nginx/conf.d/*.conf is outside the checked tree and was not read')
  expect(r.stdout).toContain('skipped: deploy/nginx/conf.d/host.conf: a link that leaves the checked tree (not read)')
  const j = JSON.parse(run(['check', 'deploy', '--nginx-version', '1.24.0', '--fail-on', 'none', '--format', 'json']).stdout)
  expect(j.hosts[0].skipped).toEqual([{file: 'deploy/nginx/conf.d/host.conf', reason: 'a link that leaves the checked tree (not read)'}])
})

test('an unmapped absolute include of one file is said once, by the files source, not again as the parser\'s open() failure', () => {
  writeFileSync(join(dir, 'deploy/nginx/nginx.conf'), 'events {}\nhttp {\n    include /etc/nginx/mime.types;\n}\n')
  const j = JSON.parse(run(['check', 'deploy/nginx/nginx.conf', '--nginx-version', '1.24.0', '--fail-on', 'none', '--format', 'json']).stdout)
  const at3 = j.hosts[0].problems.filter((p: {line?: number; file: string}) => p.file === 'deploy/nginx/nginx.conf' && p.line === 3)
  expect(at3.map((p: {message: string}) => p.message)).toEqual([expect.stringContaining('/etc/nginx/mime.types is outside the checked tree and was not read')])
})

test('--map and map: in .conntune.yaml read it from the checkout', () => {
  const flag = run(['check', 'deploy/nginx/nginx.conf', '--map', '/etc/nginx=deploy/nginx', '--nginx-version', '1.24.0', '--fail-on', 'none', '--format', 'json'])
  expect(flag.code).toBe(0)
  expect(JSON.parse(flag.stdout).hosts[0].problems).toEqual([])
  writeFileSync(join(dir, '.conntune.yaml'), 'map:\n  /etc/nginx: deploy/nginx\n')
  const file = run(['check', 'deploy/nginx/nginx.conf', '--nginx-version', '1.24.0', '--fail-on', 'none', '--format', 'json'])
  expect(file.code).toBe(0)
  expect(run(['check', 'deploy', '--map', 'etc=x']).stderr).toMatch(/^conntune: --map etc=x: expected PREFIX=DIR/)
})
