import {UserError} from '../../../src/errors.js'
import {flagOrder, planTargets} from '../../../src/cli/output.js'
import {reportFlags} from '../../../src/cli/flags.js'
import {FORMATS} from '../../../src/report/index.js'

function planError(formats: string[], outputs: string[], argv?: string[]): UserError {
  try {
    planTargets(formats, outputs, argv)
  } catch (error) {
    expect(error).toBeInstanceOf(UserError)
    return error as UserError
  }
  throw new Error('expected a UserError')
}

describe('--format/--output pairing', () => {
  it('offers every report format, repeatable, without swallowing positional paths', () => {
    expect(reportFlags.format.options).toEqual([...FORMATS])
    expect(reportFlags.format).toMatchObject({multiple: true, multipleNonGreedy: true, char: 'f'})
    expect(reportFlags.output).toMatchObject({multiple: true, multipleNonGreedy: true, char: 'o'})
  })

  it('reads the order of the two flags in every spelling oclif accepts, up to "--"', () => {
    expect(flagOrder(['deploy/', '--format', 'sarif', '--output=a.sarif', '-fjunit', '-o', 'b.xml', '-f=text', '--fail-on', 'error', '--', '-f', 'x'])).toEqual([
      'format', 'output', 'format', 'output', 'format',
    ])
    // Values are skipped, even when they look like the other flag's name.
    expect(flagOrder(['--output', '-format', '-f', 'json'])).toEqual(['output', 'format'])
    expect(flagOrder(['--format-x', 'y', '--formats', '-x'])).toEqual([])
  })

  it('pairs each --output with the nearest --format before it that has none', () => {
    const argv = ['-f', 'sarif', '-o', 'a.sarif', '-f', 'junit', '-o', 'b.xml']
    expect(planTargets(['sarif', 'junit'], ['a.sarif', 'b.xml'], argv)).toEqual([
      {format: 'sarif', output: 'a.sarif'},
      {format: 'junit', output: 'b.xml'},
    ])
    // The format without an output goes to stdout, wherever it was given.
    expect(planTargets(['text', 'sarif'], ['a.sarif'], ['-f', 'text', '-f', 'sarif', '-o', 'a.sarif'])).toEqual([
      {format: 'text', output: null},
      {format: 'sarif', output: 'a.sarif'},
    ])
    expect(planTargets(['sarif', 'markdown'], ['a.sarif'], ['-f', 'sarif', '-o', 'a.sarif', '-f', 'markdown'])).toEqual([
      {format: 'sarif', output: 'a.sarif'},
      {format: 'markdown', output: null},
    ])
    // An --output before its --format, as `-o report.json -f json` always worked.
    expect(planTargets(['json'], ['r.json'], ['-o', 'r.json', '-f', 'json'])).toEqual([{format: 'json', output: 'r.json'}])
  })

  it('defaults to text, to stdout or to the one --output', () => {
    expect(planTargets([], [])).toEqual([{format: 'text', output: null}])
    expect(planTargets([], ['r.txt'], ['-o', 'r.txt'])).toEqual([{format: 'text', output: 'r.txt'}])
  })

  it('pairs by position when the command line cannot be read', () => {
    expect(planTargets(['sarif', 'junit', 'text'], ['a', 'b'])).toEqual([
      {format: 'sarif', output: 'a'},
      {format: 'junit', output: 'b'},
      {format: 'text', output: null},
    ])
    // argv that does not match what oclif parsed is not trusted either.
    expect(planTargets(['sarif', 'junit'], ['a', 'b'], ['-f', 'sarif'])).toEqual([
      {format: 'sarif', output: 'a'},
      {format: 'junit', output: 'b'},
    ])
  })

  it('refuses more outputs than formats, two formats on stdout, and one file for two formats', () => {
    expect(planError(['sarif'], ['a', 'b'], ['-f', 'sarif', '-o', 'a', '-o', 'b']).message).toBe(
      '--output b has no --format to write: 2 --output but 1 --format; give each --output its own --format',
    )
    expect(planError([], ['a', 'b']).message).toBe('--output is given 2 times but --format not at all: name a --format for each --output')
    expect(planError(['text', 'markdown'], []).message).toBe('--format text and --format markdown would all go to stdout; give all but one an --output FILE')
    expect(planError(['sarif', 'junit'], ['x', './x'], ['-f', 'sarif', '-o', 'x', '-f', 'junit', '-o', './x']).message).toBe('--output ./x is named for both --format sarif and --format junit')
    expect(planError(['sarif'], ['a', 'b']).exitCode).toBe(2)
  })
})
