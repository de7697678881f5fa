// `conntune parse` follows include globs through FsFileReader: a directory is listed whole (a
// snapshot's listing stops at LIMITS.dirEntries and records the rest; nothing records it here).
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {FsFileReader} from '../../../src/sources/fs-reader.js'
import {LIMITS} from '../../../src/snapshot/kernel-keys.js'

describe('FsFileReader.glob', () => {
  it('lists a directory past the snapshot bound whole', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ct-glob-'))
    try {
      const n = LIMITS.dirEntries + 1
      for (let i = 0; i < n; i++) writeFileSync(join(dir, `s${String(i).padStart(5, '0')}.conf`), '')
      writeFileSync(join(dir, 'README'), '')
      const found = new FsFileReader().glob(`${dir}/*.conf`)
      expect([found.length, found[0], found[n - 1]]).toEqual([n, join(dir, 's00000.conf'), join(dir, `s${String(n - 1).padStart(5, '0')}.conf`)])
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })
})
