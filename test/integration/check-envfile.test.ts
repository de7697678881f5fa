import {spawnSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {BIN, json} from './run-cli.js'

// systemd.exec(5): EnvironmentFile= takes an absolute path. In a checkout it lives where
// --map or --root says; it was reported missing while the file was right there.
const UNIT = '[Service]\nEnvironmentFile=/etc/default/app\nExecStart=/usr/bin/gunicorn --keep-alive $KA -b 127.0.0.1:8000 app:app\n'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ct-envfile-'))
  mkdirSync(join(dir, 'R/etc/systemd/system'), {recursive: true})
  mkdirSync(join(dir, 'R/etc/default'), {recursive: true})
  writeFileSync(join(dir, 'R/etc/systemd/system/app.service'), UNIT)
  writeFileSync(join(dir, 'R/etc/default/app'), 'KA=30\n')
})
afterEach(() => rmSync(dir, {recursive: true, force: true}))

const check = (args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, 'check', ...args, '--json'], {cwd: dir, encoding: 'utf8', env: {...process.env, NO_COLOR: '1'}})
  return {code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr}
}

const keepalive = (report: any) => report.findings.map((f: any) => f.evidence.keepalive).filter(Boolean)

describe('check: an absolute EnvironmentFile=', () => {
  it('is read under --root', () => {
    const report = json(check(['R/etc/systemd/system/app.service', '--root', 'R']))
    expect(report.hosts[0].problems).toEqual([])
    expect(keepalive(report).join(' ')).toMatch(/^30 /)
  })

  it('is read where --map places it', () => {
    const report = json(check(['R/etc/systemd/system/app.service', '--map', '/etc/default=R/etc/default']))
    expect(report.hosts[0].problems).toEqual([])
    expect(keepalive(report).join(' ')).toMatch(/^30 /)
  })

  it('without either is reported as not read (outside the checked tree), exit 3', () => {
    const r = check(['R/etc/systemd/system/app.service'])
    expect(r.code).toBe(3)
    expect(json(r).hosts[0].problems.map((p: any) => p.message).join('\n')).toMatch(/\/etc\/default\/app is outside the checked tree and was not read/)
  })
})
