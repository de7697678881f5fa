import {mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {applyPlan} from '../../../src/fix/write.js'

describe('fix --write rollback', () => {
  let dir: string
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'ct-rollback-'))))
  afterEach(() => rmSync(dir, {recursive: true, force: true}))

  it('the second of two writes failing after its backup leaves both files as they were and no backup behind', () => {
    const a = join(dir, 'a.conf')
    const b = join(dir, 'b.conf')
    writeFileSync(a, 'old a\n')
    writeFileSync(b, 'old b\n')
    // b's temporary name is taken (O_EXCL), so its write fails after its backup was made.
    const squatter = join(dir, `.b.conf.conntune-${process.pid}.tmp`)
    writeFileSync(squatter, 'not ours\n')
    const plan = {before: new Map([[a, 'old a\n'], [b, 'old b\n']]), after: new Map([[a, 'new a\n'], [b, 'new b\n']]), notes: []}
    expect(() => applyPlan(plan, (p) => p, {existed: () => true, stamp: 'T'})).toThrow(/b\.conf: cannot write: EEXIST; the 1 file\(s\) already written were restored/)
    expect(readFileSync(a, 'utf8')).toBe('old a\n')
    expect(readFileSync(b, 'utf8')).toBe('old b\n')
    // Only what was there: no .bak of either file, and the file it found under its temporary name untouched.
    expect(readdirSync(dir).sort()).toEqual([`.b.conf.conntune-${process.pid}.tmp`, 'a.conf', 'b.conf'])
    expect(readFileSync(squatter, 'utf8')).toBe('not ours\n')
  })
})
