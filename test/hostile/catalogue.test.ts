import {mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
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
        const t0 = Date.now()
        const r = spawnSync('/usr/bin/time', ['-v', process.execPath, BIN, ...c.args], {
          cwd: dir,
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
        rmSync(dir, {recursive: true, force: true})
      }
    }, 120_000)
  }
})
