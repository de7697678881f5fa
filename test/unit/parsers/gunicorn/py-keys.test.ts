// Dict keys and set items as CPython tells them apart. Every expected repr here is what
// python3 prints for the same expression (1 == 1.0 == True, 'a' != b'a', ints compared with
// floats exactly, a NaN bound to a name is one key by identity, the first key object stays and
// the last value wins), so the hash index behind dict and set displays is held to Python, not
// to what conntune printed before it.
import {parseGunicornConfPy} from '../../../../src/parsers/gunicorn/conf-py.js'
import {pyRepr, type PyValue} from '../../../../src/parsers/gunicorn/py-values.js'

const PRELUDE = 'x = 1e999 - 1e999\ndef f(): pass\n'

function value(expr: string): PyValue {
  const r = parseGunicornConfPy(`${PRELUDE}v = ${expr}\n`, 'gunicorn.conf.py')
  expect(r.errors).toEqual([])
  const b = r.value.names['v']
  if (b?.state !== 'known') throw new Error(`v = ${expr} has no known value: ${JSON.stringify(b)}`)
  return b.value
}

describe('gunicorn.conf.py: dict keys compare as in CPython', () => {
  it.each([
    ["{1: 'a', 1.0: 'b', True: 'c'}", "{1: 'c'}"],
    ["{'a': 1, b'a': 2}", "{'a': 1, b'a': 2}"],
    ["{(1, 'x'): 1, (1.0, 'x'): 2, (True, 'x', ()): 3}", "{(1, 'x'): 2, (True, 'x', ()): 3}"],
    ['{x: 1, x: 2}', '{nan: 2}'],
    ['{1e999 - 1e999: 1, 1e999 - 1e999: 2}', '{nan: 1, nan: 2}'],
    ['{(x,): 1, (x,): 2}', '{(nan,): 2}'],
    ["{2**53 + 1: 'i', 2.0**53: 'f'}", "{9007199254740993: 'i', 9007199254740992.0: 'f'}"],
    ["{2**53: 'i', 2.0**53: 'f'}", "{9007199254740992: 'f'}"],
    ['{10**20: 1, 1e20: 2, 10**22 + 1: 3, 1e22: 4}', '{100000000000000000000: 2, 10000000000000000000001: 3, 1e+22: 4}'],
    ['{0.5: 1, 1/2: 2, 0.1 + 0.2: 3, 0.3: 4}', '{0.5: 2, 0.30000000000000004: 3, 0.3: 4}'],
    ["{'a': 1, 'b': 2, 'a': 3}", "{'a': 3, 'b': 2}"],
    ["{1.0: 'x', 1: 'y', 0: 'z', -0.0: 'w', False: 'v'}", "{1.0: 'y', 0: 'v'}"],
    ["{(): 1, ((),): 2, ('',): 3, ('', ''): 4}", "{(): 1, ((),): 2, ('',): 3, ('', ''): 4}"],
    ["{**{1: 'a'}, 1.0: 'b'}", "{1: 'b'}"],
    ["{1: 'a'} | {True: 'b', 2: 'c'}", "{1: 'b', 2: 'c'}"],
  ])('%s', (expr, repr) => {
    expect(pyRepr(value(expr))).toBe(repr)
  })

  it('keys a function by identity', () => {
    const v = value('{f: 1, f: 2}')
    expect(v.t === 'dict' && v.entries.map(([k, x]) => [k.t, pyRepr(x)])).toEqual([['function', '2']])
  })
})

describe('gunicorn.conf.py: set displays drop items equal under ==', () => {
  it('keeps the first of 1, 1.0, True and of 0, -0.0, False; str and bytes stay apart', () => {
    // CPython: {0, 1, (1,), b'a', 'a'} (a set's order is its own; the items are what count).
    const v = value("{1, 1.0, True, 'a', b'a', 'a', (1,), (1.0,), 0, -0.0, False}")
    expect(v.t === 'set' && v.items.map(pyRepr)).toEqual(['1', "'a'", "b'a'", '(1,)', '0'])
  })

  it('keeps NaNs apart unless they are the same object', () => {
    expect(pyRepr(value('{x, x, 1e999 - 1e999}'))).toBe('{nan, nan}')
  })
})

describe('gunicorn.conf.py: a container inside itself', () => {
  // repr() of a list that holds itself recursed until the stack ran out (an internal error);
  // CPython prints the inner occurrence as [...], {...} or (...). Expected as python3 prints.
  it.each([
    ['xs = []\nxs += [xs]\n', 'xs', '[[...]]'],
    ['a = []\nb = [a]\na += [b]\n', 'b', '[[[...]]]'],
    ['xs = [1]\nxs += [xs, (xs,)]\n', 'xs', '[1, [...], ([...],)]'],
  ])('%s', (text, name, repr) => {
    const r = parseGunicornConfPy(text, 'gunicorn.conf.py')
    const b = r.value.names[name]
    if (b?.state !== 'known') throw new Error(`${name} has no known value: ${JSON.stringify(b)}`)
    expect(pyRepr(b.value)).toBe(repr)
  })
})
