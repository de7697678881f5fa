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
