// Output files are written whole or not at all: a temp file beside the target, then rename.
import {renameSync, unlinkSync, writeFileSync} from 'node:fs'
import {basename, dirname, join} from 'node:path'
import {UserError} from '../errors.js'

export function writeFileAtomic(path: string, text: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`)
  try {
    writeFileSync(tmp, text, {flag: 'wx'})
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
