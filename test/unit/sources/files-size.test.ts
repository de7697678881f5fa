// check --max-file-size: sizes as people write them, and the bound it may not pass.
import {MAX_FILE_SIZE, parseFileSize} from '../../../src/sources/files.js'

describe('parseFileSize', () => {
  it('reads bytes and K/M/G (1024 powers) with or without iB/B', () => {
    expect(parseFileSize('8388608')).toBe(8 * 1024 * 1024)
    expect(parseFileSize('64MiB')).toBe(64 * 1024 * 1024)
    expect(parseFileSize('50M')).toBe(50 * 1024 * 1024)
    expect(parseFileSize('512k')).toBe(512 * 1024)
    expect(parseFileSize('1GB')).toBe(MAX_FILE_SIZE)
  })

  it('refuses what is not a size, and sizes outside 1 KiB..1 GiB', () => {
    for (const bad of ['', 'x', '12x', '-5M', '1.5M', '2G', '100', '1TiB']) expect(() => parseFileSize(bad)).toThrow(/--max-file-size .*: expected a size from 1KiB to 1GiB/)
  })
})
