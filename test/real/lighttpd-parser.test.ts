// Our lighttpd parser against the installed lighttpd: what `lighttpd -tt` accepts we read
// without syntax errors, what it rejects we reject at the same file and line, and the settings
// we compute equal those `lighttpd -p` prints after lighttpd itself has read the config.
import fc from 'fast-check'
import {spawnSync} from 'node:child_process'
import {cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, posix} from 'node:path'
import {fileURLToPath} from 'node:url'
import {effectiveLighttpd, parseLighttpd, parseLighttpdText, type LighttpdEffective, type LighttpdParseOptions, type LighttpdSetting} from '../../src/parsers/lighttpd/index.js'
import {MemoryFileReader, type FileTexts} from '../../src/parsers/memory-reader.js'
import {describeReal, missingProgram} from './require-real.js'

const FIXTURES = fileURLToPath(new URL('../fixtures/lighttpd/', import.meta.url))
const KEYS = ['server.max-keep-alive-idle', 'server.max-keep-alive-requests', 'server.max-read-idle', 'server.max-write-idle', 'server.port', 'server.bind']

function lighttpd(args: string[], cwd: string): {status: number | null; stdout: string; stderr: string} {
  const r = spawnSync('lighttpd', args, {cwd, encoding: 'utf8', timeout: 20_000})
  return {status: r.status, stdout: r.stdout, stderr: r.stderr}
}

/** A fresh copy of a fixture tree; absolute /etc/lighttpd paths are pointed into the copy. */
function stage(tmp: string, fixture: string): string {
  const dir = join(tmp, fixture.replace(/\W+/g, '_'))
  cpSync(join(FIXTURES, fixture), dir, {recursive: true})
  for (const f of listFiles(dir)) {
    const text = readFileSync(f, 'utf8')
    if (text.includes('/etc/lighttpd/')) writeFileSync(f, text.split('/etc/lighttpd/').join(`${dir}/etc/lighttpd/`))
  }
  return dir
}

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? listFiles(join(dir, n)) : [join(dir, n)]))
}

function readerFor(dir: string): MemoryFileReader {
  const texts: FileTexts = {}
  for (const f of listFiles(dir)) texts[posix.normalize(f)] = readFileSync(f, 'utf8')
  return new MemoryFileReader(texts)
}

/** lighttpd's first "source: FILE line: N" — where it says it failed. */
function lighttpdFailure(stderr: string): {file: string; line: number} | null {
  const m = /source: (\S+) line: (\d+) pos/.exec(stderr)
  return m ? {file: m[1], line: Number(m[2])} : null
}

function pick(settings: Record<string, LighttpdSetting>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => k in settings).map((k) => [k, settings[k].value]))
}

function everything(e: LighttpdEffective): {global: Record<string, unknown>; blocks: Record<string, unknown>} {
  const strip = (s: Record<string, LighttpdSetting>): Record<string, unknown> =>
    Object.fromEntries(Object.entries(s).filter(([k]) => k !== 'var.cwd' && k !== 'var.pid').map(([k, v]) => [k, v.value]))
  return {global: strip(e.global), blocks: Object.fromEntries(e.conditions.map((c) => [c.path.join(' / '), strip(c.settings)]))}
}

const missing = missingProgram('lighttpd', ['-v'])

describeReal('lighttpd parser vs the installed lighttpd', [missing], () => {
  let tmp = ''
  let version = ''
  const env = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => typeof e[1] === 'string'))
  const opts = (cwd: string): LighttpdParseOptions => ({cwd, version, env})

  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'conntune-lighttpd-'))
    version = /lighttpd\/(\d+\.\d+\.\d+)/.exec(lighttpd(['-v'], tmp).stdout)?.[1] ?? ''
    expect(version).not.toBe('')
  })
  afterAll(() => {
    if (tmp) rmSync(tmp, {recursive: true, force: true})
  })

  const accepted: Array<[string, string]> = [
    ['debian', 'etc/lighttpd/lighttpd.conf'],
    ['debian-enabled', 'etc/lighttpd/lighttpd.conf'],
    ['vhosts', 'lighttpd.conf'],
  ]

  describe.each(accepted)('fixture %s (lighttpd accepts it)', (fixture, entry) => {
    it('lighttpd -tt accepts it and we read it without syntax errors', () => {
      const dir = stage(tmp, fixture)
      const tt = lighttpd(['-tt', '-f', join(dir, entry)], dir)
      expect({status: tt.status, stderr: tt.stderr}).toEqual({status: 0, stderr: ''})
      const ours = parseLighttpd(join(dir, entry), readerFor(dir), opts(dir))
      expect(ours.errors.filter((e) => e.kind !== 'unresolved').map(String)).toEqual([])
    })

    it('our effective settings equal those of lighttpd -p, and -p output parses cleanly', () => {
      const dir = stage(tmp, fixture)
      const printed = lighttpd(['-p', '-f', join(dir, entry)], dir)
      expect(printed.status).toBe(0)
      const fromP = parseLighttpdText(printed.stdout, '(lighttpd -p)')
      expect(fromP.errors.map(String)).toEqual([])
      expect(fromP.value.preprocessed).toBe(true)
      const ours = effectiveLighttpd(parseLighttpd(join(dir, entry), readerFor(dir), opts(dir)).value)
      const theirs = effectiveLighttpd(fromP.value)
      expect(pick(ours.global, KEYS)).toEqual(pick(theirs.global, KEYS))
      // Every block we know has the same keep-alive settings there; blocks only -p shows
      // come from include_shell output, which we do not run.
      const theirBlocks = new Map(theirs.conditions.map((c) => [c.path.join(' / '), c.settings]))
      for (const c of ours.conditions) {
        expect([c.path.join(' / '), pick(c.settings, KEYS)]).toEqual([c.path.join(' / '), pick(theirBlocks.get(c.path.join(' / ')) ?? {}, KEYS)])
      }
      if (ours.shellIncludes.length === 0) expect(everything(ours)).toEqual(everything(theirs))
    })
  })

  // Where lighttpd reports a failure: at the bad token ('same' line as ours), or — for errors it
  // notices only when the statement ends — at the line the next token is on ('next').
  const rejected: Array<[string, 'same' | 'next']> = [
    ['errors/unterminated-string.conf', 'same'],
    ['errors/missing-brace.conf', 'same'],
    ['errors/bad-operator.conf', 'same'],
    ['errors/unexpected-char.conf', 'same'],
    ['errors/unknown-field.conf', 'same'],
    ['errors/duplicate-array-key.conf', 'same'],
    ['errors/include-error/main.conf', 'same'],
    ['errors/bom.conf', 'same'],
    ['errors/duplicate-assign.conf', 'next'],
    ['errors/include-missing.conf', 'next'],
    ['errors/undefined-variable.conf', 'next'],
    ['errors/type-mismatch.conf', 'next'],
  ]

  it.each(rejected)('fixture %s: lighttpd rejects it, and our first error names the same file and line (%s)', (fixture, where) => {
    const dir = stage(tmp, posix.dirname(fixture))
    const entry = join(dir, posix.basename(fixture))
    const tt = lighttpd(['-tt', '-f', entry], dir)
    expect(tt.status).not.toBe(0)
    const theirs = lighttpdFailure(tt.stderr)
    expect(theirs).not.toBeNull()
    const ours = parseLighttpd(entry, readerFor(dir), opts(dir)).errors.filter((e) => e.kind !== 'unresolved')
    expect(ours.length).toBeGreaterThan(0)
    expect({file: ours[0].file, line: ours[0].line + (where === 'next' ? 1 : 0)}).toEqual(theirs)
  })

  const quirks = ['quirks/legacy-elseif.conf', 'quirks/missing-comma.conf', 'quirks/case-merge.conf']

  it.each(quirks)('fixture %s: we read what lighttpd reads, and flag each dropped token', (fixture) => {
    const dir = stage(tmp, 'quirks')
    const entry = join(dir, posix.basename(fixture))
    expect(lighttpd(['-tt', '-f', entry], dir).status).toBe(0)
    const printed = lighttpd(['-p', '-f', entry], dir)
    const r = parseLighttpd(entry, readerFor(dir), opts(dir))
    if (version === '1.4.69') {
      // 1.4.69 drops tokens it cannot use without a word; we say so for each.
      for (const e of r.errors) expect(e.message).toMatch(/lighttpd 1\.4\.69 skips it silently/)
    }
    expect(everything(effectiveLighttpd(r.value))).toEqual(everything(effectiveLighttpd(parseLighttpdText(printed.stdout, '-p').value)))
  })

  it('warns exactly where lighttpd\'s parser stack overflows and drops the statement', () => {
    const deep = (k: number): string => `server.document-root = "/tmp"\nx = ${'('.repeat(k)}"a"${')'.repeat(k)}\ny = 1\n`
    for (const [k, overflows] of [[94, false], [95, true]] as const) {
      const f = join(tmp, `deep${k}.conf`)
      writeFileSync(f, deep(k))
      const printed = lighttpd(['-p', '-f', f], tmp)
      expect(printed.status).toBe(0)
      expect(printed.stdout.includes('var.x')).toBe(!overflows)
      const ours = parseLighttpdText(deep(k), f, opts(tmp))
      expect(ours.errors.some((e) => e.kind === 'limit' && /stack/.test(e.message))).toBe(overflows)
    }
  })

  it('agrees with lighttpd on random configs: accept or reject, and what it reads', () => {
    const piece = fc.constantFrom('x', 'y', 'Y', 'a.b', 'var.z', '=', '=', '+=', ':=', '+', '"a"', '"b"', '"A"', '1', '2', '(', ')', ',', '=>',
      '\n', '\n', '{', '}', '$HTTP["host"] == "a"', '$HTTP["host"] == "b"', '$HTTP["url"] =~ "^/x"', '$HTTP["host"] != "a"', 'else', 'global',
      '# c\n', '"q\\"q"', '$', '[', ']', 'elseif', 'if')
    const line = fc.constantFrom('x = "a"', 'y += ("b")', 'x := 1', 'a.b = x + "c"', 'Y = ("k" => "v", "K" => "v")', 'z = ("a", "b",)',
      'x += 2', '$HTTP["host"] == "a" {', '$HTTP["url"] =~ "^/x" {', '} else {', '} else $HTTP["host"] == "b" {', '}', 'global {', 'q = y + ("c")')
    const text = fc.oneof(fc.array(piece, {maxLength: 30}).map((ps) => ps.join(' ')), fc.array(line, {maxLength: 14}).map((ls) => ls.join('\n')))
    const f = join(tmp, 'random.conf')
    fc.assert(fc.property(text, (body) => {
      const config = `server.document-root = "/tmp"\n${body}\n`
      writeFileSync(f, config)
      const printed = lighttpd(['-p', '-f', f], tmp)
      const ours = parseLighttpdText(config, f, opts(tmp))
      const hard = ours.errors.filter((e) => e.kind !== 'unresolved' && !/skips it silently/.test(e.message))
      if (printed.status !== 0) {
        expect(ours.errors.filter((e) => e.kind !== 'unresolved').length).toBeGreaterThan(0)
        return
      }
      expect(hard.map(String)).toEqual([])
      expect(everything(effectiveLighttpd(ours.value))).toEqual(everything(effectiveLighttpd(parseLighttpdText(printed.stdout, '-p').value)))
    }), {numRuns: 250})
  })
})
