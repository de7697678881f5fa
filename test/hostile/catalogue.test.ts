import {chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {spawnSync} from 'node:child_process'
import {BIN} from '../integration/run-cli.js'
import {ALL_CASES} from './cases.js'

// /usr/bin/time -v reports the child's peak RSS; wall time is measured here.
describe('hostile inputs', () => {
  for (const c of ALL_CASES) {
    it(c.name, () => {
      const dir = mkdtempSync(join(tmpdir(), 'conntune-hostile-'))
      try {
        for (const [rel, text] of Object.entries(c.files)) {
          mkdirSync(dirname(join(dir, rel)), {recursive: true})
          writeFileSync(join(dir, rel), text)
        }
        for (const [rel, target] of Object.entries(c.links ?? {})) {
          mkdirSync(dirname(join(dir, rel)), {recursive: true})
          symlinkSync(target, join(dir, rel))
        }
        for (const rel of c.fifos ?? []) {
          mkdirSync(dirname(join(dir, rel)), {recursive: true})
          expect(spawnSync('mkfifo', [join(dir, rel)]).status).toBe(0)
        }
        for (const [rel, mode] of Object.entries(c.modes ?? {})) chmodSync(join(dir, rel), mode)
        // Root reads mode 000 anyway: run as nobody (setpriv), from a directory nobody can enter.
        const asNobody = c.modes !== undefined && process.getuid?.() === 0
        if (asNobody) chmodSync(dir, 0o755)
        for (const [name, script] of Object.entries(c.bin ?? {})) {
          mkdirSync(join(dir, 'bin'), {recursive: true})
          writeFileSync(join(dir, 'bin', name), `#!/bin/sh\n${script}\n`)
          chmodSync(join(dir, 'bin', name), 0o755)
        }
        const base = asNobody ? {...process.env, HOME: dir} : process.env
        const env = c.bin ? {...base, PATH: `${join(dir, 'bin')}:${process.env.PATH}`} : base
        const cmd = asNobody ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', process.execPath] : [process.execPath]
        const t0 = Date.now()
        const r = spawnSync('/usr/bin/time', ['-v', ...cmd, BIN, ...c.args], {
          cwd: dir,
          env,
          encoding: 'utf8',
          timeout: c.maxSeconds * 1000 * 2,
          maxBuffer: 64 << 20,
        })
        const seconds = (Date.now() - t0) / 1000
        const rss = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1] ?? NaN) / 1024
        expect(r.status).toBe(c.exit)
        expect(`${r.stdout}\n${r.stderr}`).toMatch(c.message)
        if (c.absent) expect(`${r.stdout}\n${r.stderr.replace(/^\t.*\n|^Command being timed.*\n/gm, '')}`).not.toMatch(c.absent)
        expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/) // no stack trace
        expect(seconds).toBeLessThan(c.maxSeconds)
        expect(rss).toBeLessThan(c.maxRssMb)
      } finally {
        for (const rel of Object.keys(c.modes ?? {})) chmodSync(join(dir, rel), 0o755)
        rmSync(dir, {recursive: true, force: true})
      }
    }, 120_000)
  }
})
