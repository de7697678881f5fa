// Shared contract for every parser: text in, a tree whose nodes carry file:line:col out.
// Parsers never throw on bad input: they return what they could read plus typed errors,
// so one broken include does not hide the rest of a host's configuration.

export interface Position {
  file: string
  /** 1-based */
  line: number
  /** 1-based, in characters */
  col: number
}

export type ParseErrorKind =
  | 'syntax'        // the text is not valid for this format
  | 'include'       // an include could not be resolved (missing file, cycle, depth)
  | 'io'            // a file could not be read (permission, not a file, binary)
  | 'limit'         // a bound was hit (file size, include depth, token length)
  | 'unresolved'    // valid, but conntune will not evaluate it (include_shell, Python code)

export class ParseError extends Error {
  readonly kind: ParseErrorKind
  readonly file: string
  readonly line: number
  readonly col: number

  constructor(kind: ParseErrorKind, pos: Position, message: string) {
    super(message)
    this.name = 'ParseError'
    this.kind = kind
    this.file = pos.file
    this.line = pos.line
    this.col = pos.col
  }

  /** One line, as users see it: "file:line:col: message". */
  toString(): string {
    return `${this.file}:${this.line}:${this.col}: ${this.message}`
  }

  toJSON(): {kind: ParseErrorKind; file: string; line: number; col: number; message: string} {
    return {kind: this.kind, file: this.file, line: this.line, col: this.col, message: this.message}
  }
}

export interface ParseResult<T> {
  /** As much as could be read, even when errors is not empty. */
  value: T
  errors: ParseError[]
}

/**
 * How parsers reach files (includes). Sources hand parsers a reader over the snapshot's
 * captured files, so parsing never touches the live filesystem directly and an old
 * snapshot parses the same way as a live host.
 */
export interface FileReader {
  /** File text, or an error message (ENOENT, EACCES, binary, too large). */
  read(path: string): {text: string} | {error: string; code?: string}
  /** Paths matching a glob (sorted as the server sorts them); [] when none match. */
  glob(pattern: string): string[]
}
