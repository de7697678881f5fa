// The tree conntune reads out of a lighttpd 1.4 configuration. Every statement keeps the file,
// line and column it was written at; included files are expanded in place.

export type LighttpdValue =
  | {type: 'string'; value: string}
  | {type: 'integer'; value: number}
  | {type: 'array'; items: LighttpdArrayItem[]}
  /** Valid, but unknown to conntune (env.X without an env map, var.PID, include_shell output). */
  | {type: 'unresolved'; reason: string}

export interface LighttpdArrayItem {
  key?: string
  value: LighttpdValue
}

export type LighttpdAssignOp = '=' | '+=' | ':='
export type LighttpdCondOp = '==' | '!=' | '=~' | '!~' | '=^' | '=$'

export interface LighttpdAssignment {
  kind: 'assign'
  /** As lighttpd stores it: a name without a dot is a user variable and gets "var." in front. */
  key: string
  op: LighttpdAssignOp
  /** The right-hand side, with `+` and variable references already evaluated. */
  value: LighttpdValue
  file: string
  line: number
  col: number
}

export interface LighttpdCondition {
  kind: 'condition'
  /** e.g. $HTTP["host"], $SERVER["socket"], $REQUEST_HEADER["User-Agent"]; '' for a bare else. */
  field: string
  /** As written; a bare `else { }` has op 'else'. */
  op: LighttpdCondOp | 'else'
  /** The evaluated right-hand side ('' for a bare else). */
  pattern: string
  body: LighttpdStatement[]
  /** The next branch of an else-chain. */
  else?: LighttpdCondition
  file: string
  line: number
  col: number
}

export interface LighttpdInclude {
  kind: 'include' | 'include_shell'
  /** The evaluated argument: a path or glob for include, the command for include_shell. */
  path: string
  /** For include: the files read, in the order lighttpd reads them. */
  files?: string[]
  file: string
  line: number
  col: number
}

/** `global { ... }`: assignments inside always land in the global scope, wherever it appears. */
export interface LighttpdGlobalBlock {
  kind: 'global'
  body: LighttpdStatement[]
  file: string
  line: number
  col: number
}

export type LighttpdStatement = LighttpdAssignment | LighttpdCondition | LighttpdInclude | LighttpdGlobalBlock

export interface LighttpdComment {
  file: string
  line: number
  /** Column of the "#". */
  col: number
  /** The text after "#", trimmed: "conntune: ignore RULE -- why". */
  text: string
}

export interface LighttpdConfig {
  entry: string
  /** Includes expanded inline: an include statement is followed by the statements it read. */
  statements: LighttpdStatement[]
  /** Every file read, in reading order, the entry first. */
  files: string[]
  comments: LighttpdComment[]
  /** True when the input was `lighttpd -p` output (the flattened config it prints). */
  preprocessed?: boolean
}

export interface LighttpdParseOptions {
  /** Environment of the lighttpd process, for env.NAME. Without it env.NAME is unresolved. */
  env?: Record<string, string>
  /**
   * Working directory of the lighttpd process. lighttpd resolves includes that start with
   * "./" or "../" (and all includes when the -f path has no "/") against it, and sets var.CWD
   * to it. Without it var.CWD is unresolved and such includes are resolved against "/" (where
   * systemd and init scripts start lighttpd), or left relative when the entry path is relative.
   */
  cwd?: string
  /**
   * lighttpd version ("1.4.69"). Before 1.4.74 `if`, `elif`, `elsif`, `elseif` are plain
   * names and `else if` is a bare else; before 1.4.65 `=^` and `=$` do not exist.
   * Default: the newest grammar.
   */
  version?: string
  /** Include nesting depth at most; default 16. */
  maxIncludeDepth?: number
  /** Bytes read per file at most; default 32 MiB (lighttpd's own limit). */
  maxFileBytes?: number
  /** Longest single token (string, name); default 1 MiB. */
  maxTokenLength?: number
  /** Files read in total at most (globs can be wide); default 4096. */
  maxFiles?: number
}

export interface LighttpdSetting {
  value: LighttpdValue
  file: string
  line: number
}

export interface LighttpdScopeSettings {
  /**
   * Conditions from the outermost, named as lighttpd names its blocks: `$HTTP["url"] =^ "/a"`
   * (lighttpd rewrites simple regexes such as `=~ "^/a"` to `=^`); a chained branch is
   * `else <condition>`, a bare else is `else`.
   */
  path: string[]
  settings: Record<string, LighttpdSetting>
  /** Where the block was first opened. */
  file: string
  line: number
}

export interface LighttpdEffective {
  /** Keys are ASCII-lowercased: lighttpd compares names case-insensitively. */
  global: Record<string, LighttpdSetting>
  conditions: LighttpdScopeSettings[]
  /** include_shell statements whose output (unknown to conntune) may set more. */
  shellIncludes: Array<{command: string; file: string; line: number; path: string[]}>
}
