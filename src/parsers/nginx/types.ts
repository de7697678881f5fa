// The nginx syntax tree. Field names follow crossplane's payload so the tree can be printed
// in that shape without renaming, plus source spans that fixers need to edit text in place.
import type {ParseError} from '../types.js'

/** Where a directive sits in its file's text. Offsets are UTF-16 indices into the text. */
export interface NginxSpan {
  /** Offset of the directive name (of its opening quote, if quoted). */
  start: number
  /** Offset just past the terminating `;`, or past the block's (or Lua block's) closing `}`. */
  end: number
  /**
   * Where the `;` or `{` that ended the statement is. nginx names this line, not the
   * directive's first line, in errors about a directive (e.g. a failed include).
   */
  termLine: number
  termCol: number
  /** Raw argument tokens, quotes included; `quoted` tells `"on"` from `on`. */
  args: Array<{start: number; end: number; quoted: boolean}>
}

export interface NginxDirective {
  directive: string
  /** Values after nginx's own escape processing (`\"` `\'` `\\` `\n` `\r` `\t`). */
  args: string[]
  file: string
  /** 1-based line and column (UTF-16 units) of the directive name. */
  line: number
  col: number
  /** Present iff the directive opened a block. `*_by_lua_block` bodies are an arg instead. */
  block?: NginxDirective[]
  /** For `include`: indices into NginxConfig.files, in the order nginx reads them. */
  includes?: number[]
  source?: NginxSpan
}

export interface NginxComment {
  line: number
  col: number
  /** Text after the `#`, without the line ending. */
  text: string
}

export interface NginxFile {
  file: string
  status: 'ok' | 'failed'
  errors: ParseError[]
  parsed: NginxDirective[]
  comments: NginxComment[]
}

export interface NginxConfig {
  entry: string
  /** Each file once, in crossplane's order (breadth-first by first inclusion); files[0] is the entry. */
  files: NginxFile[]
}

export interface NginxParsedText {
  parsed: NginxDirective[]
  comments: NginxComment[]
}

// crossplane's JSON payload (crossplane/parser.py), key order as crossplane emits it.
export interface CrossplaneDirective {
  directive: string
  line: number
  args: string[]
  includes?: number[]
  block?: CrossplaneDirective[]
}

export interface CrossplaneFile {
  file: string
  status: 'ok' | 'failed'
  errors: Array<{error: string; line: number | null}>
  parsed: CrossplaneDirective[]
}

export interface CrossplanePayload {
  status: 'ok' | 'failed'
  errors: Array<{file: string; error: string; line: number | null}>
  config: CrossplaneFile[]
}
