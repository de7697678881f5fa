import fs from 'node:fs'
import path from 'node:path'
import {parseGunicornConfPy, type GunicornConfPy} from '../../../../src/parsers/gunicorn/conf-py.js'
import {normaliseSource, tokenizePython} from '../../../../src/parsers/gunicorn/py-tokenizer.js'
import {BUDGET_SPENT, extendList, ItemBudget, LIMITS, toJs, type PyValue} from '../../../../src/parsers/gunicorn/py-values.js'

const FIX = path.resolve('test/fixtures/gunicorn/conf')

function read(text: string) {
  return parseGunicornConfPy(text, 'gunicorn.conf.py')
}

function known(conf: GunicornConfPy): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, b] of Object.entries(conf.names)) if (b.state === 'known') out[k] = toJs(b.value)
  return out
}

function unknown(conf: GunicornConfPy, name: string): string | undefined {
  const b = conf.names[name]
  return b && b.state === 'unknown' ? b.reason : undefined
}

describe('gunicorn.conf.py: literal values', () => {
  it('reads ints in every spelling', () => {
    const r = read('a = 1_000\nb = 0x1F\nc = 0o17\nd = 0b101\ne = 0\nf = 00\ng = -5\nh = +7\n')
    expect(r.errors).toEqual([])
    expect(known(r.value)).toEqual({a: 1000, b: 31, c: 15, d: 5, e: 0, f: 0, g: -5, h: 7})
  })

  it('reads floats, booleans and None', () => {
    const r = read('a = 1.5\nb = .5\nc = 1e3\nd = 1_0.0_1\ne = True\nf = False\ng = None\n')
    expect(r.errors).toEqual([])
    expect(known(r.value)).toEqual({a: 1.5, b: 0.5, c: 1000, d: 10.01, e: true, f: false, g: null})
  })

  it('reads every string quote form and prefix', () => {
    const r = read([
      `a = "dq"`, `b = 'sq'`, `c = """tri\nple"""`, `d = '''t2'''`, `e = r"\\d+"`, `f = b"bytes"`,
      `g = "esc\\t\\x41\\101\\u00e9\\q"`, `h = "con" 'cat' """enated"""`, `i = f"no fields {{}}"`, `j = R'raw\\n'`,
      `k = "line \\`, `continued"`, `l = u"unicode"`, `m = rb'\\x00'`,
    ].join('\n'))
    expect(r.errors).toEqual([])
    expect(known(r.value)).toEqual({
      a: 'dq', b: 'sq', c: 'tri\nple', d: 't2', e: '\\d+', f: 'bytes', g: 'esc\tAAé\\q', h: 'concatenated',
      i: 'no fields {}', j: 'raw\\n', k: 'line continued', l: 'unicode', m: '\\x00',
    })
  })

  it('reads lists, tuples, dicts and sets of literals, and starred unpacking in displays', () => {
    const r = read('a = [1, "x", None]\nb = (1,)\nc = ()\nd = {"k": [1, 2], "n": {"m": True}}\ne = {1, 2, 2}\nf = [*a, *b]\ng = {**d, "z": 0}\n')
    expect(r.errors).toEqual([])
    expect(known(r.value)).toEqual({a: [1, 'x', null], b: [1], c: [], d: {k: [1, 2], n: {m: true}}, e: [1, 2], f: [1, 'x', null, 1], g: {k: [1, 2], n: {m: true}, z: 0}})
  })

  it('evaluates arithmetic, concatenation, repetition and names bound to literals', () => {
    const r = read([
      'base = 30', 'a = base * 2 + 5', 'b = (base - 10) // 3', 'c = -base % 7', 'd = 2 ** 10', 'e = 7 / 2',
      'f = "0.0.0.0:" + "80"', 'g = "ab" * 3', 'h = [0] * 2 + [1]', 'i = 2 * -3 ** 2', 'j = 1 << 4 | 1', 'k = True + 1',
      'l = "%s:%d" % ("h", 80)', 'm = "%(p)05d" % {"p": 42}', 'n = ~5', 'o = 10 % -3',
    ].join('\n'))
    expect(r.errors).toEqual([])
    expect(known(r.value)).toMatchObject({a: 65, b: 6, c: 5, d: 1024, e: 3.5, f: '0.0.0.0:80', g: 'ababab', h: [0, 0, 1], i: -18, j: 17, k: 2, l: 'h:80', m: '00042', n: -6, o: -2})
  })

  it('handles augmented assignment on known values, and list += in place', () => {
    const r = read('workers = 4\nworkers += 1\nworkers *= 2\nbind = ["a"]\nalias = bind\nbind += ["b"]\n')
    expect(r.errors).toEqual([])
    expect(known(r.value)).toMatchObject({workers: 10, bind: ['a', 'b'], alias: ['a', 'b']})
  })

  it('extends a list by += with any iterable, as list.extend does, and not with a non-iterable', () => {
    // CPython 3: [1] + (2,) is a TypeError, but xs += (2,) is xs.extend((2,)): a dict gives its
    // keys, a str its characters, bytes their ints; xs += xs doubles it.
    const r = read('xs = ["a"]\nys = xs\nxs += ("b", "c")\nxs += {"d": 1}\nxs += "ef"\nn = [0]\nn += b"AB"\nd = [1]\nd += d\ns = [*b"\\x05", *"gh"]\nbad = [1]\nbad += 5\n')
    expect(r.errors).toEqual([])
    expect(known(r.value)).toMatchObject({xs: ['a', 'b', 'c', 'd', 'e', 'f'], ys: ['a', 'b', 'c', 'd', 'e', 'f'], n: [0, 65, 66], d: [1, 1], s: [5, 'g', 'h']})
    expect(unknown(r.value, 'bad')).toBe("TypeError when executed: 'int' object is not iterable")
  })

  it('says what CPython says for *x of a non-iterable, and bounds += before building the items', () => {
    const r = read('a = [*5]\nb = {*None}\nc = (*1.5,)\ns = "x" * 200000\nxs = []\nxs += s\n')
    expect(r.errors).toEqual([])
    expect(['a', 'b', 'c', 'xs'].map((n) => unknown(r.value, n))).toEqual([
      'TypeError when executed: Value after * must be an iterable, not int',
      "TypeError when executed: 'NoneType' object is not iterable",
      'TypeError when executed: Value after * must be an iterable, not float',
      'sequence result longer than 100000 items',
    ])
  })

  it('checks list +=\'s bounds before it builds a value per character', () => {
    // Built first, 10 000 lines of `x = []; x += s` with a 99 999-character s took 87 s and
    // 1.1 GB past the per-file budget (1.1 s now). A string that cannot be iterated shows it.
    const budget = new ItemBudget()
    budget.take(LIMITS.maxItemsPerFile)
    const huge = {t: 'str', v: {length: 99_999, [Symbol.iterator]: () => { throw new Error('the characters were built') }}} as unknown as PyValue
    expect(extendList({t: 'list', items: []}, huge, budget)).toEqual({ok: false, reason: BUDGET_SPENT})
    expect(extendList({t: 'list', items: []}, {...huge, v: {length: LIMITS.maxItems + 1}} as unknown as PyValue)).toEqual({ok: false, reason: `sequence result longer than ${LIMITS.maxItems} items`})
  })

  it('handles tuple unpacking, starred targets, chained assignment and annotations', () => {
    const r = read('a, b = 1, 2\n(c, d), e = (3, 4), 5\n[f, *g] = [6, 7, 8]\nh = i = 9\nj: int = 10\nk: str\nl, = [11]\nm, n = "xy"\n')
    expect(r.errors).toEqual([])
    expect(known(r.value)).toEqual({a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: [7, 8], h: 9, i: 9, j: 10, l: 11, m: 'x', n: 'y'})
    expect(r.value.names['k']).toBeUndefined()
  })

  it('handles semicolons, backslash continuation, brackets across lines, comments, CRLF and a BOM', () => {
    const text = '\uFEFFa = 1; b = 2;\r\nc = 1 + \\\r\n    2\r\nd = [\r\n  1,  # one\r\n  2,\r\n]\r\n# last\r\n'
    const r = read(text)
    expect(r.errors).toEqual([])
    expect(known(r.value)).toEqual({a: 1, b: 2, c: 3, d: [1, 2]})
    expect(r.value.comments).toEqual([{line: 5, col: 7, text: ' one'}, {line: 8, col: 1, text: ' last'}])
  })

  it('gives each binding its line and column', () => {
    const r = read('\n\n  \nworkers = 3\nx = 1; keepalive = 5\n')
    expect(r.value.names['workers']).toMatchObject({line: 4, col: 1})
    expect(r.value.names['keepalive']).toMatchObject({line: 5, col: 8})
  })

  it('collects comments for inline ignores', () => {
    const r = read('keepalive = 1  # conntune: ignore GUNI-KA -- behind nothing\n# conntune: ignore X -- y\n')
    expect(r.value.comments.map((c) => [c.line, c.text])).toEqual([[1, ' conntune: ignore GUNI-KA -- behind nothing'], [2, ' conntune: ignore X -- y']])
  })

  it('treats the last top-level assignment as the value, and del as unset', () => {
    const r = read('workers = 2\nworkers = 8\nthreads = 4\ndel threads\n')
    expect(known(r.value)).toEqual({workers: 8})
  })

  it('normalises identifiers as Python does (NFKC)', () => {
    const r = read('ｗｏｒｋｅｒｓ = 3\n')
    expect(known(r.value)).toEqual({workers: 3})
  })
})

describe('gunicorn.conf.py: what is not evaluated', () => {
  it('reports calls, attribute access, environment lookups and comprehensions with lines and reasons', () => {
    const r = read([
      'import multiprocessing, os',
      'workers = multiprocessing.cpu_count() * 2 + 1',
      'bind = "0.0.0.0:" + os.environ["PORT"]',
      'timeout = int(os.getenv("T", "30"))',
      'threads = [x for x in range(3)]',
      'keepalive = 5 if True else 6',
      'backlog = unknown_name',
      'graceful_timeout = f"{workers}"',
      'max_requests = lambda: 3',
      'limit_request_line = (a := 4)',
      'worker_connections = 1 and 2',
    ].join('\n'))
    expect(r.errors).toEqual([])
    expect(unknown(r.value, 'workers')).toMatch(/CPU count/)
    expect(unknown(r.value, 'bind')).toMatch(/os\.environ\["PORT"\] without a default: its value is known only at run time/)
    // A literal default is what gunicorn gets unless the variable is set (the reader says it was assumed).
    expect(known(r.value)).toMatchObject({timeout: 30})
    expect(unknown(r.value, 'threads')).toBe('list comprehension')
    expect(unknown(r.value, 'keepalive')).toMatch(/conditional expression/)
    expect(unknown(r.value, 'backlog')).toMatch(/NameError when executed: name 'unknown_name' is not defined/)
    expect(unknown(r.value, 'graceful_timeout')).toBe('f-string with replacement fields')
    expect(unknown(r.value, 'max_requests')).toBe('lambda')
    expect(unknown(r.value, 'limit_request_line')).toMatch(/assignment expression/)
    expect(unknown(r.value, 'a')).toMatch(/assignment expression/)
    expect(unknown(r.value, 'worker_connections')).toMatch(/boolean operator 'and'/)
    const lines = Object.fromEntries(r.value.unresolved.map((u) => [u.name, u.line]))
    expect(lines).toMatchObject({workers: 2, bind: 3, threads: 5, keepalive: 6, backlog: 7, graceful_timeout: 8, max_requests: 9})
  })

  it('marks assignments in if/for/while/with/try blocks as conditional', () => {
    const r = read([
      'workers = 4',
      'if DEBUG:',
      '    workers = 1',
      '    reload = True',
      'for i in range(2):',
      '    threads = i',
      'while False: keepalive = 9',
      'try:',
      '    timeout = 10',
      'except Exception as exc:',
      '    timeout = 20',
      'with open("x") as fh:',
      '    backlog = 5',
    ].join('\n'))
    expect(r.errors).toEqual([])
    expect(r.value.names['workers']).toMatchObject({state: 'known', line: 1, maybe: [{line: 3}]})
    for (const n of ['reload', 'threads', 'keepalive', 'timeout', 'backlog', 'i', 'exc', 'fh']) expect(r.value.names[n]?.state).toBe('unknown')
    const byName = r.value.unresolved.filter((u) => u.name === 'timeout').map((u) => [u.line, u.reason])
    expect(byName).toEqual([[9, expect.stringContaining("inside the 'try' block at line 8")], [11, expect.stringContaining("inside the 'except' block at line 10")]])
  })

  it('keeps function locals and class attributes out of the module, but reports them', () => {
    const r = read('def post_fork(server, worker):\n    timeout = 5\n\nclass C:\n    workers = 3\n\ndef setup():\n    global keepalive\n    keepalive = 7\n')
    expect(r.value.names['post_fork']).toMatchObject({state: 'known', line: 1})
    expect(r.value.names['timeout']).toBeUndefined()
    expect(r.value.names['workers']).toBeUndefined()
    expect(unknown(r.value, 'keepalive')).toMatch(/declared global/)
    expect(r.value.unresolved.map((u) => [u.name, u.line])).toEqual([['timeout', 2], ['workers', 5], ['keepalive', 9]])
  })

  it("skips if __name__ == '__main__' blocks: gunicorn loads the file as __config__", () => {
    const r = read('workers = 2\nif __name__ == "__main__":\n    workers = 9\n')
    expect(r.value.names['workers']).toMatchObject({state: 'known'})
    expect(r.value.names['workers']).not.toHaveProperty('maybe')
    expect(r.value.unresolved[0].reason).toMatch(/never runs/)
  })

  it('follows lists changed in place and dynamic assignment', () => {
    const r = read('raw_env = []\nraw_env.append("A=1")\nbind = ["x"]\nn = bind.count("x")\nfrom settings import *\nglobals()["workers"] = 3\n')
    expect(unknown(r.value, 'raw_env')).toMatch(/raw_env\.append\(\)/)
    expect(r.value.names['bind']).toMatchObject({state: 'known'})
    expect(r.value.dynamic.map((d) => d.line)).toEqual([5, 6])
  })

  it('sees a change made after a value was read, through every container and alias holding it', () => {
    // Reads are answered from a cache: a change to a list inside another must still reach
    // every name that holds the outer one, read before the change or after, and a list that
    // grew by += (in place, holding itself) must still be marked whole.
    const r = read('a = [1]\nb = [a]\nc = b\na += [3]\nd = c\na.append(2)\ne = b\nxs = []\nxs += [xs]\nys = xs\nys.append(1)\nt = (xs, 1)\n')
    const why = 'changed in place by a.append() at line 6'
    expect(['a', 'b', 'c', 'd'].map((n) => unknown(r.value, n))).toEqual([why, why, why, why])
    expect(unknown(r.value, 'e')).toBe(`'b' has no known value (line 2): ${why}`)
    expect(['xs', 'ys'].map((n) => unknown(r.value, n))).toEqual(['changed in place by ys.append() at line 11', 'changed in place by ys.append() at line 11'])
    expect(unknown(r.value, 't')).toMatch(/^'xs' has no known value \(line 9\): changed in place by ys\.append\(\)/)
  })

  it('stops building containers past the per-file item budget, with the reason', () => {
    // 3 000 lines of bind = bind + [...] build 4.5 million items (n^2/2): past the budget the
    // value is unresolved, not a heap exhausted.
    const text = 'bind = []\n' + Array.from({length: 3000}, (_, i) => `bind = bind + ["h:${i}"]\n`).join('')
    const r = read(text)
    expect(r.errors).toEqual([])
    const spent = 'more than 4000000 list, tuple, set and dict items built while reading this file; not evaluated further'
    expect(unknown(r.value, 'bind')).toMatch(new RegExp(`^'bind' has no known value \\(line \\d+\\): .*${spent}$`))
    expect(r.value.unresolved.find((u) => u.reason === spent)).toMatchObject({name: 'bind'})
  })

  it('reports runtime errors of literal expressions as unresolved, not as values', () => {
    const r = read('a = 1 / 0\nb = "x" + 1\nc, d = 1, 2, 3\ne = "a" * 10 ** 9\nf = 2 ** 10 ** 9\ng = undefined_name + 1\n')
    expect(unknown(r.value, 'a')).toMatch(/ZeroDivisionError/)
    expect(unknown(r.value, 'b')).toMatch(/TypeError/)
    expect(unknown(r.value, 'c')).toMatch(/too many values to unpack/)
    expect(unknown(r.value, 'e')).toMatch(/longer than/)
    expect(unknown(r.value, 'f')).toMatch(/larger than/)
    expect(unknown(r.value, 'g')).toMatch(/NameError/)
  })
})

describe('gunicorn.conf.py: syntax errors', () => {
  it('reports them with line and column and reads the rest of the file', () => {
    const text = fs.readFileSync(path.join(FIX, 'syntax-errors.gunicorn.conf.py'), 'utf8')
    const r = read(text)
    expect(r.errors.map((e) => [e.kind, e.line, e.col])).toEqual([['syntax', 2, 13], ['syntax', 3, 11], ['syntax', 4, 13]])
    expect(r.errors.map((e) => e.message)).toEqual([
      'invalid syntax',
      'unterminated string literal (detected at line 3)',
      "'[' was never closed",
    ])
    expect(known(r.value)).toEqual({bind: '0.0.0.0:8000', backlog: 512, graceful_timeout: 45})
  })

  it('reports unterminated triple-quoted strings, bad indentation, stray closers and bad literals', () => {
    const cases: Array<[string, number, number, RegExp]> = [
      ['a = """never\nclosed\n', 1, 5, /unterminated triple-quoted string literal/],
      ['a = 1\n  b = 2\n', 2, 3, /unexpected indent/],
      ['if x:\n        a = 1\n    b = 2\n', 3, 5, /unindent does not match/],
      ['if x:\na = 1\n', 2, 1, /expected an indented block after 'if' statement on line 1/],
      ['a = (1, 2]\n', 1, 10, /closing parenthesis '\]' does not match opening parenthesis '\('/],
      ['a = 1)\n', 1, 6, /unmatched '\)'/],
      ['a = 0777\n', 1, 5, /leading zeros/],
      ['a = 1_000x\n', 1, 5, /invalid decimal literal/],
      ['a = b"é"\n', 1, 5, /bytes can only contain ASCII/],
      ['a = "x" b"y"\n', 1, 9, /cannot mix bytes and nonbytes/],
      ['1 = a\n', 1, 1, /cannot assign to literal/],
      ['f() = 1\n', 1, 1, /cannot assign to function call/],
      ['a =\n', 1, 3, /nothing after "="/],
      ['a = 1 +\n', 1, 7, /ends with an operator/],
      ['a = $x\n', 1, 5, /invalid character '\$'/],
      ['if x\n    a = 1\n', 1, 4, /expected ':'/],
      ['a = f"{x"\n', 1, 9, /unterminated string literal/],
      ['workers 4\n', 1, 9, /invalid syntax/],
    ]
    for (const [text, line, col, re] of cases) {
      const r = read(text)
      expect({text, first: r.errors[0] && [r.errors[0].line, r.errors[0].col, r.errors[0].kind]}).toEqual({text, first: [line, col, 'syntax']})
      expect(r.errors[0].message).toMatch(re)
    }
  })

  it('reads valid modern Python without false errors', () => {
    const text = [
      'from __future__ import annotations',
      'import os.path as osp',
      '@decorator(1)',
      'async def hook(server) -> None:',
      '    async with lock as l, other:',
      '        await thing()',
      '    x = [y async for y in z]',
      'match command:',
      '    case {"k": v} | [1, *rest] if v > 0:',
      '        pass',
      '    case _:',
      '        pass',
      'match = 3',
      'type Alias = list[int]',
      'x = lambda a=1, *b, c=2, **d: (a, b)',
      'y = z[1:2, ::3]',
      'w = f"{x!r:>{width}} {y=} {"nested"}"',
      'v = not a in b is not c',
      'raise SystemExit(1) from None',
      'print(*args, sep="", **kw)',
      'assert x, "message"',
      'def g():\n    yield from h()\n    nonlocal_ = (yield)',
      'class K(Base, metaclass=M):\n    """doc"""\n    attr: int = 1',
      'workers = 3',
    ].join('\n') + '\n'
    const r = read(text)
    expect(r.errors).toEqual([])
    expect(r.value.names['workers']).toMatchObject({state: 'known'})
    expect(r.value.names['match']).toMatchObject({state: 'known'})
  })

  it('refuses binary files and bounds the size', () => {
    expect(read('a = 1\0').errors.map((e) => [e.kind, e.message])).toEqual([['io', 'binary file (contains NUL bytes); not read']])
    const big = 'a = 1\n'.repeat(800_000)
    expect(read(big).errors[0].kind).toBe('limit')
  })
})

describe('fixtures', () => {
  it('reads the literal-only fixtures completely', () => {
    for (const f of fs.readdirSync(FIX).filter((n) => n.startsWith('literal-'))) {
      const r = parseGunicornConfPy(fs.readFileSync(path.join(FIX, f), 'utf8'), f)
      expect({f, errors: r.errors.map(String), unresolved: r.value.unresolved}).toEqual({f, errors: [], unresolved: []})
    }
  })

  it('reads the behind-alb fixture values', () => {
    const r = parseGunicornConfPy(fs.readFileSync(path.join(FIX, 'literal-behind-alb.gunicorn.conf.py'), 'utf8'), 'f')
    expect(known(r.value)).toMatchObject({
      keepalive: 65, threads: 8, workers: 3, timeout: 90, graceful_timeout: 30, backlog: 2048, max_requests: 1000,
      max_requests_jitter: 100, worker_connections: 1024, forwarded_allow_ips: '10.0.0.0/8,127.0.0.1', proc_name: 'app\\web',
      raw_env: ['DJANGO_SETTINGS_MODULE=app.settings', 'TZ=UTC'],
    })
    expect(r.value.comments[1].text).toBe(' conntune: ignore GUNICORN-EXAMPLE -- fixture comment for inline-ignore parsing')
  })

  it('reports the computed values of the mixed fixture with their lines', () => {
    const r = parseGunicornConfPy(fs.readFileSync(path.join(FIX, 'mixed-cpu-env.gunicorn.conf.py'), 'utf8'), 'f')
    expect(r.errors).toEqual([])
    expect(r.value.unresolved.map((u) => [u.name, u.line])).toEqual([
      ['workers', 6], ['timeout', 10], ['graceful_timeout', 11], ['backlog', 12], ['loglevel', 13], ['accesslog', 14], ['keepalive', 22],
    ])
    expect(known(r.value)).toMatchObject({bind: '0.0.0.0:8000', threads: 2, worker_class: 'gthread', keepalive: 75, post_fork: '<function post_fork>'})
  })
})

describe('tokenizer', () => {
  it('produces INDENT/DEDENT and joins bracketed lines', () => {
    const t = tokenizePython(normaliseSource('if a:\n    b = (1,\n  2)\nc = 3\n'), 'f')
    expect(t.errors).toEqual([])
    expect(t.tokens.map((x) => x.type === 'OP' || x.type === 'NAME' || x.type === 'NUMBER' ? x.text : x.type).join(' '))
      .toBe('if a : NEWLINE INDENT b = ( 1 , 2 ) NEWLINE DEDENT c = 3 NEWLINE ENDMARKER')
  })

  it('reads f-strings with nested quotes (PEP 701) as one token', () => {
    const t = tokenizePython('x = f"{d["k"]:{w}} {"}"}"\n', 'f')
    expect(t.errors).toEqual([])
    expect(t.tokens.filter((x) => x.type === 'STRING').map((x) => x.text)).toEqual(['f"{d["k"]:{w}} {"}"}"'])
  })
})

describe('reasons that quote reasons', () => {
  it('keep the name they are about and the first cause, whatever the length of the chain', () => {
    const text = `a0 = lambda: 1\n${Array.from({length: 500}, (_, i) => `a${i + 1} = a${i}\n`).join('')}keepalive = a500\n`
    const {value} = parseGunicornConfPy(text, 'gunicorn.conf.py')
    const b = value.names['keepalive']
    expect(b.state).toBe('unknown')
    const reason = b.state === 'unknown' ? b.reason : ''
    expect(reason.length).toBeLessThanOrEqual(400)
    expect(reason.startsWith("'a500' has no known value (line 501): 'a499' has no known value (line 500): ")).toBe(true)
    expect(reason).toMatch(/ \.\.\. .*: 'a0' has no known value \(line 1\): lambda$/)
  })
})
