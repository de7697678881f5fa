// lighttpd's config_tokenizer (src/configfile.c), character for character, with positions.
// Quirks kept on purpose because lighttpd has them: newlines inside ( ) are not line ends, a
// comma outside ( ) is skipped, a `}` followed by more text on its line acts as a line end,
// `\"` is the only escape in strings, and strings may span lines.
import type {TokenKind} from './grammar.js'
import type {ParseErrorKind} from '../types.js'

export interface Token {
  kind: TokenKind
  /** The decoded value for STRING; the source text otherwise. */
  text: string
  line: number
  col: number
  /** An EOL made up after a `}` that has more on its line. */
  simulated?: boolean
}

export interface TokenizerOptions {
  /** 1.4.74+: `if` before a condition is skipped; elif, elsif, elseif mean else. */
  modernKeywords: boolean
  /** 1.4.65+: the =^ and =$ operators. */
  prefixSuffixOps: boolean
  maxTokenLength: number
}

export interface TokenizerEvents {
  /** After a 'syntax' error the tokenizer stops, as lighttpd's does: the rest is not read. */
  error(kind: ParseErrorKind, line: number, col: number, message: string): void
  comment(line: number, col: number, text: string): void
}

const NBSP = '\u00a0'

const isAlpha = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
const isDigit = (c: string): boolean => c >= '0' && c <= '9'
const isKeyChar = (c: string): boolean => isAlpha(c) || isDigit(c) || c === '.' || c === '_' || c === '-'

export class Tokenizer {
  private pos = 0
  private line = 1
  private lineStart = 0
  private inKey = true
  private parens = 0
  private inCond = false
  private simulateEol = false
  private stopped = false
  /** `lighttpd -p` prints negative integers bare; real configs cannot write them. */
  negativeIntegers = false

  constructor(
    private readonly text: string,
    private readonly opts: TokenizerOptions,
    private readonly events: TokenizerEvents,
  ) {}

  /** Position just past the last character: where lighttpd reports end-of-file errors. */
  endPosition(): {line: number; col: number} {
    return {line: this.line, col: this.pos - this.lineStart + 1}
  }

  /** True when reading stopped at an error. */
  get failed(): boolean {
    return this.stopped
  }

  next(): Token | null {
    const s = this.text
    if (this.stopped) return null
    if (this.simulateEol) {
      this.simulateEol = false
      this.inKey = true
      return this.tokenAt('EOL', '(EOL)', this.pos, {simulated: true})
    }
    while (this.pos < s.length && !this.stopped) {
      const start = this.pos
      const c = s[start]
      const c1 = s[start + 1]
      switch (c) {
        case ' ':
        case '\t':
          this.pos++
          break
        case '=':
          if (this.parens > 0) {
            if (c1 === '>') return this.take('ARRAY_ASSIGN', 2)
            this.fail(start, 'use "=>" for key/value pairs inside ( )')
            break
          }
          if (this.inCond) {
            const kind = c1 === '=' ? 'EQ' : c1 === '~' ? 'MATCH'
              : this.opts.prefixSuffixOps && c1 === '^' ? 'PREFIX'
                : this.opts.prefixSuffixOps && c1 === '$' ? 'SUFFIX' : undefined
            if (kind) {
              this.inKey = true
              this.inCond = false
              return this.take(kind, 2)
            }
            this.fail(start, this.opts.prefixSuffixOps
              ? 'only == =~ =^ =$ != !~ are allowed in a condition'
              : 'only == =~ != !~ are allowed in a condition (=^ and =$ need lighttpd 1.4.65)')
            break
          }
          if (this.inKey) return this.take('ASSIGN', 1)
          this.fail(start, 'unexpected "="')
          break
        case '!':
          if (this.inCond && (c1 === '=' || c1 === '~')) {
            this.inKey = true
            this.inCond = false
            return this.take(c1 === '=' ? 'NE' : 'NOMATCH', 2)
          }
          this.fail(start, this.inCond ? 'only != and !~ start with "!" in a condition' : 'unexpected "!"')
          break
        case '\n':
        case '\r': {
          const at = {kind: 'EOL' as const, text: '(EOL)', line: this.line, col: start - this.lineStart + 1}
          this.skipBlankLines()
          if (this.parens === 0) {
            this.inKey = true
            return at
          }
          break
        }
        case ',':
          this.pos++
          if (this.parens > 0) return this.tokenAt('COMMA', ',', start)
          break
        case '"':
          return this.string(start)
        case '(':
          this.parens++
          return this.take('LPARAN', 1)
        case ')':
          if (this.parens === 0) {
            this.fail(start, '")" without a matching "("')
            break
          }
          this.parens--
          return this.take('RPARAN', 1)
        case '$':
          this.inCond = true
          this.inKey = false
          return this.take('DOLLAR', 1)
        case '+':
          return c1 === '=' ? this.take('APPEND', 2) : this.take('PLUS', 1)
        case ':':
          if (c1 === '=') return this.take('FORCE_ASSIGN', 2)
          this.fail(start, 'unexpected ":" (did you mean ":="?)')
          break
        case '{':
          return this.take('LCURLY', 1)
        case '}': {
          const tok = this.take('RCURLY', 1)
          this.afterCloseBrace()
          return tok
        }
        case '[':
          return this.take('LBRACKET', 1)
        case ']':
          return this.take('RBRACKET', 1)
        case '#':
          this.comment()
          break
        default: {
          const tok = this.word(start)
          if (tok) return tok
        }
      }
    }
    return null
  }

  private word(start: number): Token | null {
    const s = this.text
    if (this.inCond) {
      let i = start
      while (i < s.length && (isAlpha(s[i]) || s[i] === '_')) i++
      if (i > start && i < s.length) {
        this.pos = i
        return this.tokenAt('SRVVARNAME', s.slice(start, i), start)
      }
      this.fail(start, i > start ? 'condition cut off by the end of the file' : `invalid character ${JSON.stringify(s[start])} in a condition`)
      return null
    }
    if (isDigit(s[start])) {
      let i = start + 1
      while (i < s.length && isDigit(s[i])) i++
      this.pos = i
      return this.tokenAt('INTEGER', s.slice(start, i), start)
    }
    let i = start
    while (i < s.length && isKeyChar(s[i])) i++
    if (i === start) {
      if (s[start] === NBSP) { this.pos++; return null }
      this.fail(start, s[start] === '\ufeff'
        ? 'byte order mark (BOM): lighttpd rejects the file; save it without a BOM'
        : `invalid character ${JSON.stringify(s[start])}`)
      return null
    }
    const name = this.limit(s.slice(start, i), start)
    this.pos = i
    if (i >= s.length) {
      // lighttpd's tokenizer needs a character after a name, so a file ending in one is
      // rejected; the name itself is still read.
      this.events.error('syntax', this.line, start - this.lineStart + 1, `"${name}" at the very end of the file: lighttpd needs a line end after it`)
    }
    if (name === 'include') return this.tokenAt('INCLUDE', name, start)
    if (name === 'include_shell') return this.tokenAt('INCLUDE_SHELL', name, start)
    if (name === 'global') return this.tokenAt('GLOBAL', name, start)
    if (name === 'else') return this.tokenAt('ELSE', name, start)
    if (this.opts.modernKeywords) {
      if (name === 'elif' || name === 'elsif' || name === 'elseif') return this.tokenAt('ELSE', name, start)
      if (name === 'if') {
        let j = i
        while (s[j] === ' ' || s[j] === '\t') j++
        if (s[j] === '$') return null
      }
    }
    if (this.negativeIntegers && /^-\d+$/.test(name)) return this.tokenAt('INTEGER', name, start)
    return this.tokenAt('LKEY', name, start)
  }

  private string(start: number): Token | null {
    const s = this.text
    const line = this.line
    const col = start - this.lineStart + 1
    let out = ''
    let segment = start + 1
    let i = start + 1
    for (; i < s.length && s[i] !== '"'; i++) {
      if (s[i] === '\\' && s[i + 1] === '"') {
        out += s.slice(segment, i)
        segment = ++i
      } else if (s[i] === '\n' || (s[i] === '\r' && s[i + 1] !== '\n')) {
        this.line++
        this.lineStart = i + 1
      }
    }
    if (i >= s.length) {
      this.line = line
      this.lineStart = start - col + 1
      this.failAt(line, col, 'missing closing quote')
      return null
    }
    out += s.slice(segment, i)
    this.pos = i + 1
    return {kind: 'STRING', text: this.limit(out, start, line, col), line, col}
  }

  private afterCloseBrace(): void {
    const s = this.text
    while (this.pos < s.length) {
      const c = s[this.pos]
      if (c === '\r' || c === '\n') return
      if (c === '#') { this.comment(); return }
      if (c !== ' ' && c !== '\t') { this.simulateEol = true; return }
      this.pos++
    }
  }

  /** Newlines, blank space and whole comment lines collapse into one line end. */
  private skipBlankLines(): void {
    const s = this.text
    while (this.pos < s.length) {
      const c = s[this.pos]
      if (c === '\r' || c === '\n') {
        this.pos += c === '\r' && s[this.pos + 1] === '\n' ? 2 : 1
        this.line++
        this.lineStart = this.pos
      } else if (c === '#') {
        this.comment()
      } else if (c === ' ' || c === '\t') {
        this.pos++
      } else {
        return
      }
    }
  }

  private comment(): void {
    const s = this.text
    const start = this.pos
    let end = start + 1
    while (end < s.length && s[end] !== '\n' && s[end] !== '\r') end++
    this.events.comment(this.line, start - this.lineStart + 1, s.slice(start + 1, end).trim())
    this.pos = end
  }

  private take(kind: TokenKind, length: number): Token {
    const start = this.pos
    this.pos += length
    return this.tokenAt(kind, this.text.slice(start, start + length), start)
  }

  private tokenAt(kind: TokenKind, text: string, offset: number, extra: {simulated?: boolean} = {}): Token {
    return {kind, text, line: this.line, col: offset - this.lineStart + 1, ...extra}
  }

  private limit(value: string, offset: number, line = this.line, col = offset - this.lineStart + 1): string {
    if (value.length <= this.opts.maxTokenLength) return value
    this.events.error('limit', line, col, `token longer than ${this.opts.maxTokenLength} characters; truncated`)
    return value.slice(0, this.opts.maxTokenLength)
  }

  private fail(offset: number, message: string): void {
    this.failAt(this.line, offset - this.lineStart + 1, message)
  }

  private failAt(line: number, col: number, message: string): void {
    this.stopped = true
    this.events.error('syntax', line, col, message)
  }
}
