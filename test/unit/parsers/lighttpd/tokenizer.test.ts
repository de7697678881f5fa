import {Tokenizer, type Token, type TokenizerOptions} from '../../../../src/parsers/lighttpd/tokenizer.js'

const MODERN: TokenizerOptions = {modernKeywords: true, prefixSuffixOps: true, maxTokenLength: 1 << 20}

function lex(text: string, opts: Partial<TokenizerOptions> = {}): {tokens: Token[]; errors: string[]; comments: string[]} {
  const errors: string[] = []
  const comments: string[] = []
  const t = new Tokenizer(text, {...MODERN, ...opts}, {
    error: (kind, line, col, message) => errors.push(`${line}:${col} ${kind} ${message}`),
    comment: (line, col, txt) => comments.push(`${line}:${col} ${txt}`),
  })
  const tokens: Token[] = []
  for (let tok = t.next(); tok; tok = t.next()) tokens.push(tok)
  return {tokens, errors, comments}
}

const kinds = (text: string, opts?: Partial<TokenizerOptions>): string[] => lex(text, opts).tokens.map((t) => t.kind === 'STRING' || t.kind === 'LKEY' || t.kind === 'INTEGER' ? `${t.kind}(${t.text})` : t.kind)

describe('lighttpd tokenizer', () => {
  it('reads an assignment with positions', () => {
    const {tokens} = lex('server.port = 80\n')
    expect(tokens.map((t) => [t.kind, t.text, t.line, t.col])).toEqual([
      ['LKEY', 'server.port', 1, 1], ['ASSIGN', '=', 1, 13], ['INTEGER', '80', 1, 15], ['EOL', '(EOL)', 1, 17],
    ])
  })

  it('knows =, +=, := and + apart', () => {
    expect(kinds('a += 1 + 2\nb := "x"\n')).toEqual(['LKEY(a)', 'APPEND', 'INTEGER(1)', 'PLUS', 'INTEGER(2)', 'EOL', 'LKEY(b)', 'FORCE_ASSIGN', 'STRING(x)', 'EOL'])
  })

  it('only unescapes \\" in strings; other backslashes stay', () => {
    expect(lex('x = "a\\"b\\n\\\\c"\n').tokens[2].text).toBe('a"b\\n\\\\c')
  })

  it('reads strings across lines and counts the lines inside them', () => {
    const {tokens} = lex('x = "one\ntwo"\ny = 1\n')
    expect(tokens[2].text).toBe('one\ntwo')
    expect(tokens.find((t) => t.text === 'y')).toMatchObject({line: 3, col: 1})
  })

  it('collapses blank lines and comment lines into one line end and collects the comments', () => {
    const {tokens, comments} = lex('a = 1 # one\n\n  # two\n\t\nb = 2')
    expect(tokens.map((t) => t.kind)).toEqual(['LKEY', 'ASSIGN', 'INTEGER', 'EOL', 'LKEY', 'ASSIGN', 'INTEGER'])
    expect(comments).toEqual(['1:7 one', '3:3 two'])
  })

  it('treats \\r\\n and lone \\r as line ends', () => {
    const {tokens} = lex('a = 1\r\nb = 2\rc = 3\n')
    expect(tokens.filter((t) => t.kind === 'LKEY').map((t) => t.line)).toEqual([1, 2, 3])
  })

  it('does not end lines inside ( ) and skips commas outside them', () => {
    expect(kinds('a = (\n "x",\n "y"\n)\nb = 1, c = 2\n')).toEqual([
      'LKEY(a)', 'ASSIGN', 'LPARAN', 'STRING(x)', 'COMMA', 'STRING(y)', 'RPARAN', 'EOL',
      'LKEY(b)', 'ASSIGN', 'INTEGER(1)', 'LKEY(c)', 'ASSIGN', 'INTEGER(2)', 'EOL',
    ])
  })

  it('reads => only inside ( ) and rejects a lone = there', () => {
    expect(kinds('a = ("k" => 1)\n')).toContain('ARRAY_ASSIGN')
    expect(lex('a = ("k" = 1)\n').errors).toEqual(['1:10 syntax use "=>" for key/value pairs inside ( )'])
  })

  it('reads conditions: $, names, brackets and all six operators', () => {
    expect(kinds('$HTTP["host"] == "a" {')).toEqual(['DOLLAR', 'SRVVARNAME', 'LBRACKET', 'STRING(host)', 'RBRACKET', 'EQ', 'STRING(a)', 'LCURLY'])
    for (const [op, kind] of [['==', 'EQ'], ['!=', 'NE'], ['=~', 'MATCH'], ['!~', 'NOMATCH'], ['=^', 'PREFIX'], ['=$', 'SUFFIX']]) {
      expect(kinds(`$HTTP["url"] ${op} "x" {}`)[5]).toBe(kind)
    }
  })

  it('has no =^ and =$ before lighttpd 1.4.65', () => {
    expect(lex('$HTTP["url"] =^ "x" {}', {prefixSuffixOps: false}).errors[0]).toMatch(/^1:14 syntax only == =~ != !~/)
  })

  it('rejects other condition operators and characters', () => {
    expect(lex('$HTTP["host"] = "a" {}').errors).toEqual(['1:15 syntax only == =~ =^ =$ != !~ are allowed in a condition'])
    expect(lex('$HTTP["host"] !^ "a" {}').errors).toEqual(['1:15 syntax only != and !~ start with "!" in a condition'])
    expect(lex('$HTTP1["host"] == "a" {}').errors).toEqual(['1:6 syntax invalid character "1" in a condition'])
  })

  it('makes up a line end after a } with more on its line', () => {
    const {tokens} = lex('} else {\n}   # c\nx = 1')
    expect(tokens.map((t) => t.kind)).toEqual(['RCURLY', 'EOL', 'ELSE', 'LCURLY', 'EOL', 'RCURLY', 'EOL', 'LKEY', 'ASSIGN', 'INTEGER'])
    expect(tokens[1]).toMatchObject({simulated: true, line: 1, col: 3})
  })

  it('knows the keywords, and the 1.4.74 ones only in the modern grammar', () => {
    expect(kinds('include include_shell global else elseif elif elsif x\n')).toEqual(['INCLUDE', 'INCLUDE_SHELL', 'GLOBAL', 'ELSE', 'ELSE', 'ELSE', 'ELSE', 'LKEY(x)', 'EOL'])
    expect(kinds('elseif elif elsif x\n', {modernKeywords: false})).toEqual(['LKEY(elseif)', 'LKEY(elif)', 'LKEY(elsif)', 'LKEY(x)', 'EOL'])
  })

  it('skips "if" only right before a condition (modern grammar)', () => {
    expect(kinds('if $HTTP["host"] == "a" {}\nif = 1\n')).toEqual([
      'DOLLAR', 'SRVVARNAME', 'LBRACKET', 'STRING(host)', 'RBRACKET', 'EQ', 'STRING(a)', 'LCURLY', 'RCURLY', 'EOL', 'LKEY(if)', 'ASSIGN', 'INTEGER(1)', 'EOL',
    ])
    expect(kinds('if $HTTP["host"] == "a" {}\n', {modernKeywords: false})[0]).toBe('LKEY(if)')
  })

  it('splits digits from a name that follows, and reads -1 as a name', () => {
    expect(kinds('x = 12abc\ny = -1\n')).toEqual(['LKEY(x)', 'ASSIGN', 'INTEGER(12)', 'LKEY(abc)', 'EOL', 'LKEY(y)', 'ASSIGN', 'LKEY(-1)', 'EOL'])
  })

  it('treats U+00A0 as blank space', () => {
    expect(kinds('x\u00a0=\u00a01\n')).toEqual(['LKEY(x)', 'ASSIGN', 'INTEGER(1)', 'EOL'])
  })

  it('reports a missing closing quote where the string starts, and stops there as lighttpd does', () => {
    const {tokens, errors} = lex('a = 1\nb = "open\nc = 2\n')
    expect(errors).toEqual(['2:5 syntax missing closing quote'])
    expect(tokens.map((t) => t.kind)).toEqual(['LKEY', 'ASSIGN', 'INTEGER', 'EOL', 'LKEY', 'ASSIGN'])
  })

  it('rejects stray characters with their column', () => {
    expect(lex('server.port : 80\n').errors).toEqual(['1:13 syntax unexpected ":" (did you mean ":="?)'])
    expect(lex('x = 1 )\n').errors).toEqual(['1:7 syntax ")" without a matching "("'])
    expect(lex('x ! 1\n').errors).toEqual(['1:3 syntax unexpected "!"'])
    expect(lex('x = @\n').errors).toEqual(['1:5 syntax invalid character "@"'])
  })

  it('rejects a UTF-8 byte order mark, as lighttpd does', () => {
    expect(lex('\ufeffx = 1\n').errors).toEqual(['1:1 syntax byte order mark (BOM): lighttpd rejects the file; save it without a BOM'])
  })

  it('stops at the first unreadable character', () => {
    const {tokens, errors} = lex('x = @@@ ::: !!!\ny = @\n')
    expect(errors).toEqual(['1:5 syntax invalid character "@"'])
    expect(tokens.map((t) => t.kind)).toEqual(['LKEY', 'ASSIGN'])
  })

  it('rejects a name that runs into the end of the file, as lighttpd does', () => {
    expect(lex('x = y').errors).toEqual(['1:5 syntax "y" at the very end of the file: lighttpd needs a line end after it'])
    expect(lex('x = y').tokens.map((t) => t.kind)).toEqual(['LKEY', 'ASSIGN', 'LKEY'])
    expect(lex('x = "y"').errors).toEqual([])
  })

  it('truncates over-long tokens with a limit error', () => {
    const {tokens, errors} = lex(`x = "${'a'.repeat(50)}"\n`, {maxTokenLength: 10})
    expect(tokens[2].text).toBe('a'.repeat(10))
    expect(errors).toEqual(['1:5 limit token longer than 10 characters; truncated'])
  })

  it('reads negative integers only when asked to (lighttpd -p output)', () => {
    const t = new Tokenizer('x = -5\n', MODERN, {error: () => undefined, comment: () => undefined})
    t.negativeIntegers = true
    expect([t.next(), t.next(), t.next()].map((k) => k?.kind)).toEqual(['LKEY', 'ASSIGN', 'INTEGER'])
  })
})
