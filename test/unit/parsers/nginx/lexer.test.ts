// Token rules from ngx_conf_read_token (nginx 1.22). Cases marked "(real)" were checked
// against the installed nginx; test/real/nginx-parser.test.ts re-checks many of them.
import {NginxLexer, parseNginxText, unescapeNginx} from '../../../../src/parsers/nginx/index.js'
import {shape} from './helpers.js'

const parse = (text: string) => parseNginxText(text, '/t.conf')
const errs = (text: string) => parse(text).errors.map((e) => `${e.line}:${e.col} ${e.message}`)
const dirs = (text: string) => shape(parse(text).value.parsed)

describe('words and terminators', () => {
  it('splits on blanks and ends statements on ; { }', () => {
    expect(dirs('a b\tc\r\n d;e{f;}')).toEqual([['a', 'b', 'c', 'd'], ['e', [['f']]]])
  })

  it('reads an empty file, blanks only, comments only', () => {
    for (const t of ['', '   \n\t\r\n', '# just a comment', '# a\n# b\n']) {
      expect(parse(t)).toEqual({value: {parsed: [], comments: expect.any(Array)}, errors: []})
    }
  })

  it('keeps "}" glued to a word inside the word (real)', () => {
    expect(errs('a {b ok}\n}')).toEqual(['2:1 unexpected "}"'])
    expect(dirs('a {b ok}\n}')[0]).toEqual(['a', [['b', 'ok}']]])
  })

  it('takes a quote in the middle of a word literally', () => {
    expect(dirs(`a b"c d'e;`)).toEqual([['a', 'b"c', "d'e"]])
  })
})

describe('quotes and escapes', () => {
  it('processes exactly nginx\'s escapes: \\" \\\' \\\\ \\n \\r \\t; keeps other backslashes', () => {
    expect(dirs(String.raw`a "x\"y" 'it\'s' "back\\slash" "\d\w" "\n\t\r";`)).toEqual([
      ['a', 'x"y', "it's", 'back\\slash', '\\d\\w', '\n\t\r'],
    ])
    expect(unescapeNginx(String.raw`\\\"`)).toBe('\\"')
  })

  it('lets quoted strings hold blanks, ; { } # and newlines', () => {
    expect(dirs('a "b; {c} #d\ne" \'f;\';')).toEqual([['a', 'b; {c} #d\ne', 'f;']])
  })

  it('keeps an empty quoted string as an argument', () => {
    expect(dirs(`map $a $b { '' close; "" x; }`)).toEqual([['map', '$a', '$b', [['', 'close'], ['', 'x']]]])
  })

  it('needs a blank, ; or { after a closing quote (real)', () => {
    expect(errs('a "b"c;')).toEqual(['1:6 unexpected "c"'])
    expect(errs("a 'b'#c;")[0]).toBe('1:6 unexpected "#"')
    expect(dirs('a "b";c "d"{}')).toEqual([['a', 'b'], ['c', 'd', []]])
  })

  it('allows ")" right after a quote and makes it the next word (real: if conditions)', () => {
    const r = parse('if ($a ~ "x{2};") { return 403; }')
    expect(r.errors).toEqual([])
    expect(shape(r.value.parsed)).toEqual([['if', '($a', '~', 'x{2};', ')', [['return', '403']]]])
  })

  it('lets an unquoted backslash escape the next character, even ; blank or quote', () => {
    expect(dirs('a b\\;c d\\ e \\"f;')).toEqual([['a', 'b\\;c', 'd\\ e', '"f']])
  })

  it('reports an unterminated quote at the end of the file and keeps the text', () => {
    const r = parse('a "never closed\nb;\n')
    expect(r.errors.map((e) => `${e.line}:${e.col} ${e.message}`)).toEqual([
      '3:1 unexpected end of file, expecting ";" or "}"',
    ])
    expect(shape(r.value.parsed)).toEqual([['a', 'never closed\nb;\n']])
  })

  it('reads UTF-8 in quoted strings; columns count UTF-16 units', () => {
    const r = parse('add_header X-Name "Grüße 😀";\nb "日本" c;')
    expect(shape(r.value.parsed)).toEqual([['add_header', 'X-Name', 'Grüße 😀'], ['b', '日本', 'c']])
    expect(r.value.parsed[1].source?.args[1]).toEqual({start: 37, end: 38, quoted: false})
    expect(r.value.parsed[1].source?.args[0]).toEqual({start: 32, end: 36, quoted: true})
  })
})

describe('comments', () => {
  it('starts a comment only at the start of a word', () => {
    const r = parse('a foo#bar; # real comment\nb;')
    expect(shape(r.value.parsed)).toEqual([['a', 'foo#bar'], ['b']])
    expect(r.value.comments).toEqual([{line: 1, col: 12, text: ' real comment'}])
  })

  it('lets a comment swallow a ; so the statement goes on (real)', () => {
    expect(dirs('a b # c;\n d;')).toEqual([['a', 'b', 'd']])
  })

  it('collects comments with line, column and text without the # or a CR', () => {
    const r = parse('# first\r\n\tgzip on; #conntune: ignore NGX001 -- reason\r\n#\n')
    expect(r.value.comments).toEqual([
      {line: 1, col: 1, text: ' first'},
      {line: 2, col: 11, text: 'conntune: ignore NGX001 -- reason'},
      {line: 3, col: 1, text: ''},
    ])
  })

  it('keeps a comment at the end of a file without a newline', () => {
    expect(parse('a;#tail').value.comments).toEqual([{line: 1, col: 3, text: 'tail'}])
  })
})

describe('variables', () => {
  it('does not open a block for ${var}, at the start of a word or inside it (real)', () => {
    expect(errs('return 200 ${a}b;')).toEqual([])
    expect(dirs('return 200 ${a}b x${b}y "${c}";')).toEqual([['return', '200', '${a}b', 'x${b}y', '${c}']])
  })

  it('opens a block for { after a variable name', () => {
    expect(dirs('a $b{c;}')).toEqual([['a', '$b', [['c']]]])
  })
})

describe('errors nginx reports', () => {
  it('unexpected "}" with words pending, and at the top level', () => {
    expect(errs('a }')).toEqual(['1:3 unexpected "}"'])
    expect(errs('a;\n}')).toEqual(['2:1 unexpected "}"'])
  })

  it('unexpected ";" and "{" with no directive', () => {
    expect(errs(' ;')).toEqual(['1:2 unexpected ";"'])
    expect(errs('{ a; }')).toEqual(['1:1 unexpected "{"'])
  })

  it('end of file inside a block names the line after the last newline (real)', () => {
    expect(errs('events {}\nhttp {\n server {\n')).toEqual(['4:1 unexpected end of file, expecting "}"'])
    expect(errs('events {}\nhttp {\n server {')).toEqual(['3:10 unexpected end of file, expecting "}"'])
  })

  it('end of file with a directive pending', () => {
    expect(errs('a;\nfoo')).toEqual(['2:4 unexpected end of file, expecting ";" or "}"'])
    expect(errs('a "b"')).toEqual(['1:6 unexpected end of file, expecting ";" or "}"'])
    expect(errs('a \\')).toEqual(['1:4 unexpected end of file, expecting ";" or "}"'])
  })

  it('counts lines by LF only: CR is a blank (CRLF files)', () => {
    expect(errs('a;\r\nb "c"d;\r\n')).toEqual(['2:6 unexpected "d"'])
    expect(errs('a;\rb "c"d;')).toEqual(['1:9 unexpected "d"'])
  })

  it('counts a tab as one column', () => {
    expect(errs('\t\ta "b"c;')).toEqual(['1:8 unexpected "c"'])
  })
})

describe('the 4096-byte buffer (real)', () => {
  const word = (n: number) => 'a'.repeat(n)

  it('accepts a 4095-byte word and rejects a 4096-byte one', () => {
    expect(errs(`s ${word(4095)};\n`)).toEqual([])
    expect(errs(`s ${word(4096)};\n`)).toEqual(['1:3 too long parameter "aaaaaaaaaa..." started'])
  })

  it('counts bytes, not characters', () => {
    expect(errs(`s ${'é'.repeat(2047)}a;`)).toEqual([])
    expect(errs(`s ${'é'.repeat(2048)};`)).toEqual([expect.stringMatching(/^1:3 too long parameter "ééééé\.\.\." started$/)])
  })

  it('measures from the start of the word to the next refill, even past the word', () => {
    // nginx only moves its start mark on the next word: a 4095-byte word plus a blank fills the buffer.
    expect(errs(`s ${word(4095)} b;`)).toEqual(['1:3 too long parameter "aaaaaaaaaa..." started'])
    expect(errs(`s ${word(4094)} b;`)).toEqual([])
    expect(errs(`s ${word(4095)}`)).toEqual(['1:4098 unexpected end of file, expecting ";" or "}"'])
  })

  it('says which quote is missing for a long quoted string', () => {
    expect(errs(`s "${word(5000)}";`)).toEqual(['1:3 too long parameter, probably missing terminating """ character'])
    expect(errs(`s '${word(5000)}';`)).toEqual([`1:3 too long parameter, probably missing terminating "'" character`])
  })

  it('applies to comments, which also go through the buffer', () => {
    expect(errs(`#${word(4094)}\na;`)).toEqual([])
    expect(errs(`#${word(5000)}\na;`)).toEqual(['1:1 too long parameter "#aaaaaaaaa..." started'])
  })

  it('does not apply to runs of blanks', () => {
    expect(errs(`${' '.repeat(5000)}a;${'\n'.repeat(5000)}b;`)).toEqual([])
  })

  it('keeps messages on one line: control characters are escaped', () => {
    // The word starts with a backslash and a newline: nginx would print both raw.
    expect(errs(`\\\n${word(5000)};`)).toEqual(['1:1 too long parameter "\\\\naaaaaaaa..." started'])
    expect(errs('a "b"\x01;')).toEqual(['1:6 unexpected "\\x01"'])
  })

  it('reports a long word once and still reads on', () => {
    const r = parse(`s ${word(10000)};\nt u;`)
    expect(r.errors).toHaveLength(1)
    expect(r.errors[0].kind).toBe('limit')
    expect(shape(r.value.parsed)[1]).toEqual(['t', 'u'])
  })
})

describe('NginxLexer statements', () => {
  it('hands out one statement at a time with its terminator and word spans', () => {
    const lx = new NginxLexer('a "b c" d{\n}', '/t.conf')
    const s1 = lx.next()
    expect(s1.end).toBe('{')
    expect(lx.words().map((w) => [w.value, w.quoted, w.line, w.col, w.start, w.end])).toEqual([
      ['a', false, 1, 1, 0, 1],
      ['b c', true, 1, 3, 2, 7],
      ['d', false, 1, 9, 8, 9],
    ])
    expect(s1.at).toEqual({line: 1, col: 10, offset: 9})
    expect(lx.next()).toMatchObject({end: '}', count: 0, at: {line: 2, col: 1}})
    expect(lx.next()).toMatchObject({end: 'eof', count: 0, eofError: false})
  })
})
