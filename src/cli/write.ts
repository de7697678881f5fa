// Output files are written whole or not at all: a temp file beside the target, then rename.
import {closeSync, openSync, renameSync, unlinkSync, writeFileSync, writeSync} from 'node:fs'
import {basename, dirname, join} from 'node:path'
import {UserError} from '../errors.js'

/** Chunks (a large report) are written as they come; the file appears only when all are written. */
export function writeFileAtomic(path: string, text: string | Iterable<string>): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`)
  try {
    if (typeof text === 'string') writeFileSync(tmp, text, {flag: 'wx'})
    else {
      const fd = openSync(tmp, 'wx')
      try {
        for (const chunk of text) writeSync(fd, chunk)
      } finally {
        closeSync(fd)
      }
    }
    renameSync(tmp, path)
  } catch (error) {
    try {
      unlinkSync(tmp)
    } catch {
      // Nothing was written, or it is already gone.
    }
    throw new UserError(`${path}: cannot write: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`)
  }
}
