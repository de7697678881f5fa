// Linear stand-ins for regexes that V8 runs in O(n²) on hostile text. A pattern like /\/+$/ or
// /\s+#.*$/ is tried at every start position, and from each one rescans the same run of
// slashes or blanks: 40 000 blanks took 2.5 s, a 1 MB run would take half an hour. Each of
// these gives exactly what its regex (named in its comment) gives, in one pass.

/** `s.replace(/C+$/, '')` for one character C: `s` without the copies of `ch` it ends with. */
export function trimTrailing(s: string, ch: string): string {
  let end = s.length
  while (end > 0 && s[end - 1] === ch) end--
  return end === s.length ? s : s.slice(0, end)
}

const BLANK = /\s/
// What `.` does not match without the s flag: a `.*$` cannot run past one of these.
const TERMINATOR = /[\n\r\u2028\u2029]/g

/** Does `s` hold a line terminator (what `.` stops at)? Then a `(.*)$` cannot match across it. */
export function hasLineBreak(s: string): boolean {
  return /[\n\r\u2028\u2029]/.test(s)
}

/** The index of the last line terminator in `s` before `end`, or -1. */
export function lastLineBreak(s: string, end = s.length): number {
  let last = -1
  for (const m of s.matchAll(TERMINATOR)) {
    if (m.index! >= end) break
    last = m.index!
  }
  return last
}

/** `line.replace(/\s+#.*$/, '')`: the line without a trailing `#` comment and the blanks before it. */
export function stripHashComment(line: string): string {
  const after = lastLineBreak(line)
  for (let i = line.indexOf('#', after + 1); i !== -1; i = line.indexOf('#', i + 1)) {
    if (i === 0 || !BLANK.test(line[i - 1])) continue
    let start = i - 1
    while (start > 0 && BLANK.test(line[start - 1])) start--
    return line.slice(0, start)
  }
  return line
}

/** `line.replace(/(^|\s)#.*$/, '')`: cut at a `#` that starts the line or follows a blank (that one blank too). */
export function cutHashComment(line: string): string {
  const after = lastLineBreak(line)
  for (let i = line.indexOf('#', after + 1); i !== -1; i = line.indexOf('#', i + 1)) {
    if (i === 0) return ''
    if (BLANK.test(line[i - 1])) return line.slice(0, i - 1)
  }
  return line
}

/** The groups of a `${NAME:-word}` / `$NAME` interpolation match, as String.replace passes them. */
export type Interpolate = (all: string, braced?: string, op?: string, word?: string, bare?: string) => string

/**
 * `s.replace(withBraces, fn)` for an interpolation regex (groups: braced name, operator, word,
 * bare name) whose braced form scans `[^}]*` to its `}`: past the last `}` of `s` every such
 * scan runs to the end and fails, so n copies of `${A-` cost O(n²). That tail can hold only
 * the forms without a brace, which `withoutBraces` (one group: the bare name) finds. Both
 * regexes must have the g flag.
 */
export function replaceBeforeLastBrace(s: string, withBraces: RegExp, withoutBraces: RegExp, fn: Interpolate): string {
  const cut = s.lastIndexOf('}') + 1
  const head = cut === 0 ? '' : s.slice(0, cut).replace(withBraces, fn)
  return head + s.slice(cut).replace(withoutBraces, (all: string, bare?: string) => fn(all, undefined, undefined, undefined, bare))
}
