// Line continuations in systemd units and Dockerfiles, with the expectations their manuals
// give, and ContinuedLine (which joins them in linear time) against the string loop it replaced.
import fc from 'fast-check'
import {ContinuedLine} from '../../../../src/parsers/gunicorn/continued-line.js'
import {readDockerfile} from '../../../../src/parsers/gunicorn/dockerfile.js'
import {parseUnitFile} from '../../../../src/parsers/gunicorn/systemd.js'

describe('systemd continuations (systemd.syntax(7))', () => {
  const values = (text: string) => parseUnitFile(text, 'u').entries.map((e) => [e.key, e.value, e.line])

  it('replaces the backslash with a space and keeps the next line as it is', () => {
    // The manual's example: "KeyTwo=value 2 \" then "       value 2 continued".
    expect(values('[Section B]\nKeyTwo=value 2 \\\n       value 2 continued\n')).toEqual([['KeyTwo', `value 2 ${' '.repeat(8)}value 2 continued`, 2]])
  })

  it('ignores comment lines (# and ;) inside a continuation', () => {
    expect(values('[Section C]\nKeyThree=value 3\\\n# this line is ignored\n; this line is ignored too\n       value 3 continued\n')).toEqual([
      ['KeyThree', `value 3 ${' '.repeat(7)}value 3 continued`, 2],
    ])
  })

  it('ends the value at a line without a backslash, and an empty line ends a continuation', () => {
    expect(values('[Service]\nExecStart=/bin/a \\\n  b\nType=simple\n')).toEqual([['ExecStart', '/bin/a    b', 2], ['Type', 'simple', 4]])
    expect(values('[Service]\nExecStart=/bin/a \\\n\nType=simple\n')).toEqual([['ExecStart', '/bin/a', 2], ['Type', 'simple', 4]])
  })

  it('joins a value continued over many lines, at the line it starts on', () => {
    const lines = Array.from({length: 500}, (_, i) => ` -b :${i} \\`)
    const [entry] = parseUnitFile(`[Service]\nExecStart=/bin/gunicorn \\\n${lines.join('\n')}\n app:app\n`, 'u').entries
    expect(entry.line).toBe(2)
    expect(entry.value.split(/\s+/)).toEqual(['/bin/gunicorn', ...Array.from({length: 500}, (_, i) => ['-b', `:${i}`]).flat(), 'app:app'])
  })
})

describe('Dockerfile continuations (Dockerfile reference)', () => {
  const args = (text: string) => readDockerfile(text).instructions.map((i) => [i.keyword, i.args, i.line])

  it('joins the next line without the escape character', () => {
    expect(args('FROM x\nRUN echo hello \\\nworld\n')).toEqual([['FROM', 'x', 1], ['RUN', 'echo hello world', 2]])
  })

  it('removes comment lines inside a continuation ("RUN echo hello \\ # comment world")', () => {
    expect(args('FROM x\nRUN echo hello \\\n# comment\nworld\n')).toEqual([['FROM', 'x', 1], ['RUN', 'echo hello world', 2]])
  })

  it('skips empty continuation lines (deprecated, still accepted)', () => {
    expect(args('FROM x\nENV A=1 \\\n\n   \n  B=2\nCMD ["a"]\n')).toEqual([['FROM', 'x', 1], ['ENV', 'A=1   B=2', 2], ['CMD', '["a"]', 6]])
  })

  it('continues with the escape directive\'s character, and then a backslash is literal', () => {
    const d = '# escape=`\n\nFROM microsoft/nanoserver\nCOPY testfile.txt c:\\\nRUN dir c:\\ `\n  && echo done\n'
    expect(args(d)).toEqual([['FROM', 'microsoft/nanoserver', 3], ['COPY', 'testfile.txt c:\\', 4], ['RUN', 'dir c:\\   && echo done', 5]])
  })

  it('reads an ENV continued over many lines as one instruction', () => {
    const lines = Array.from({length: 500}, (_, i) => `E${i}=v${i} \\`)
    const d = readDockerfile(`FROM x\nENV ${lines.join('\n  ')}\n  Z=1\n`)
    expect(d.instructions.map((i) => i.keyword)).toEqual(['FROM', 'ENV'])
    expect(d.stages[0].env.size).toBe(501)
    expect(d.stages[0].env.get('E499')).toEqual({value: 'v499', line: 2})
  })
})

describe('ContinuedLine', () => {
  /** The loop it replaced: test and trim the end of the whole joined string at every line. */
  function reference(lines: string[], escape: string, joiner: string): string[] {
    const re = new RegExp(`${escape === '\\' ? '\\\\' : escape}\\s*$`)
    const out: string[] = []
    for (let n = 0; n < lines.length; n++) {
      let s = lines[n]
      while (re.test(s) && n + 1 < lines.length) s = s.replace(re, joiner) + lines[++n]
      out.push(s)
    }
    return out
  }

  function joined(lines: string[], escape: string, joiner: string): string[] {
    const out: string[] = []
    for (let n = 0; n < lines.length; n++) {
      const c = new ContinuedLine(lines[n], escape, joiner)
      while (c.continues() && n + 1 < lines.length) c.join(lines[++n])
      out.push(c.text())
    }
    return out
  }

  // Escapes, doubled escapes, whitespace and blank lines: the corners where the end of the
  // joined string, not of the last line, decides.
  const line = fc.array(fc.constantFrom('\\', '`', ' ', '\t', '\r', '\u00a0', 'a', '#'), {maxLength: 6}).map((a) => a.join(''))

  it.each([['\\', ' '], ['\\', ''], ['`', '']])('gives what the string loop gives (escape %j, joiner %j)', (escape, joiner) => {
    fc.assert(fc.property(fc.array(line, {minLength: 1, maxLength: 12}), (lines) => {
      expect(joined(lines, escape, joiner)).toEqual(reference(lines, escape, joiner))
    }), {numRuns: 3000})
  })

  it('treats a doubled backslash before a blank line as the regex on the joined string does', () => {
    // "a\\" + "" joins once, and the first backslash, now last but for the joiner, joins again.
    expect(joined(['a\\\\', '', 'b'], '\\', ' ')).toEqual(reference(['a\\\\', '', 'b'], '\\', ' '))
    expect(joined(['a\\\\', '', 'b'], '\\', ' ')).toEqual(['a b'])
  })
})
