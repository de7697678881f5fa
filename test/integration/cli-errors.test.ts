// CI reads stdout: a bad invocation under --json (or --format json) is one short JSON error
// and exit 2, never oclif's parser state.
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
