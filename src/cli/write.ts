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

// A report of 200 000 findings comes as 200 000 chunks: a write per chunk was most of its cost.
const BATCH = 1 << 20

/** Chunks (a large report) are handed on as they come, about a mebibyte at a time. */
function batched(text: string | Iterable<string>, put: (s: string) => void): void {
  if (typeof text === 'string') return put(text)
  let pending: string[] = []
  let size = 0
  for (const chunk of text) {
    pending.push(chunk)
    size += chunk.length
    if (size >= BATCH) {
      put(pending.join(''))
      pending = []
      size = 0
    }
  }
  if (size > 0) put(pending.join(''))
}

function writeAll(fd: number, text: string | Iterable<string>): void {
  batched(text, (s) => writeFully(fd, s))
}

/** write(2) may take less than it was given (a pipe, a signal): the rest follows. */
function writeFully(fd: number, text: string): void {
  const buf = Buffer.from(text)
  for (let off = 0; off < buf.length; ) off += writeSync(fd, buf, off)
}

/**
 * A report on stdout, written as it is rendered (a 100 000-server JSON report is ≈ 350 MB: as
 * one string and its Buffer it was 0.7 GB of peak memory). A non-blocking stdout (EAGAIN)
 * hands the rest to process.stdout, which queues it; a reader that went away (EPIPE, `| head`)
 * ends the output, as it ends a shell pipeline.
 */
export function writeStdout(text: string | Iterable<string>): void {
  let queued = false
  let closed = false
  batched(text, (s) => {
    if (closed) return
    if (queued) {
      process.stdout.write(s)
      return
    }
    const buf = Buffer.from(s)
    for (let off = 0; off < buf.length; ) {
      try {
        off += writeSync(1, buf, off)
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code
        if (code === 'EPIPE') {
          closed = true
          return
        }
        if (code !== 'EAGAIN') throw error
        queued = true
        process.stdout.write(buf.subarray(off))
        return
      }
    }
  })
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
