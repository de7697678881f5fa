import {chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
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
        for (const [name, script] of Object.entries(c.bin ?? {})) {
          mkdirSync(join(dir, 'bin'), {recursive: true})
          writeFileSync(join(dir, 'bin', name), `#!/bin/sh\n${script}\n`)
          chmodSync(join(dir, 'bin', name), 0o755)
        }
        const env = c.bin ? {...process.env, PATH: `${join(dir, 'bin')}:${process.env.PATH}`} : process.env
        const t0 = Date.now()
        const r = spawnSync('/usr/bin/time', ['-v', process.execPath, BIN, ...c.args], {
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
        expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/) // no stack trace
        expect(seconds).toBeLessThan(c.maxSeconds)
        expect(rss).toBeLessThan(c.maxRssMb)
      } finally {
        rmSync(dir, {recursive: true, force: true})
      }
    }, 120_000)
  }
})
