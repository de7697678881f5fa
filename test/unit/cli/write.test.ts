// Output files: whole or not at all for regular files; devices and pipes written in place,
// never replaced (as root, a rename over /dev/null once replaced the device with a report).
import {execFileSync, spawn} from 'node:child_process'
import {lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, symlinkSync, writeFileSync, chmodSync, statSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {writeFileAtomic} from '../../../src/cli/write.js'

const dir = mkdtempSync(join(tmpdir(), 'conntune-write-'))

describe('writeFileAtomic', () => {
  const asRoot = process.getuid?.() === 0 ? it : it.skip
  asRoot('writes into a character device without replacing the node', () => {
    const dev = join(dir, 'null')
    execFileSync('mknod', ['-m', '666', dev, 'c', '1', '3'])
    writeFileAtomic(dev, 'report\n')
    expect(lstatSync(dev).isCharacterDevice()).toBe(true)
  })

  it('writes into a FIFO in place (a pipe a reader is waiting on)', async () => {
    const fifo = join(dir, 'fifo')
    execFileSync('mkfifo', [fifo])
    const cat = spawn('cat', [fifo])
    let got = ''
    cat.stdout.on('data', (b: Buffer) => (got += b.toString()))
    const done = new Promise((r) => cat.on('close', r))
    writeFileAtomic(fifo, 'through the pipe')
    await done
    expect(got).toBe('through the pipe')
    expect(lstatSync(fifo).isFIFO()).toBe(true)
  })

  it('keeps a link to a file as a link and replaces the file it names, keeping its mode', () => {
    const target = join(dir, 'real.json')
    writeFileSync(target, 'old')
    chmodSync(target, 0o640)
    const link = join(dir, 'link.json')
    symlinkSync(target, link)
    writeFileAtomic(link, 'new')
    expect(lstatSync(link).isSymbolicLink()).toBe(true)
    expect(readlinkSync(link)).toBe(target)
    expect(readFileSync(target, 'utf8')).toBe('new')
    expect(statSync(target).mode & 0o777).toBe(0o640)
  })

  it('refuses a directory with one line', () => {
    const d = join(dir, 'adir')
    mkdirSync(d)
    expect(() => writeFileAtomic(d, 'x')).toThrow(/adir: cannot write: not a regular file/)
  })

  it('creates a new file whole', () => {
    const f = join(dir, 'new.txt')
    writeFileAtomic(f, 'hello')
    expect(readFileSync(f, 'utf8')).toBe('hello')
  })
})
