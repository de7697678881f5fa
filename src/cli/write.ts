// Output files are written whole or not at all: a temp file beside the target, then rename.
// A rename only makes sense over a regular file: renaming over /dev/null or /dev/stdout as root
// would replace the device node with a report. Devices and pipes are written in place, like a
// shell redirection; anything else that is not a regular file is refused.
import {closeSync, openSync, realpathSync, renameSync, statSync, unlinkSync, writeSync} from 'node:fs'
import {basename, dirname, join} from 'node:path'
import {UserError} from '../errors.js'

function fail(path: string, error: unknown): never {
  throw new UserError(`${path}: cannot write: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`)
}

/** Chunks (a large report) are written as they come. */
function writeAll(fd: number, text: string | Iterable<string>): void {
  if (typeof text === 'string') writeSync(fd, text)
  else for (const chunk of text) writeSync(fd, chunk)
}

export function writeFileAtomic(path: string, text: string | Iterable<string>): void {
  let st
  try {
    st = statSync(path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') fail(path, error)
  }
  if (st && (st.isCharacterDevice() || st.isFIFO())) {
    try {
      const fd = openSync(path, 'w')
      try {
        writeAll(fd, text)
      } finally {
        closeSync(fd)
      }
      return
    } catch (error) {
      fail(path, error)
    }
  }
  if (st && !st.isFile()) throw new UserError(`${path}: cannot write: not a regular file`)
  // A link to a file stays a link: the file it names is replaced.
  let target = path
  try {
    if (st) target = realpathSync(path)
  } catch (error) {
    fail(path, error)
  }
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`)
  try {
    const fd = openSync(tmp, 'wx', st ? st.mode & 0o7777 : 0o666)
    try {
      writeAll(fd, text)
    } finally {
      closeSync(fd)
    }
    renameSync(tmp, target)
  } catch (error) {
    try {
      unlinkSync(tmp)
    } catch {
      // Nothing was written, or it is already gone.
    }
    fail(path, error)
  }
}
