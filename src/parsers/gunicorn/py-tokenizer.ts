// A Python tokenizer, close enough to CPython's to read gunicorn.conf.py without running it.
// It keeps what the static reader needs (names, numbers, strings, operators, logical lines,
// indentation, comments) and turns what CPython would reject into ParseErrors instead of
// stopping, so one broken line does not hide the settings after it.
import {ParseError} from '../types.js'
import {append} from '../../append.js'

export type TokenType = 'NAME' | 'NUMBER' | 'STRING' | 'OP' | 'NEWLINE' | 'INDENT' | 'DEDENT' | 'ENDMARKER'

export interface Token {
  type: TokenType
  /** Source text of the token (for INDENT/DEDENT/NEWLINE: '') */
  text: string
  line: number
  col: number
  /** Offset in the (BOM-stripped, newline-normalised) text */
  start: number
  end: number
  /** Set on the tokens of a logical line that the tokenizer already reported as broken */
  broken?: boolean
}

export interface PyComment {
  line: number
  col: number
  /** Text after '#', without the line break */
  text: string
}

export interface TokenizeResult {
  tokens: Token[]
  comments: PyComment[]
  errors: ParseError[]
}

export const MAX_TOKEN_CHARS = 1024 * 1024
const MAX_RECOVERIES = 20

const KEYWORDS_AFTER_NUMBER = new Set(['and', 'or', 'if', 'else', 'in', 'is', 'not', 'for'])

const OPERATORS = [
  '**=', '//=', '>>=', '<<=', '...',
  '!=', '%=', '&=', '**', '*=', '+=', '-=', '->', '//', '/=', ':=', '<<', '<=', '==', '>=', '>>', '@=', '^=', '|=',
  '(', ')', '[', ']', '{', '}', ',', ':', ';', '.', '+', '-', '*', '/', '|', '&', '<', '>', '=', '%', '~', '^', '@', '!',
]

const CLOSERS: Record<string, string> = {')': '(', ']': '[', '}': '{'}

const ID_START = /[\p{ID_Start}_]/u
const ID_CONTINUE = /[\p{ID_Continue}\u00B7\u0387\u1369-\u1371\u19DA]/u

const STRING_PREFIXES = new Set(['r', 'u', 'b', 'br', 'rb', 'f', 'fr', 'rf', 't', 'tr', 'rt'])

/** Normalise line ends the way Python's universal newlines do, and drop a leading BOM. */
export function normaliseSource(text: string): string {
  let t = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  if (t.includes('\r')) t = t.replace(/\r\n?/g, '\n')
  return t
}

class Scanner {
  readonly tokens: Token[] = []
  readonly comments: PyComment[] = []
  readonly errors: ParseError[] = []
  private pos = 0
  private line = 1
  private lineStart = 0
  private readonly brackets: Array<{ch: string; line: number; col: number; start: number; lineStart: number; tokenIndex: number}> = []
  private readonly indents: Array<{col: number; alt: number}> = [{col: 0, alt: 0}]
  private atLineStart = true
  private lineHasTokens = false
  private brokenLine = false
  private readonly recovered = new Set<number>()

  constructor(private readonly src: string, private readonly file: string) {}

  private err(line: number, col: number, message: string, kind: 'syntax' | 'limit' = 'syntax'): void {
    this.errors.push(new ParseError(kind, {file: this.file, line, col}, message))
    this.brokenLine = true
  }

  private col(at = this.pos): number {
    return at - this.lineStart + 1
  }

  private push(type: TokenType, start: number, end: number, line = this.line, col = this.col(start)): void {
    this.tokens.push({type, text: this.src.slice(start, end), line, col, start, end})
    if (type !== 'NEWLINE' && type !== 'INDENT' && type !== 'DEDENT') this.lineHasTokens = true
  }

  private newline(at: number): void {
    this.line++
    this.lineStart = at + 1
  }

  private endLogicalLine(at: number): void {
    if (this.lineHasTokens) {
      if (this.brokenLine) this.markBroken()
      this.tokens.push({type: 'NEWLINE', text: '', line: this.line, col: this.col(at), start: at, end: at})
    }
    this.lineHasTokens = false
    this.brokenLine = false
    this.atLineStart = true
  }

  private markBroken(): void {
    for (let i = this.tokens.length - 1; i >= 0; i--) {
      const t = this.tokens[i]
      if (t.type === 'NEWLINE' || t.type === 'INDENT' || t.type === 'DEDENT') break
      t.broken = true
    }
  }

  run(): void {
    do this.scan()
    while (this.recoverUnclosed())
    this.finish()
  }

  private scan(): void {
    const src = this.src
    while (this.pos <= src.length) {
      if (this.atLineStart && this.brackets.length === 0) {
        if (!this.indentation()) continue
      }
      if (this.pos >= src.length) break
      const ch = src[this.pos]
      if (ch === ' ' || ch === '\t' || ch === '\f') {
        this.pos++
        continue
      }
      if (ch === '\n') {
        if (this.brackets.length === 0) this.endLogicalLine(this.pos)
        this.newline(this.pos)
        this.pos++
        continue
      }
      if (ch === '#') {
        const end = src.indexOf('\n', this.pos)
        const stop = end === -1 ? src.length : end
        this.comments.push({line: this.line, col: this.col(), text: src.slice(this.pos + 1, stop)})
        this.pos = stop
        continue
      }
      if (ch === '\\') {
        if (src[this.pos + 1] === '\n') {
          this.newline(this.pos + 1)
          this.pos += 2
          if (this.pos >= src.length) this.err(this.line, 1, 'unexpected EOF while parsing (line continuation at end of file)')
          continue
        }
        this.err(this.line, this.col(), 'unexpected character after line continuation character')
        this.skipRestOfLine()
        continue
      }
      if (this.tryString()) continue
      if (isDigit(ch) || (ch === '.' && isDigit(src[this.pos + 1] ?? ''))) {
        this.number()
        continue
      }
      if (ID_START.test(ch) || isSurrogateIdStart(src, this.pos)) {
        this.name()
        continue
      }
      if (this.operator()) continue
      const cp = src.codePointAt(this.pos) ?? 0
      const shown = String.fromCodePoint(cp)
      this.err(this.line, this.col(), `invalid character '${shown}' (U+${cp.toString(16).toUpperCase().padStart(4, '0')})`)
      this.pos += shown.length
    }
  }

  /** Measures indentation at the start of a physical line; returns false when the line was consumed. */
  private indentation(): boolean {
    const src = this.src
    let col = 0
    let alt = 0
    let p = this.pos
    for (; p < src.length; p++) {
      const c = src[p]
      if (c === ' ') { col++; alt++ }
      else if (c === '\t') { col = (Math.floor(col / 8) + 1) * 8; alt++ }
      else if (c === '\f') { col = 0; alt = 0 }
      else break
    }
    const c = src[p]
    if (p >= src.length || c === '\n' || c === '#' || (c === '\\' && src[p + 1] === '\n' && this.blankAfterContinuation(p))) {
      // Blank and comment-only lines do not take part in indentation.
      this.pos = p
      if (c === '#') {
        const end = src.indexOf('\n', p)
        const stop = end === -1 ? src.length : end
        this.comments.push({line: this.line, col: this.col(p), text: src.slice(p + 1, stop)})
        this.pos = stop
      }
      if (this.pos < src.length && src[this.pos] === '\n') {
        this.newline(this.pos)
        this.pos++
        return false
      }
      if (this.pos < src.length && src[this.pos] === '\\') {
        this.newline(this.pos + 1)
        this.pos += 2
        return false
      }
      this.atLineStart = false
      return true
    }
    this.pos = p
    this.atLineStart = false
    const top = this.indents[this.indents.length - 1]
    if (col > top.col) {
      if (alt <= top.alt) this.err(this.line, this.col(p), 'inconsistent use of tabs and spaces in indentation')
      this.indents.push({col, alt})
      this.tokens.push({type: 'INDENT', text: '', line: this.line, col: this.col(p), start: p, end: p})
    } else if (col < top.col) {
      while (this.indents.length > 1 && col < this.indents[this.indents.length - 1].col) {
        this.indents.pop()
        this.tokens.push({type: 'DEDENT', text: '', line: this.line, col: this.col(p), start: p, end: p})
      }
      const now = this.indents[this.indents.length - 1]
      if (col !== now.col) {
        this.err(this.line, this.col(p), 'unindent does not match any outer indentation level')
        // Keep going as if the line matched the enclosing level.
      } else if (alt !== now.alt) {
        this.err(this.line, this.col(p), 'inconsistent use of tabs and spaces in indentation')
      }
    } else if (alt !== top.alt) {
      this.err(this.line, this.col(p), 'inconsistent use of tabs and spaces in indentation')
    }
    return true
  }

  private blankAfterContinuation(p: number): boolean {
    // A line that is only "\" continues into the next one; treat it like whitespace.
    return p + 1 < this.src.length && this.src[p + 1] === '\n'
  }

  private skipRestOfLine(): void {
    const end = this.src.indexOf('\n', this.pos)
    this.pos = end === -1 ? this.src.length : end
  }

  private name(): void {
    const src = this.src
    const start = this.pos
    let p = this.pos + (src.codePointAt(this.pos)! > 0xffff ? 2 : 1)
    while (p < src.length) {
      const cp = src.codePointAt(p)!
      const c = String.fromCodePoint(cp)
      if (!ID_CONTINUE.test(c)) break
      p += c.length
    }
    this.pos = p
    this.push('NAME', start, p)
  }

  private number(): void {
    const src = this.src
    const start = this.pos
    const rest = src.slice(start, start + 4096)
    const m =
      /^0[xX](?:_?[0-9a-fA-F])+/.exec(rest) ??
      /^0[oO](?:_?[0-7])+/.exec(rest) ??
      /^0[bB](?:_?[01])+/.exec(rest) ??
      /^(?:(?:\d(?:_?\d)*)?\.\d(?:_?\d)*|\d(?:_?\d)*\.?)(?:[eE][+-]?\d(?:_?\d)*)?[jJ]?/.exec(rest)
    let end = start + (m ? m[0].length : 1)
    const text = src.slice(start, end)
    if (/^0\d/.test(text) && /^[\d_]+$/.test(text) && !/^0[0_]*$/.test(text)) {
      this.err(this.line, this.col(start), 'leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers')
    }
    const next = src[end] ?? ''
    if (next && (ID_CONTINUE.test(next) || next === '_')) {
      // "1if x else 2" is valid Python; "1_000x" and "0x1G" are not.
      const word = /^[\p{ID_Continue}]+/u.exec(src.slice(end, end + 64))?.[0] ?? ''
      if (!KEYWORDS_AFTER_NUMBER.has(word)) {
        this.err(this.line, this.col(start), `invalid ${/^0[xob]/i.test(text) ? 'literal' : 'decimal literal'}`)
        end += word.length
      }
    }
    this.pos = end
    this.push('NUMBER', start, end)
  }

  private operator(): boolean {
    const src = this.src
    for (const op of OPERATORS) {
      if (src.startsWith(op, this.pos)) {
        const start = this.pos
        if (op === '!') {
          this.err(this.line, this.col(), "invalid syntax ('!' outside an f-string)")
          this.pos++
          return true
        }
        if (op === '(' || op === '[' || op === '{') {
          this.brackets.push({ch: op, line: this.line, col: this.col(), start, lineStart: this.lineStart, tokenIndex: this.tokens.length})
        } else if (op === ')' || op === ']' || op === '}') {
          const open = this.brackets[this.brackets.length - 1]
          if (!open) {
            this.err(this.line, this.col(), `unmatched '${op}'`)
            this.pos++
            return true
          }
          if (open.ch !== CLOSERS[op]) {
            const where = open.line !== this.line ? ` on line ${open.line}` : ''
            this.err(this.line, this.col(), `closing parenthesis '${op}' does not match opening parenthesis '${open.ch}'${where}`)
          }
          this.brackets.pop()
        }
        this.pos += op.length
        this.push('OP', start, this.pos)
        return true
      }
    }
    return false
  }

  /** Recognises a string literal (with any prefix) at pos; returns false if there is none. */
  private tryString(): boolean {
    const src = this.src
    let p = this.pos
    let prefix = ''
    while (p < src.length && p - this.pos < 3 && /[rRbBuUfFtT]/.test(src[p])) {
      prefix += src[p].toLowerCase()
      p++
    }
    const q = src[p]
    if (q !== '"' && q !== "'") return false
    if (prefix && !STRING_PREFIXES.has(prefix)) return false
    const start = this.pos
    const startLine = this.line
    const startCol = this.col()
    const triple = src.startsWith(q.repeat(3), p)
    const isFormat = prefix.includes('f') || prefix.includes('t')
    const end = this.scanStringBody(p, q, triple, isFormat, startLine, startCol, prefix.includes('r'))
    if (end === -1) return true
    if (end - start > MAX_TOKEN_CHARS) {
      this.err(startLine, startCol, `string literal longer than ${MAX_TOKEN_CHARS} characters`, 'limit')
    }
    this.tokens.push({type: 'STRING', text: src.slice(start, end), line: startLine, col: startCol, start, end})
    this.lineHasTokens = true
    this.pos = end
    return true
  }

  /**
   * Scans from the opening quote; returns the offset after the closing quote, or -1 after
   * reporting an unterminated literal (pos is then left where scanning should resume).
   */
  private scanStringBody(p: number, q: string, triple: boolean, isFormat: boolean, startLine: number, startCol: number, raw = false): number {
    const src = this.src
    const close = triple ? q.repeat(3) : q
    let i = p + close.length
    // Replacement fields of f-strings (PEP 701): an expression (with its own bracket depth
    // and nested strings of any quote) or a format spec (literal text with nested fields).
    const fields: Array<{mode: 'expr'; depth: number} | {mode: 'spec'}> = []
    while (i < src.length) {
      const c = src[i]
      const top = fields[fields.length - 1]
      if (top && top.mode === 'expr') {
        if (c === '\n') { this.newline(i); i++; continue }
        if (c === '"' || c === "'") {
          let pre = i
          while (pre > 0 && i - pre < 3 && /[rRbBuUfFtT]/.test(src[pre - 1])) pre--
          const innerPrefix = src.slice(pre, i).toLowerCase()
          const innerTriple = src.startsWith(c.repeat(3), i)
          const innerEnd = this.scanStringBody(i, c, innerTriple, /[ft]/.test(innerPrefix), this.line, this.col(i), innerPrefix.includes('r'))
          if (innerEnd === -1) return -1
          i = innerEnd
          continue
        }
        if (c === '(' || c === '[' || c === '{') { top.depth++; i++; continue }
        if (c === ')' || c === ']') { top.depth--; i++; continue }
        if (c === '}') {
          if (top.depth > 0) top.depth--
          else fields.pop()
          i++
          continue
        }
        if (c === ':' && top.depth === 0) { fields[fields.length - 1] = {mode: 'spec'}; i++; continue }
        i++
        continue
      }
      if (src.startsWith(close, i)) return i + close.length
      if (c === '\\') {
        const n = src[i + 1]
        if (isFormat && (n === '{' || n === '}')) {
          // A backslash does not escape braces in f-strings; the brace still counts.
          i++
          continue
        }
        if (isFormat && !raw && n === 'N' && src[i + 2] === '{') {
          const close = src.indexOf('}', i + 3)
          i = close === -1 ? i + 2 : close + 1
          continue
        }
        if (n === '\n') this.newline(i + 1)
        i += 2
        continue
      }
      if (c === '\n') {
        if (!triple) {
          this.err(startLine, startCol, `unterminated string literal (detected at line ${this.line})`)
          this.pos = i
          this.markBroken()
          return -1
        }
        this.newline(i)
        i++
        continue
      }
      if (top && top.mode === 'spec') {
        if (c === '{') fields.push({mode: 'expr', depth: 0})
        else if (c === '}') fields.pop()
        i++
        continue
      }
      if (isFormat && c === '{') {
        if (src[i + 1] === '{') { i += 2; continue }
        fields.push({mode: 'expr', depth: 0})
        i++
        continue
      }
      i++
    }
    this.err(startLine, startCol, `unterminated ${triple ? 'triple-quoted ' : ''}string literal (detected at line ${this.line})`)
    this.pos = src.length
    this.markBroken()
    return -1
  }

  /**
   * At EOF with a bracket still open, CPython gives up on the file. Read on from the line
   * after the unclosed bracket instead, as if the statement had ended there: the settings
   * after a typo are still worth reporting. Returns true when scanning should resume.
   */
  private recoverUnclosed(): boolean {
    if (this.brackets.length === 0) return false
    const open = this.brackets[0]
    // Each recovery reads the rest of the file again: bounded, so runaway input stays linear.
    const resume = this.src.indexOf('\n', open.start) !== -1 && !this.recovered.has(open.start) && this.recovered.size < MAX_RECOVERIES
    if (resume) {
      // What was read inside the runaway brackets is read again from the next line.
      const keepErrors = this.errors.filter((e) => e.line <= open.line)
      this.errors.length = 0
      append(this.errors, keepErrors)
      const keepComments = this.comments.filter((c) => c.line <= open.line)
      this.comments.length = 0
      append(this.comments, keepComments)
    }
    this.err(open.line, open.col, `'${open.ch}' was never closed`)
    this.brackets.length = 0
    const nl = this.src.indexOf('\n', open.start)
    if (!resume) {
      this.markBroken()
      return false
    }
    this.recovered.add(open.start)
    this.tokens.length = open.tokenIndex + 1
    this.brokenLine = true
    this.line = open.line
    this.lineStart = open.lineStart
    this.endLogicalLine(nl)
    this.newline(nl)
    this.pos = nl + 1
    return true
  }

  private finish(): void {
    if (this.lineHasTokens) this.endLogicalLine(this.src.length)
    while (this.indents.length > 1) {
      this.indents.pop()
      this.tokens.push({type: 'DEDENT', text: '', line: this.line, col: this.col(this.src.length), start: this.src.length, end: this.src.length})
    }
    this.tokens.push({type: 'ENDMARKER', text: '', line: this.line, col: this.col(this.src.length), start: this.src.length, end: this.src.length})
  }
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9'
}

function isSurrogateIdStart(src: string, pos: number): boolean {
  const cp = src.codePointAt(pos)
  return cp !== undefined && cp > 0xffff && ID_START.test(String.fromCodePoint(cp))
}

/** Tokenizes normalised Python source (see normaliseSource). */
export function tokenizePython(src: string, file: string): TokenizeResult {
  const s = new Scanner(src, file)
  s.run()
  return {tokens: s.tokens, comments: s.comments, errors: s.errors}
}
