import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {spawnSync} from 'node:child_process'
import {readRegular, NOT_REGULAR} from '../../../src/sources/read-regular.js'

describe('readRegular', () => {
  const dir = mkdtempSync(join(tmpdir(), 'conntune-read-regular-'))
  afterAll(() => rmSync(dir, {recursive: true, force: true}))

  it('refuses a FIFO without blocking, and character devices', () => {
    const fifo = join(dir, 'fifo')
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0)
    expect(readRegular(fifo, 100)).toEqual({error: NOT_REGULAR})
    expect(readRegular('/dev/zero', 100)).toEqual({error: NOT_REGULAR})
    expect(readRegular(dir, 100)).toEqual({error: 'EISDIR'})
  })

  it('reads /proc files (regular, st_size 0) to the cap, with no size claimed', () => {
    const r = readRegular('/proc/self/status', 10)
    expect('data' in r && r.data.length).toBe(10)
    expect(r).toMatchObject({truncated: true})
    expect('size' in r).toBe(false)
  })

  it('a file over the bound is cut there and says its real size', () => {
    const f = join(dir, 'big')
    writeFileSync(f, 'x'.repeat(101))
    const r = readRegular(f, 100)
    expect(r).toMatchObject({truncated: true, size: 101})
    expect('data' in r && r.data.length).toBe(100)
    writeFileSync(f, 'x'.repeat(100))
    expect(readRegular(f, 100)).toMatchObject({truncated: false, size: 100})
  })

  it('a masked unit (/dev/null) reads as empty', () => {
    expect(readRegular('/dev/null', 100)).toEqual({data: Buffer.alloc(0), truncated: false})
  })
})
