// A fresh clone must pass its own tests: nothing in the code, tests, scripts or benchmarks
// may read the developers' design folder or any path outside the repository.
import {lstatSync, readdirSync, readFileSync, readlinkSync} from 'node:fs'
import {dirname, isAbsolute, join, relative, resolve, sep} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
const AREAS = ['src', 'test', 'scripts', 'bench', 'bin']
const TEXT = /\.(ts|js|mjs|cjs|sh|json|ya?ml)$/

function walk(dir: string, out: string[]): string[] {
  for (const e of readdirSync(dir, {withFileTypes: true})) {
    const p = join(dir, e.name)
    if (e.name === 'node_modules' || e.name === 'out') continue
    if (e.isDirectory()) walk(p, out)
    else out.push(p)
  }
  return out
}

const files = AREAS.flatMap((a) => walk(join(root, a), []))
const escapes = (p: string) => {
  const rel = relative(root, p)
  return rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)
}
// Fixtures are configuration data read by the code under test, where `include ../x` is a
// real shape; only code is held to "relative literals stay inside the repository".
const code = files.filter((f) => TEXT.test(f) && !relative(root, f).startsWith(`test${sep}fixtures${sep}`) && f !== fileURLToPath(import.meta.url))

describe('the repository is self-contained', () => {
  it('has code to scan (guards against a walk that finds nothing)', () => {
    expect(code.length).toBeGreaterThan(50)
    expect(code.some((f) => f.endsWith(join('scripts', 'build.js')))).toBe(true)
  })

  it('names no developer-only folder (../shared, /work/)', () => {
    const bad: string[] = []
    for (const f of code) {
      const text = readFileSync(f, 'utf8')
      text.split('\n').forEach((line, i) => {
        if (/\/work\/|\.\.\/shared\b|['"]shared['"]/.test(line)) bad.push(`${relative(root, f)}:${i + 1}: ${line.trim()}`)
      })
    }
    expect(bad).toEqual([])
  })

  it('resolves every quoted relative path inside the repository', () => {
    const bad: string[] = []
    for (const f of code) {
      const text = readFileSync(f, 'utf8')
      // '../x' literals (imports, fixtures, bin) resolved from the file that names them.
      for (const m of text.matchAll(/['"`]((?:\.\.\/)+)[^'"`\s]*/g)) {
        if (escapes(resolve(dirname(f), m[1]))) bad.push(`${relative(root, f)}: ${m[0]}`)
      }
      // join(here, '..', '..') chains, counted against the file's depth.
      for (const m of text.matchAll(/(?:'\.\.'\s*,\s*)+/g)) {
        const ups = m[0].split('..').length - 1
        if (escapes(resolve(dirname(f), ...Array(ups).fill('..')))) bad.push(`${relative(root, f)}: ${m[0]}`)
      }
    }
    expect(bad).toEqual([])
  })

  it('has no symlink that points outside the repository', () => {
    const bad = files.filter((f) => lstatSync(f).isSymbolicLink() && escapes(resolve(dirname(f), readlinkSync(f))))
    expect(bad.map((f) => relative(root, f))).toEqual([])
  })
})
