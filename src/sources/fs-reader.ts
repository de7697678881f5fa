// A FileReader over the live filesystem (bounded like every other read), for `conntune parse`.
import {posix} from 'node:path'
import picomatch from 'picomatch'
import type {FileReader} from '../parsers/types.js'
import {LIMITS} from '../snapshot/kernel-keys.js'
import {RootFs} from './rootfs.js'
import {tooLarge} from './read-regular.js'

export class FsFileReader implements FileReader {
  private readonly fs = new RootFs('/')

  read(path: string): {text: string} | {error: string; code?: string} {
    const f = this.fs.readFile(path, LIMITS.configBytes)
    if (f.text !== undefined && !f.truncated) return {text: f.text}
    if (f.truncated) return {error: tooLarge(f.size, LIMITS.configBytes), code: 'EFBIG'}
    return {error: f.error === 'binary' ? 'binary file' : (f.error ?? 'EIO'), code: f.error}
  }

  glob(pattern: string): string[] {
    const dir = posix.dirname(pattern)
    if (/[*?[]/.test(dir)) return []
    const match = picomatch(posix.basename(pattern), {dot: false, nobrace: true, noextglob: true})
    // Whole: nothing records a cut here, and the parser's include budget bounds what follows.
    return (this.fs.listDir(dir, Infinity).entries ?? []).filter((n) => match(n)).map((n) => posix.join(dir, n)).filter((p) => this.fs.kind(p) === 'file')
  }
}
