// Growth exponents of the gunicorn.conf.py reader on generated files of n and 4n lines or
// items (the shapes of /tmp/hunt/ggunicorn.mjs): parseGunicornConfPy timed directly, best of a
// few, interleaved. Linear work gives a ratio near 4, quadratic near 16. Each shape was
// quadratic once: a scan of every earlier key per dict key, a copy per `+=`, a walk of the whole
// list per read or per `.append()`, every intermediate container kept.
import {parseGunicornConfPy} from '../../../src/parsers/gunicorn/conf-py.js'
import {BOUND, bestOf, timed} from './best-of.js'

const HEAD = 'import os\nworkers = 4\nkeepalive = 2\ntimeout = 30\n'
const lines = (n: number, line: (i: number) => string): string => Array.from({length: n}, (_, i) => line(i)).join('')
const list = (n: number, item: (i: number) => string): string => Array.from({length: n}, (_, i) => item(i)).join(', ')

// Each unknown value's reason quoted the reason of the name it came from, so a chain of n names
// held O(n²) characters: 2 000 lines, 150 MB of JSON; 8 000, a string longer than V8 allows, a
// crash. The time did not show it (V8 joins strings lazily); the size of what is kept does.
const UNKNOWN_CHAINS: Record<string, {text: (n: number) => string}> = {
  unknownchain: {text: (n) => 'a0 = lambda: 1\n' + lines(n, (i) => `a${i + 1} = a${i}\n`) + `keepalive = a${n}\n`},
  unknownbinop: {text: (n) => 'a0 = lambda: 1\n' + lines(n, (i) => `a${i + 1} = a${i} + 1\n`)},
  unknownaug: {text: (n) => 'graceful_timeout = lambda: 1\n' + lines(n, (i) => `graceful_timeout += ${i}\n`)},
  unknownunpack: {text: (n) => 'a0 = lambda: 1\n' + lines(n, (i) => `a${i + 1}, b${i + 1} = a${i}\n`)},
}

const SHAPES: Record<string, {n: number; text: (n: number) => string}> = {
  dictlit: {n: 8_000, text: (n) => `d = {${list(n, (i) => `"k${i}": ${i}`)}}\n`},
  setlit: {n: 8_000, text: (n) => `st = {${list(n, (i) => `"k${i}"`)}}\n`},
  listaug: {n: 4_000, text: (n) => 'xs = []\n' + lines(n, (i) => `xs += [${i}]\n`)},
  bindappendop: {n: 4_000, text: (n) => 'bind = []\n' + lines(n, (i) => `bind += ["10.0.${i >> 8 & 255}.${i & 255}:8000"]\n`)},
  appendcall: {n: 4_000, text: (n) => `bind = [${list(n, (i) => `"127.0.0.1:${i % 60000 + 1}"`)}]\n` + lines(n, (i) => `bind.append("x${i}")\n`)},
  refs: {n: 4_000, text: (n) => `big = [${list(n, (i) => `${i}`)}]\n` + lines(n, (i) => `r${i} = big\n`)},
  // Quadratic in CPython too (a new container per line): both sizes run past the per-file
  // item budget, after which a line costs O(1).
  listplus: {n: 4_000, text: (n) => 'xs = []\n' + lines(n, (i) => `xs = xs + [${i}]\n`)},
  dictgrow: {n: 4_000, text: (n) => 'd = {}\n' + lines(n, (i) => `d = {**d, "k${i}": ${i}}\n`)},
}

function parse(text: string): number {
  return timed(() => {
    const r = parseGunicornConfPy(text, 'gunicorn.conf.py')
    // Guard against timing a file that stopped early on an error.
    if (r.errors.length > 0) throw new Error(`the generated file has errors: ${r.errors[0].message}`)
  })
}

describe('growth exponent of parseGunicornConfPy', () => {
  it.each(Object.keys(SHAPES))('%s: 4x the size costs < 8x the time', (shape) => {
    const {n, text} = SHAPES[shape]
    const small = HEAD + text(n)
    const large = HEAD + text(4 * n)
    const {a, b} = bestOf(`conf.py ${shape}`, () => parse(small), () => parse(large))
    expect({shape, ratio: +(b / a).toFixed(2), ms: [Math.round(a), Math.round(b)]}).toEqual({shape, ratio: expect.any(Number), ms: expect.any(Array)})
    expect(b / a).toBeLessThan(BOUND)
  })

  // Deterministic where timings are not: what the reader keeps grows with the file.
  it.each(Object.keys(UNKNOWN_CHAINS))('%s: the reasons kept for 4x the lines are < 5x as long', (shape) => {
    const kept = (n: number): number => {
      const {value} = parseGunicornConfPy(HEAD + UNKNOWN_CHAINS[shape].text(n), 'gunicorn.conf.py')
      let chars = 0
      for (const b of Object.values(value.names)) if (b.state === 'unknown') chars += b.reason.length
      for (const a of value.assignments) chars += a.unresolved?.length ?? 0
      for (const u of value.unresolved) chars += u.reason.length
      return chars
    }
    const [a, b] = [kept(1_000), kept(4_000)]
    expect(a).toBeGreaterThan(1_000)
    expect(b / a).toBeLessThan(5)
  })
})
