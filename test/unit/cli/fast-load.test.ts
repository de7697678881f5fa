// bin/fast-load.js compiles the fast path as a function body with the build's V8 code cache.
// What a module gave it must still hold (strict mode, import.meta.url, require beside the file),
// and a cache is used only for the source it was made from. Run in plain node, as bin/run.js.
import {execFileSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

const loader = fileURLToPath(new URL('../../../bin/fast-load.js', import.meta.url))

/** Runs `code` in a node process with loadFast and cacheBytes imported; returns its JSON line. */
function inNode(code: string): unknown {
  const script = `import {loadFast, cacheBytes} from ${JSON.stringify(loader)}\nimport {writeFileSync} from 'node:fs'\n${code}`
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], {encoding: 'utf8'}))
}

describe('loadFast', () => {
  let dir: string
  let file: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ct-fast-load-'))
    file = join(dir, 'fast.cjs')
  })
  afterEach(() => rmSync(dir, {recursive: true, force: true}))

  const BUNDLE = [
    'function probe() { return this === undefined }',
    'const frozen = Object.freeze({a: 1})',
    'let threw = false',
    'try { frozen.a = 2 } catch { threw = true }',
    'module.exports = {strict: probe(), threw, url: __ctMetaUrl, file: __filename, path: require("node:path").basename(__dirname), value: "A"}',
  ].join('\n')

  it('runs the bundle in strict mode, with its file URL, file name and require', () => {
    writeFileSync(file, BUNDLE)
    expect(inNode(`const l = loadFast(${JSON.stringify(file)}); console.log(JSON.stringify({...l.exports, cached: l.cached}))`)).toEqual({
      strict: true,
      threw: true,
      url: `file://${file}`,
      file,
      path: dir.split('/').at(-1),
      value: 'A',
      cached: false,
    })
  })

  it('uses a cache made from the same source, and no other (V8 compares only lengths)', () => {
    writeFileSync(file, BUNDLE)
    inNode(`const l = loadFast(${JSON.stringify(file)}); writeFileSync(${JSON.stringify(`${file}.cache`)}, cacheBytes(l)); console.log('{}')`)
    expect(inNode(`const l = loadFast(${JSON.stringify(file)}); console.log(JSON.stringify({value: l.exports.value, cached: l.cached}))`)).toEqual({value: 'A', cached: true})
    // The same length, another value: the cache is not used, and what runs is the new source.
    writeFileSync(file, BUNDLE.replace('value: "A"', 'value: "B"'))
    expect(readFileSync(file, 'utf8').length).toBe(BUNDLE.length)
    expect(inNode(`const l = loadFast(${JSON.stringify(file)}); console.log(JSON.stringify({value: l.exports.value, cached: l.cached}))`)).toEqual({value: 'B', cached: false})
  })

  it('compiles without a cache V8 refuses, and without a cache file', () => {
    writeFileSync(file, BUNDLE)
    inNode(`const l = loadFast(${JSON.stringify(file)}); const c = cacheBytes(l); c.fill(7, 65); writeFileSync(${JSON.stringify(`${file}.cache`)}, c); console.log('{}')`)
    expect(inNode(`const l = loadFast(${JSON.stringify(file)}); console.log(JSON.stringify({value: l.exports.value, cached: l.cached}))`)).toEqual({value: 'A', cached: false})
    rmSync(`${file}.cache`)
    expect(inNode(`const l = loadFast(${JSON.stringify(file)}); console.log(JSON.stringify({value: l.exports.value, cached: l.cached}))`)).toEqual({value: 'A', cached: false})
  })

  it('is null when there is no bundle (bin/run.js then runs oclif)', () => {
    expect(inNode(`console.log(JSON.stringify(loadFast(${JSON.stringify(join(dir, 'none.cjs'))})))`)).toBeNull()
  })

  it('is made without reading a .conntune.yaml above its temporary trees (a bad one would fail the build)', () => {
    // TMPDIR holds a broken project file, as /tmp may if another user writes one there.
    writeFileSync(join(dir, '.conntune.yaml'), 'frontend: [unclosed\n')
    const out = join(dir, 'made.cache')
    execFileSync(process.execPath, [fileURLToPath(new URL('../../../scripts/fast-cache.js', import.meta.url)), '--out', out], {env: {...process.env, TMPDIR: dir}, stdio: 'pipe'})
    const built = fileURLToPath(new URL('../../../dist/bundle/cli/fast.cjs', import.meta.url))
    const digest = createHash('sha256').update(readFileSync(built, 'utf8')).digest('hex')
    expect(readFileSync(out).toString('latin1', 0, 65)).toBe(`${digest}\n`)
  })

  it('takes the cache the build wrote for the bundle it built', () => {
    const built = fileURLToPath(new URL('../../../dist/bundle/cli/fast.cjs', import.meta.url))
    expect(inNode(`const l = loadFast(${JSON.stringify(built)}); console.log(JSON.stringify({cached: l.cached, runFast: typeof l.exports.runFast}))`)).toEqual({cached: true, runFast: 'function'})
  })
})
