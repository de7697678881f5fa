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

  it('reads files of every size whole, byte for byte: small, several MiB pieces, and a /proc file', () => {
    for (const size of [0, 1, 4095, 65536, 65537, (1 << 20) - 1, 1 << 20, (1 << 20) + 1, 2.5 * (1 << 20)]) {
      const f = join(dir, `s${size}`)
      const bytes = Buffer.alloc(size)
      for (let i = 0; i < size; i++) bytes[i] = (i * 7919) & 0xff
      writeFileSync(f, bytes)
      const r = readRegular(f, 4 << 20)
      expect(r).toMatchObject({truncated: false})
      expect('data' in r && Buffer.compare(r.data, bytes)).toBe(0)
    }
    const r = readRegular('/proc/self/maps', 64 << 20)
    expect('data' in r && r.data.toString('latin1')).toMatch(/\n$/)
  })

  it('a masked unit (/dev/null) reads as empty', () => {
    expect(readRegular('/dev/null', 100)).toEqual({data: Buffer.alloc(0), truncated: false})
  })
})
