// Pretty JSON written in pieces as it is built, never as one string: `parse … --json` of a few
// MB of config is tens of MB of JSON, and oclif's logJson tokenized that whole string into an
// object per token (3 GB peak for 3 MB of input). The bytes are exactly
// JSON.stringify(value, null, 2) + "\n".
import {writeSync} from 'node:fs'

/** Flushed to the fd at this size: the only text held at once besides one scalar. */
const CHUNK = 1 << 20
/**
 * Below this depth a value is handed to JSON.stringify whole (then re-indented): recursion in
 * JS is bounded here, and JSON.stringify's own limit is what it was before.
 */
const MAX_DEPTH = 64

export function writeJson(value: unknown, fd = 1): void {
  const w = new ChunkWriter(fd)
  emit(prepare(value, ''), '', 0, w)
  w.put('\n')
  w.flush()
}

class ChunkWriter {
  private parts: string[] = []
  private size = 0
  private closed = false
  constructor(private readonly fd: number) {}

  put(s: string): void {
    this.parts.push(s)
    this.size += s.length
    if (this.size >= CHUNK) this.flush()
  }

  flush(): void {
    if (this.size === 0) return
    if (this.closed) return void ((this.parts = []), (this.size = 0))
    const buf = Buffer.from(this.parts.join(''), 'utf8')
    this.parts = []
    this.size = 0
    // stdout may be non-blocking (a pipe opened by a parent): retry until all is written.
    for (let off = 0; off < buf.length; ) {
      try {
        off += writeSync(this.fd, buf, off)
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code
        // The reader went away (`| head`): the rest has nowhere to go, as with process.stdout.
        if (code === 'EPIPE') return void (this.closed = true)
        if (code !== 'EAGAIN') throw error
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5)
      }
    }
  }
}

/** What JSON.stringify does with a value before looking at it. */
function prepare(value: unknown, key: string): unknown {
  if (value !== null && typeof value === 'object' && typeof (value as {toJSON?: unknown}).toJSON === 'function') {
    return (value as {toJSON: (k: string) => unknown}).toJSON(key)
  }
  return value
}

const skipped = (v: unknown) => v === undefined || typeof v === 'function' || typeof v === 'symbol'

/** Writes a value JSON.stringify's toJSON step has already been applied to. */
function emit(value: unknown, indent: string, depth: number, w: ChunkWriter): void {
  if (value === null || typeof value !== 'object') {
    // Only array items (and the top) get here skipped: JSON.stringify writes null for them.
    w.put(skipped(value) ? 'null' : JSON.stringify(value))
    return
  }
  if (depth >= MAX_DEPTH) {
    w.put(JSON.stringify(value, null, 2).replaceAll('\n', `\n${indent}`))
    return
  }
  const inner = `${indent}  `
  if (Array.isArray(value)) {
    if (value.length === 0) return w.put('[]')
    w.put('[')
    for (let i = 0; i < value.length; i++) {
      w.put(i === 0 ? `\n${inner}` : `,\n${inner}`)
      emit(prepare(value[i], String(i)), inner, depth + 1, w)
    }
    w.put(`\n${indent}]`)
    return
  }
  let first = true
  for (const k of Object.keys(value)) {
    const v = prepare((value as Record<string, unknown>)[k], k)
    if (skipped(v)) continue
    w.put(first ? `{\n${inner}` : `,\n${inner}`)
    first = false
    w.put(`${JSON.stringify(k)}: `)
    emit(v, inner, depth + 1, w)
  }
  w.put(first ? '{}' : `\n${indent}}`)
}
