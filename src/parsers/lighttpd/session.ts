// One parse of a lighttpd configuration across all its files: the shared scope state (lighttpd
// evaluates variables while reading, across includes), collected errors and comments, and
// the bounded, cycle-checked reading of included files.
import {ParseError, type FileReader, type ParseErrorKind} from '../types.js'
import {baseDir, hasGlobMeta, matchInclude, resolveInclude} from './includes.js'
import {ScopeEngine} from './scopes.js'
import type {LighttpdComment, LighttpdInclude, LighttpdParseOptions, LighttpdStatement} from './types.js'

export interface ResolvedOptions {
  env?: Record<string, string>
  cwd?: string
  modernKeywords: boolean
  prefixSuffixOps: boolean
  maxIncludeDepth: number
  maxFileBytes: number
  maxTokenLength: number
  maxFiles: number
}

export interface Pos {
  file: string
  line: number
  col: number
}

/** Parses one file's text into `sink`; supplied by parser.ts (kept apart to stay small). */
export type FileParser = (session: Session, file: string, text: string, sink: LighttpdStatement[], isEntry: boolean) => void

export function resolveOptions(opts: LighttpdParseOptions): ResolvedOptions {
  const v = parseVersion(opts.version)
  return {
    env: opts.env,
    cwd: opts.cwd,
    modernKeywords: v === null || compare(v, [1, 4, 74]) >= 0,
    prefixSuffixOps: v === null || compare(v, [1, 4, 65]) >= 0,
    maxIncludeDepth: opts.maxIncludeDepth ?? 16,
    maxFileBytes: opts.maxFileBytes ?? 32 * 1024 * 1024,
    maxTokenLength: opts.maxTokenLength ?? 1024 * 1024,
    maxFiles: opts.maxFiles ?? 4096,
  }
}

function parseVersion(v: string | undefined): number[] | null {
  const m = v === undefined ? null : /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(v.trim())
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : null
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] - b[i]
  return 0
}

const MAX_ERRORS = 1000

export class Session {
  readonly errors: ParseError[] = []
  readonly comments: LighttpdComment[] = []
  readonly files: string[] = []
  readonly engine: ScopeEngine
  readonly basedir: string
  preprocessed = false
  private readonly reading: string[] = []
  private filesRead = 0

  constructor(
    readonly entry: string,
    readonly reader: FileReader | undefined,
    readonly opts: ResolvedOptions,
    private readonly parseText: FileParser,
  ) {
    this.basedir = baseDir(entry)
    this.engine = new ScopeEngine({cwd: opts.cwd})
  }

  report(kind: ParseErrorKind, pos: Pos, message: string): void {
    // Messages quote config text, which may hold line breaks; a message stays one line.
    message = message.replace(/\r/g, '\\r').replace(/\n/g, '\\n')
    if (this.errors.length < MAX_ERRORS) this.errors.push(new ParseError(kind, pos, message))
    else if (this.errors.length === MAX_ERRORS) this.errors.push(new ParseError('limit', pos, `more than ${MAX_ERRORS} problems; the rest are not listed`))
  }

  /** Parse text already in hand (the entry of parseLighttpdText). */
  parseEntryText(text: string, sink: LighttpdStatement[]): void {
    if (!this.checkText(this.entry, text, {file: this.entry, line: 1, col: 1})) return
    this.files.push(this.entry)
    this.reading.push(this.entry)
    this.parseText(this, this.entry, text, sink, true)
    this.reading.pop()
  }

  readFile(path: string, sink: LighttpdStatement[], from: Pos | null): void {
    const at = from ?? {file: path, line: 1, col: 1}
    if (!this.reader) {
      this.report('unresolved', at, `${path} was not read: no files were given to the parser`)
      return
    }
    if (this.reading.includes(path)) {
      this.report('include', at, `include cycle: ${[...this.reading, path].join(' -> ')} (lighttpd recurses until it crashes)`)
      return
    }
    if (this.reading.length > this.opts.maxIncludeDepth) {
      this.report('limit', at, `includes nested more than ${this.opts.maxIncludeDepth} deep; ${path} not read`)
      return
    }
    if (this.filesRead >= this.opts.maxFiles) {
      this.report('limit', at, `more than ${this.opts.maxFiles} files included; ${path} not read`)
      return
    }
    this.filesRead++
    const r = this.reader.read(path)
    if ('error' in r) {
      const missing = r.code === 'ENOENT'
      this.report(missing && from ? 'include' : 'io', at, `cannot read ${path}: ${r.error}`)
      return
    }
    if (!this.checkText(path, r.text, at)) return
    if (!this.files.includes(path)) this.files.push(path)
    this.reading.push(path)
    this.parseText(this, path, r.text, sink, from === null)
    this.reading.pop()
  }

  /** `include "..."`: resolve, expand, read each file into the including block. */
  include(stmt: LighttpdInclude, sink: LighttpdStatement[]): void {
    const at = {file: stmt.file, line: stmt.line, col: stmt.col}
    if (!this.reader) {
      this.report('unresolved', at, `include "${stmt.path}" was not read: no files were given to the parser`)
      return
    }
    const target = resolveInclude(stmt.path, this.basedir, this.opts.cwd, this.entry.startsWith('/'))
    const files = matchInclude(this.reader, target)
    if (files.length === 0) {
      if (!hasGlobMeta(target)) this.report('include', at, `include file not found: ${target}`)
      return
    }
    for (const f of files) {
      stmt.files?.push(f)
      this.readFile(f, sink, at)
    }
  }

  private checkText(path: string, text: string, at: Pos): boolean {
    if (Buffer.byteLength(text, 'utf8') > this.opts.maxFileBytes) {
      this.report('limit', at, `${path} is larger than ${this.opts.maxFileBytes} bytes; not read`)
      return false
    }
    if (text.includes('\0')) {
      this.report('io', at, `${path}: binary file (contains NUL bytes); not read`)
      return false
    }
    return true
  }
}
