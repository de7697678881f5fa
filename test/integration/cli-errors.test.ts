// CI reads stdout: a bad invocation under --json (or --format json) is one short JSON error
// and exit 2, never oclif's parser state.
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {conntune} from './run-cli.js'

describe('invalid invocations in JSON mode', () => {
  for (const args of [['--json', '--bogus'], ['--format', 'json', '--bogus'], ['-f=json', '--fail-on', 'nope']]) {
    it(`check ${args.join(' ')}: exit 2, one line of JSON naming the problem`, () => {
      const r = conntune(['check', 'test/fixtures/repos/shop', ...args])
      expect(r.code).toBe(2)
      expect(r.stdout.trim().split('\n')).toHaveLength(1)
      const doc = JSON.parse(r.stdout)
      expect(doc).toEqual({error: {message: expect.stringMatching(/--bogus|nope/), exitCode: 2}})
      expect(r.stdout.length).toBeLessThan(600)
    })
  }

  it('keeps the human message on stderr without --json', () => {
    const r = conntune(['check', 'test/fixtures/repos/shop', '--bogus'])
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(/Nonexistent flag: --bogus/)
  })
})

describe('--json with --format', () => {
  it('refuses a second format on stdout instead of dropping it (exit 2, one line)', () => {
    const r = conntune(['check', 'test/fixtures/repos/shop', '--json', '--format', 'text'])
    expect(r.code).toBe(2)
    expect(r.stderr.trim()).toBe('conntune: --json and --format text would both go to stdout; give --format text an --output FILE, or drop --json')
  })

  it('accepts --format json and formats written to files', () => {
    expect(conntune(['check', 'test/fixtures/repos/shop', '--json', '--format', 'json']).code).toBe(1)
    const dir = mkdtempSync(join(tmpdir(), 'conntune-json-format-'))
    try {
      const r = conntune(['check', 'test/fixtures/repos/shop', '--json', '--format', 'sarif', '--output', join(dir, 'out.sarif')])
      expect(r.code).toBe(1)
      expect(JSON.parse(r.stdout).format).toBe('conntune-report')
      expect(JSON.parse(readFileSync(join(dir, 'out.sarif'), 'utf8')).version).toBe('2.1.0')
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })
})

describe('typos get the nearest command or flag', () => {
  it('a misspelt command: exit 2, one line naming the nearest', () => {
    const r = conntune(['audti'])
    expect(r.code).toBe(2)
    expect(r.stderr.trim()).toBe('conntune: command "audti" not found; did you mean audit? (conntune --help lists the commands)')
    expect(conntune(['rules', 'lsit']).stderr).toContain('did you mean rules list?')
  })

  it('a command far from every other gets no guess', () => {
    const r = conntune(['xyzzy'])
    expect(r.code).toBe(2)
    expect(r.stderr).not.toMatch(/did you mean/)
  })

  it('under --json the suggestion is in the short JSON error', () => {
    const r = conntune(['audti', '--json'])
    expect(r.code).toBe(2)
    expect(JSON.parse(r.stdout)).toEqual({error: {message: expect.stringContaining('did you mean audit?'), exitCode: 2}})
  })

  it('a misspelt flag: one line with the nearest flag of that command, also under --format json', () => {
    const r = conntune(['check', 'test/fixtures/repos/shop', '--fromat', 'json'])
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr.trim()).toBe('conntune: Nonexistent flag: --fromat; did you mean --format? (conntune check --help lists the flags)')
    const j = conntune(['check', 'test/fixtures/repos/shop', '-f', 'json', '--fail-onn', 'error'])
    expect(j.code).toBe(2)
    expect(JSON.parse(j.stdout).error.message).toContain('did you mean --fail-on?')
  })
})

describe('CONNTUNE_CONTENT_TYPE=json (oclif\'s --json by environment)', () => {
  it('check prints its report as JSON on stdout, as with --json', () => {
    const r = conntune(['check', 'test/fixtures/repos/shop', '--fail-on', 'none'], {env: {CONNTUNE_CONTENT_TYPE: 'json'}})
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({format: 'conntune-report', summary: {hosts: 1}})
  })
})
