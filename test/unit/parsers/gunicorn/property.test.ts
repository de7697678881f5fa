// On random and mutated input every reader returns a result or its typed errors: it never
// throws and never hangs.
import fs from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import {parseGunicornConfPy} from '../../../../src/parsers/gunicorn/conf-py.js'
import {parseGunicornArgv} from '../../../../src/parsers/gunicorn/argv.js'
import {resolveGunicorn} from '../../../../src/parsers/gunicorn/settings.js'
import {gunicornFromDockerfile, gunicornFromProcfile, gunicornFromSystemdUnit} from '../../../../src/parsers/gunicorn/sources.js'
import {parseShell, shlexSplit} from '../../../../src/parsers/gunicorn/shell-words.js'
import {ParseError} from '../../../../src/parsers/types.js'

const FIX = path.resolve('test/fixtures/gunicorn')
const files = (dir: string) => fs.readdirSync(path.join(FIX, dir)).map((f) => fs.readFileSync(path.join(FIX, dir, f), 'utf8'))
const PY = files('conf')
const UNITS = files('systemd')
const DOCKER = files('docker')

const PY_PIECES = [
  'workers', 'bind', ' = ', '=', '+=', '**', '*', '/', '//', '%', '-', '(', ')', '[', ']', '{', '}', ',', ':', ';', '.', '\n', '\n    ', '\\\n',
  '"', "'", '"""', "f'", 'rb"', '#', '1', '0x1F', '1_0', '1e9', '.5', 'True', 'None', 'if ', 'else', 'def f():', 'lambda', 'import os', 'for x in y:',
  ' ', '\t', '\r\n', '\uFEFF', 'é', '{x}', '@', 'not ', 'and', ':=', 'async ', 'class C:', 'global workers', 'del ', 'from m import *',
]

const mutate = (base: string[]) =>
  fc.tuple(fc.constantFrom(...base), fc.array(fc.tuple(fc.nat(), fc.nat({max: 8}), fc.string({maxLength: 6})), {maxLength: 8}))
    .map(([text, edits]) => {
      let t = text
      for (const [at, del, ins] of edits) {
        const i = t.length ? at % t.length : 0
        t = t.slice(0, i) + ins + t.slice(i + del)
      }
      return t
    })

const pythonish = fc.array(fc.constantFrom(...PY_PIECES), {maxLength: 80}).map((a) => a.join(''))

function allTyped(errors: unknown[]): boolean {
  return errors.every((e) => e instanceof ParseError && e.line >= 1 && e.col >= 1 && !e.message.includes('\n'))
}

function timed<T>(f: () => T): T {
  const t0 = Date.now()
  const r = f()
  expect(Date.now() - t0).toBeLessThan(2000)
  return r
}

describe('property: gunicorn readers never throw', () => {
  it('gunicorn.conf.py: random Python-like text', () => {
    fc.assert(fc.property(pythonish, (text) => {
      const r = timed(() => parseGunicornConfPy(text, 'f.py'))
      expect(allTyped(r.errors)).toBe(true)
    }), {numRuns: 400})
  })

  it('gunicorn.conf.py: mutated fixtures, and arbitrary strings', () => {
    fc.assert(fc.property(fc.oneof(mutate(PY), fc.string({maxLength: 300}), fc.string({unit: 'binary', maxLength: 200})), (text) => {
      const r = timed(() => parseGunicornConfPy(text, 'f.py'))
      expect(allTyped(r.errors)).toBe(true)
      const s = timed(() => resolveGunicorn({argv: {words: ['app:app'], file: 'a', line: 1}, configFile: {path: 'f.py', text}}))
      expect(allTyped(s.errors)).toBe(true)
    }), {numRuns: 400})
  })

  it('deeply nested and very long input stays bounded', () => {
    const deep = 'a = ' + '('.repeat(5000) + '1' + ')'.repeat(5000) + '\n'
    const r = timed(() => parseGunicornConfPy(deep, 'f.py'))
    expect(r.errors[0].message).toMatch(/too many nested/)
    timed(() => parseGunicornConfPy('a = 1 +' + ' 1 +'.repeat(20000) + ' 1\n', 'f.py'))
    timed(() => parseGunicornConfPy('x = [\n'.repeat(3000), 'f.py'))
    timed(() => parseGunicornConfPy('s = "' + 'a'.repeat(2_000_000) + '"\n', 'f.py'))
    timed(() => parseGunicornConfPy('a = "x" * 1000000\nb = a * 1000000\nc = [1] * 100000000\n', 'f.py'))
  })

  it('argv and GUNICORN_CMD_ARGS: random words', () => {
    const word = fc.oneof(fc.constantFrom('-w', '--workers', '-b', '--bind=', '-Dw4', '--', '-', '--keep', '--log', '-1', 'app:app', '--proxy-protocol', '-c', ''), fc.string({maxLength: 8}))
    fc.assert(fc.property(fc.array(word, {maxLength: 30}), fc.constantFrom('20.1.0', '26.1.0', undefined), (words, version) => {
      const r = timed(() => parseGunicornArgv(words, {file: 'a', line: 1, version}))
      expect(allTyped([...r.errors, ...r.value.warnings])).toBe(true)
      const s = shlexSplit(words.join(' '))
      expect('words' in s || 'error' in s).toBe(true)
      const x = resolveGunicorn({argv: {words, file: 'a', line: 1}, env: {GUNICORN_CMD_ARGS: {value: words.join(' '), file: 'e', line: 1}}, version})
      expect(allTyped(x.errors)).toBe(true)
    }), {numRuns: 400})
  })

  it('systemd units, Procfiles, Dockerfiles and sh scripts: mutated and random', () => {
    const text = fc.oneof(mutate([...UNITS, ...DOCKER, 'web: gunicorn a:b -b :$PORT\n']), fc.string({maxLength: 300}))
    fc.assert(fc.property(text, (t) => {
      for (const r of [
        timed(() => gunicornFromSystemdUnit(t, '/etc/systemd/system/x.service')),
        timed(() => gunicornFromProcfile(t, '/app/Procfile')),
        timed(() => gunicornFromDockerfile(t, 'Dockerfile')),
      ]) {
        expect(allTyped(r.errors)).toBe(true)
        expect(Array.isArray(r.value)).toBe(true)
      }
      timed(() => parseShell(t, () => undefined))
    }), {numRuns: 300})
  })
})
