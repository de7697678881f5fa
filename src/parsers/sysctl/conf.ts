// sysctl.d(5) / sysctl.conf(5) files, read the way systemd-sysctl reads them (checked against
// systemd 252 and procps-ng 4.0.2; differences from procps are noted where they matter).
//
// - Lines end at "\n", "\r\n" or a lone "\r" (systemd's read_line; procps splits on "\n" only).
// - Leading and trailing " \t\r\n" are stripped; empty lines and lines whose first character
//   is "#" or ";" are comments. There are no trailing comments: "x = 4 # four" sets "4 # four".
// - No line continuation: a trailing "\" is part of the value.
// - "key = value" splits at the first "="; key and value are stripped; the value keeps inner
//   whitespace ("32768 60999") and may be empty (the kernel then usually says EINVAL).
// - "-key = value": failure to set it is ignored. "-key" with no "=" excludes key from globs.
//   Any other line without "=" is logged and skipped ("Line is not an assignment").
// - Keys containing "*", "?" or "[" are globs (systemd >= 238). "!" has no meaning; it is
//   taken as part of the key.
// - A UTF-8 byte order mark is not skipped: it becomes part of the first key.
import {ParseError, type ParseResult} from '../types.js'
import {isGlobKey, normalizeSysctlKey, sysctlKeyToPath} from './key.js'
import {excerpt, isNonText} from '../excerpt.js'

export interface SysctlEntry {
  /** Normalised to dots, as `sysctl -a` prints it: "net.ipv4.conf.eth0/1.rp_filter". */
  key: string
  /** As written (after a leading "-"), e.g. "net/ipv4/conf/eth0.1/rp_filter". */
  rawKey: string
  /** Path under /proc/sys that systemd-sysctl writes: "net/ipv4/conf/eth0.1/rp_filter". */
  path: string
  /** Stripped, inner whitespace kept. */
  value: string
  line: number
  /** Column of the first character of the assignment (the "-" when there is one). */
  col: number
  /** Column of the key's first character. */
  keyCol: number
  /** Column of the value's first character; for an empty value, the column after "=". */
  valueCol: number
  /** Written with a leading "-": systemd ignores any failure to set it. */
  ignoreFailure: boolean
  /** The key contains "*", "?" or "[" and applies to every matching key. */
  glob: boolean
}

/** "-key" without "=": keeps matching globs from setting key. */
export interface SysctlExclusion {
  key: string
  rawKey: string
  path: string
  line: number
  col: number
  keyCol: number
  glob: boolean
}

export interface SysctlComment {
  line: number
  /** Column of the "#" or ";". */
  col: number
  /** The text after the marker, stripped: "conntune: ignore RULE -- why". */
  text: string
  marker: '#' | ';'
}

export interface SysctlConf {
  entries: SysctlEntry[]
  comments: SysctlComment[]
  exclusions: SysctlExclusion[]
}

export interface SysctlParseOptions {
  /** Characters read at most; the rest is reported as a 'limit' error. Default 4 MiB. */
  maxChars?: number
  /** Longest line read; longer lines are skipped with a 'limit' error. Default 64 KiB. */
  maxLineLength?: number
  /** Errors kept before the rest are only counted. Default 200. */
  maxErrors?: number
}

/** systemd's WHITESPACE: " \t\n\r" (no \v, \f or Unicode spaces). */
function isWs(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13
}

export function parseSysctlConf(text: string, file: string, opts: SysctlParseOptions = {}): ParseResult<SysctlConf> {
  const maxChars = opts.maxChars ?? 4 * 1024 * 1024
  const maxLineLength = opts.maxLineLength ?? 64 * 1024
  const maxErrors = opts.maxErrors ?? 200
  const value: SysctlConf = {entries: [], comments: [], exclusions: []}
  const errors: ParseError[] = []
  let dropped = 0
  const report = (kind: ParseError['kind'], line: number, col: number, message: string): void => {
    if (errors.length < maxErrors) errors.push(new ParseError(kind, {file, line, col}, message))
    else dropped++
  }

  if (text.indexOf('\0') !== -1) {
    errors.push(new ParseError('io', {file, line: 1, col: 1}, 'binary file'))
    return {value, errors}
  }
  let body = text
  if (body.length > maxChars) {
    // Cut at a line end so no assignment is read half-way.
    const cut = Math.max(body.lastIndexOf('\n', maxChars), body.lastIndexOf('\r', maxChars))
    body = body.slice(0, cut === -1 ? 0 : cut + 1)
  }
  if (body.charCodeAt(0) === 0xfeff) {
    report('syntax', 1, 1, 'the file starts with a UTF-8 byte order mark; systemd-sysctl and procps read it as part of the first line, so that line never applies')
  }

  let line = 0
  let pos = 0
  const len = body.length
  while (pos < len) {
    line++
    // Line ends: "\n", "\r\n", or a lone "\r".
    let end = pos
    while (end < len) {
      const c = body.charCodeAt(end)
      if (c === 10 || c === 13) break
      end++
    }
    const start = pos
    if (end < len && body.charCodeAt(end) === 13) {
      if (end + 1 < len && body.charCodeAt(end + 1) === 10) pos = end + 2
      else {
        pos = end + 1
        report('syntax', line, end - start + 1, 'a carriage return without a line feed ends the line for systemd-sysctl but not for procps sysctl, which reads the next line as part of this value')
      }
    } else pos = end + 1

    if (end - start > maxLineLength) {
      report('limit', line, 1, `line longer than ${maxLineLength} characters; skipped`)
      continue
    }
    parseLine(body, start, end, line, value, report)
  }

  if (body.length < text.length) {
    const shown = text.length - body.length
    report('limit', line + 1, 1, `file larger than ${maxChars} characters; the last ${shown} were not read`)
  }
  if (dropped > 0) errors.push(new ParseError('limit', {file, line, col: 1}, `${dropped} more errors not shown`))
  return {value, errors}
}

type Report = (kind: ParseError['kind'], line: number, col: number, message: string) => void

function parseLine(text: string, start: number, end: number, line: number, out: SysctlConf, report: Report): void {
  let a = start
  let b = end
  while (a < b && isWs(text.charCodeAt(a))) a++
  while (b > a && isWs(text.charCodeAt(b - 1))) b--
  if (a === b) return
  const col = (i: number): number => i - start + 1

  const first = text[a]
  if (first === '#' || first === ';') {
    let t = a + 1
    while (t < b && isWs(text.charCodeAt(t))) t++
    out.comments.push({line, col: col(a), text: text.slice(t, b), marker: first})
    return
  }

  // Search this line only: indexOf from here would scan the rest of the file on every line
  // without "=", quadratic in the file (4 MiB of "x\n" took 45 s).
  let eq = a
  while (eq < b && text.charCodeAt(eq) !== 61) eq++
  const hasEq = eq < b
  const dash = first === '-'
  let k0 = dash ? a + 1 : a
  let k1 = hasEq ? eq : b
  while (k0 < k1 && isWs(text.charCodeAt(k0))) k0++
  while (k1 > k0 && isWs(text.charCodeAt(k1 - 1))) k1--
  const rawKey = text.slice(k0, k1)

  if (!hasEq && !dash) {
    report('syntax', line, col(a), `line is not an assignment (no "="); systemd-sysctl skips it: ${excerpt(text.slice(a, b))}`)
    return
  }
  if (rawKey === '') {
    report('syntax', line, col(hasEq ? eq : a), hasEq ? 'missing key before "="' : 'missing key after "-"')
    return
  }
  const ws = rawKey.search(/[ \t]/)
  if (ws !== -1) {
    // systemd would write to /proc/sys/<key with a space>, which cannot exist, and says so only at debug level.
    report('syntax', line, col(k0 + ws), `key ${quoted(rawKey)} contains whitespace; no sysctl has such a name`)
  }

  const path = sysctlKeyToPath(rawKey)
  const key = normalizeSysctlKey(rawKey)
  if (path === '') {
    report('syntax', line, col(k0), `key ${quoted(rawKey)} names no sysctl (only separators)`)
    return
  }
  const glob = isGlobKey(path)

  if (!hasEq) {
    out.exclusions.push({key, rawKey, path, line, col: col(a), keyCol: col(k0), glob})
    return
  }

  let v0 = eq + 1
  while (v0 < b && isWs(text.charCodeAt(v0))) v0++
  out.entries.push({
    key,
    rawKey,
    path,
    value: text.slice(v0, b),
    line,
    col: col(a),
    keyCol: col(k0),
    valueCol: col(v0),
    ignoreFailure: dash,
    glob,
  })
}

function quoted(s: string): string {
  return isNonText(s) ? excerpt(s) : `"${excerpt(s)}"`
}
