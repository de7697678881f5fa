// A FileReader over texts already in memory: a snapshot's captured files, `nginx -T` output
// split into files, or a test's fixtures. Parsing never needs the live filesystem.
import picomatch from 'picomatch'
import type {FileReader} from './types.js'

export type FileTexts = Record<string, string | {error: string; code?: string}>

export class MemoryFileReader implements FileReader {
  private readonly paths: string[]

  constructor(private readonly files: FileTexts) {
    this.paths = Object.keys(files).sort()
  }

  read(path: string): {text: string} | {error: string; code?: string} {
    const entry = Object.prototype.hasOwnProperty.call(this.files, path) ? this.files[path] : undefined
    if (entry === undefined) return {error: 'No such file or directory', code: 'ENOENT'}
    return typeof entry === 'string' ? {text: entry} : entry
  }

  glob(pattern: string): string[] {
    // glob(3) semantics as nginx and lighttpd use them: `*` does not cross `/`, dotfiles
    // are matched only by an explicit dot, results in byte order.
    const isMatch = picomatch(pattern, {dot: false, nobrace: true, noextglob: true})
    return this.paths.filter((p) => isMatch(p))
  }
}
