// nginx's tokenizer, state for state as ngx_conf_read_token() in src/core/ngx_conf_file.c
// (checked against nginx 1.22). Like nginx, it hands out one statement at a time: the words
// up to a `;`, a `{`, a `}` or the end of the file. Where nginx stops at the first error,
// this lexer records it in nginx's words and recovers, so callers still get the rest.
import {ParseError} from '../types.js'
import type {NginxComment} from './types.js'

/** nginx reads a config through a 4096-byte buffer; a token that does not fit is an error. */
export const NGX_CONF_BUFFER = 4096

export interface NginxWord {
  /** After nginx's escape processing. */
  value: string
  quoted: boolean
  line: number
  col: number
  /** UTF-16 offsets of the raw token, quotes included. */
  start: number
  end: number
}

export interface Mark {
  line: number
  col: number
  offset: number
}

export interface NginxStatement {
  /** How many words it has: they are the lexer's word arrays up to this count (NginxLexer.values…). */
  count: number
  /** What ended it; `}` with words and `{` without are recovered errors. */
  end: ';' | '{' | '}' | 'eof'
  /** Where the terminator is (or the end of the text). */
  at: Mark
  /** Offset just past the terminator. */
  next: number
  /** The lexer already reported an error for this end of file. */
  eofError: boolean
}

const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n'

/** UTF-8 length of the character starting at s[i], and how many UTF-16 units it spans. */
function charAt(s: string, i: number): {bytes: number; units: number} {
  const c = s.charCodeAt(i)
  if (c < 0x80) return {bytes: 1, units: 1}
  if (c < 0x800) return {bytes: 2, units: 1}
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
    const d = s.charCodeAt(i + 1)
    if (d >= 0xdc00 && d <= 0xdfff) return {bytes: 4, units: 2}
  }
  return {bytes: 3, units: 1}
}

/** nginx's word copy loop: only these escapes are processed, other backslashes stay. */
export function unescapeNginx(raw: string): string {
  if (!raw.includes('\\')) return raw
  let out = ''
  for (let k = 0; k < raw.length; ) {
    const c = raw[k]
    if (c === '\\' && k + 1 < raw.length) {
      const n = raw[k + 1]
      if (n === '"' || n === "'" || n === '\\') { out += n; k += 2; continue }
      if (n === 't') { out += '\t'; k += 2; continue }
      if (n === 'r') { out += '\r'; k += 2; continue }
      if (n === 'n') { out += '\n'; k += 2; continue }
    }
    out += c
    k++
  }
  return out
}

/**
 * Messages stay on one line: control characters nginx would print raw (it quotes the
 * offending byte, or the first 10 bytes of a long word) are shown escaped.
 */
export function escapeControls(s: string): string {
  return s.replace(/[\x00-\x1f\x7f]/g, (c) =>
    c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
}

/** Where a character is, built only when a statement ends or an error is recorded there. */
const markAt = (line: number, col: number, offset: number): Mark => ({line, col, offset})

function firstBytes(s: string, n: number): string {
  const b = Buffer.from(s.slice(0, n), 'utf8')
  return b.subarray(0, n).toString('utf8')
}

export class NginxLexer {
  /** UTF-16 index of the next character. */
  i = 0
  /** UTF-8 byte offset of the next character: nginx's limits are in bytes. */
  byte = 0
  line = 1
  lineStart = 0
  readonly comments: NginxComment[] = []
  readonly errors: ParseError[] = []
  // The words of the statement next() returned last, as parallel arrays reused from one
  // statement to the next: an object per word was the largest allocation of a parse.
  readonly values: string[] = []
  readonly wordQuoted: boolean[] = []
  readonly wordLines: number[] = []
  readonly wordCols: number[] = []
  /** UTF-16 offsets of each raw token, quotes included. */
  readonly wordStarts: number[] = []
  readonly wordEnds: number[] = []
  private count = 0

  constructor(readonly text: string, readonly file: string) {}

  /** Records the comment that ends at `to`; returns null for the caller's "no open comment". */
  closeComment(comment: {line: number; col: number; from: number}, to: number): null {
    let t = this.text.slice(comment.from, to)
    if (t.endsWith('\r')) t = t.slice(0, -1)
    this.comments.push({line: comment.line, col: comment.col, text: t})
    return null
  }

  /** The last statement's words as objects, for callers that want them whole. */
  words(): NginxWord[] {
    const out: NginxWord[] = []
    for (let k = 0; k < this.count; k++) out.push({value: this.values[k], quoted: this.wordQuoted[k], line: this.wordLines[k], col: this.wordCols[k], start: this.wordStarts[k], end: this.wordEnds[k]})
    return out
  }

  private word(start: number, valueEnd: number, rawEnd: number, quoted: boolean, line: number, col: number, tokStart: number): void {
    const k = this.count++
    this.values[k] = unescapeNginx(this.text.slice(start, valueEnd))
    this.wordQuoted[k] = quoted
    this.wordLines[k] = line
    this.wordCols[k] = col
    this.wordStarts[k] = tokStart
    this.wordEnds[k] = rawEnd
  }

  mark(): Mark {
    return {line: this.line, col: this.i - this.lineStart + 1, offset: this.i}
  }

  error(at: {line: number; col: number}, message: string, kind: 'syntax' | 'limit' = 'syntax'): void {
    this.errors.push(new ParseError(kind, {file: this.file, line: at.line, col: at.col}, message))
  }

  /** Consume one character, keeping line and byte counts; returns it (a surrogate pair is one). */
  advance(): string {
    const {bytes, units} = charAt(this.text, this.i)
    const ch = units === 1 ? this.text[this.i] : this.text.slice(this.i, this.i + units)
    this.i += units
    this.byte += bytes
    if (ch === '\n') {
      this.line++
      this.lineStart = this.i
    }
    return ch
  }

  next(): NginxStatement {
    const text = this.text
    this.count = 0
    let needSpace = false
    let lastSpace = true
    let sharpComment = false
    let variable = false
    let quoted = false
    let sQuoted = false
    let dQuoted = false

    // nginx's `start`: where the current token (or run of blanks, or comment) began. The
    // buffer-size limit is measured from it.
    let start = this.i
    let startByte = this.byte
    // Numbers, not a Mark object per token: only an error needs one.
    let startLine = this.line
    let startCol = this.i - this.lineStart + 1
    let tooLongAt = -1

    let tokStart = 0
    let tokLine = 0
    let tokCol = 0
    let comment: {line: number; col: number; from: number} | null = null

    // No closures here: variables a closure captures live in a heap context, and this loop
    // reads them once per character (bench/parse-nginx.mjs: ≈ 15 % less parse time without them).

    for (;;) {
      if (this.i >= text.length) {
        if (comment) comment = this.closeComment(comment, text.length)
        const at = this.mark()
        if (this.count > 0 || !lastSpace) {
          this.error(at, 'unexpected end of file, expecting ";" or "}"')
          // Keep the unfinished token: "as much as was read".
          if (!lastSpace && !needSpace) this.word(start, text.length, text.length, dQuoted || sQuoted, tokLine, tokCol, tokStart)
          return {count: this.count, end: 'eof', at, next: this.i, eofError: true}
        }
        return {count: this.count, end: 'eof', at, next: this.i, eofError: false}
      }

      // Runs that cannot change the state, skipped in one tight loop: the inside of a plain
      // token (nginx ends one only at a blank, `;` or `{`; `\\` and `$` have meaning) and blanks
      // between tokens. Both stop before the buffer limit, so that error is found as before.
      if (!lastSpace && !needSpace && !quoted && !sharpComment && !dQuoted && !sQuoted && !variable) {
        const limit = Math.min(text.length, this.i + startByte + NGX_CONF_BUFFER - this.byte)
        let j = this.i
        for (let c = text.charCodeAt(j); j < limit && c > 32 && c < 127 && c !== 59 && c !== 123 && c !== 92 && c !== 36; c = text.charCodeAt(++j));
        if (j > this.i) {
          this.byte += j - this.i
          this.i = j
          continue
        }
      } else if (lastSpace && !needSpace && !quoted && !sharpComment) {
        let j = this.i
        for (let c = text.charCodeAt(j); j < text.length && (c === 32 || c === 9); c = text.charCodeAt(++j));
        if (j > this.i + 1) {
          // As if each blank had been read: the run's last one is where the next token's count starts.
          this.byte += j - this.i
          this.i = j
          start = j - 1
          startByte = this.byte - 1
          startLine = this.line
          startCol = j - this.lineStart
          continue
        }
      }

      // ASCII without the helper call: this loop runs once per character of every config.
      const code = text.charCodeAt(this.i)
      const bytes = code < 0x80 ? 1 : charAt(text, this.i).bytes
      if (this.byte + bytes - 1 - startByte >= NGX_CONF_BUFFER && tooLongAt !== startByte) {
        // nginx refills its buffer here and finds it full of one parameter.
        tooLongAt = startByte
        const q = dQuoted ? '"' : sQuoted ? "'" : ''
        this.error({line: startLine, col: startCol}, q
          ? `too long parameter, probably missing terminating "${q}" character`
          : `too long parameter "${escapeControls(firstBytes(text.slice(start, start + 10), 10))}..." started`, 'limit')
      }

      const idx = this.i
      const atLine = this.line
      const atCol = idx - this.lineStart + 1
      let ch: string
      if (code < 0x80) {
        // advance() for one ASCII character, inlined.
        ch = text[idx]
        this.i++
        this.byte++
        if (code === 10) {
          this.line++
          this.lineStart = this.i
        }
      } else ch = this.advance()
      const idxByte = this.byte - bytes

      if (ch === '\n' && sharpComment) {
        sharpComment = false
        if (comment) comment = this.closeComment(comment, idx)
      }
      if (sharpComment) continue

      if (quoted) {
        quoted = false
        continue
      }

      if (needSpace) {
        if (isSpace(ch)) {
          lastSpace = true
          needSpace = false
          continue
        }
        if (ch === ';') return {count: this.count, end: ';', at: markAt(atLine, atCol, idx), next: this.i, eofError: false}
        if (ch === '{') return {count: this.count, end: '{', at: markAt(atLine, atCol, idx), next: this.i, eofError: false}
        if (ch !== ')') {
          this.error(markAt(atLine, atCol, idx), `unexpected "${escapeControls(ch)}"`)
          // Recover as a missing `;` before the block's end.
          if (ch === '}') return {count: this.count, end: '}', at: markAt(atLine, atCol, idx), next: this.i, eofError: false}
        }
        // `)` (and, as recovery, anything else) starts a new token: "a")  ->  a  )
        lastSpace = true
        needSpace = false
      }

      if (lastSpace) {
        start = idx
        startByte = idxByte
        // nginx's start_line is read after an LF has been counted.
        startLine = this.line
        startCol = atCol

        if (isSpace(ch)) continue

        switch (ch) {
          case ';':
          case '{':
            if (this.count === 0) {
              this.error(markAt(atLine, atCol, idx), `unexpected "${ch}"`)
              if (ch === ';') continue
            }
            return {count: this.count, end: ch, at: markAt(atLine, atCol, idx), next: this.i, eofError: false}

          case '}':
            if (this.count !== 0) this.error(markAt(atLine, atCol, idx), 'unexpected "}"')
            return {count: this.count, end: '}', at: markAt(atLine, atCol, idx), next: this.i, eofError: false}

          case '#':
            sharpComment = true
            comment = {line: atLine, col: atCol, from: this.i}
            continue

          case '\\':
            quoted = true
            lastSpace = false
            break

          case '"':
            start++
            startByte++
            dQuoted = true
            lastSpace = false
            break

          case "'":
            start++
            startByte++
            sQuoted = true
            lastSpace = false
            break

          case '$':
            variable = true
            lastSpace = false
            break

          default:
            lastSpace = false
        }
        tokStart = idx
        tokLine = atLine
        tokCol = atCol
        continue
      }

      if (ch === '{' && variable) continue
      variable = false

      if (ch === '\\') {
        quoted = true
        continue
      }
      if (ch === '$') {
        variable = true
        continue
      }

      let found = false
      if (dQuoted) {
        if (ch === '"') {
          dQuoted = false
          needSpace = true
          found = true
        }
      } else if (sQuoted) {
        if (ch === "'") {
          sQuoted = false
          needSpace = true
          found = true
        }
      } else if (isSpace(ch) || ch === ';' || ch === '{') {
        lastSpace = true
        found = true
      }

      if (found) {
        const isQuoted = needSpace
        this.word(start, idx, isQuoted ? idx + 1 : idx, isQuoted, tokLine, tokCol, tokStart)
        if (ch === ';') return {count: this.count, end: ';', at: markAt(atLine, atCol, idx), next: this.i, eofError: false}
        if (ch === '{') return {count: this.count, end: '{', at: markAt(atLine, atCol, idx), next: this.i, eofError: false}
      }
    }
  }
}
