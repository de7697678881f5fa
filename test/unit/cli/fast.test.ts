// What makes the fast path step aside for oclif without running anything: no flag table (a
// dist/ built before it), a command it has no runner for, oclif's CONNTUNE_CONTENT_TYPE.
import {readFileSync} from 'node:fs'
import Audit from '../../../src/commands/audit.js'
import {FAST_COMMANDS, runFast} from '../../../src/cli/fast.js'
import {fastCommand} from '../../../src/cli/fast-table.js'

const table = {version: '0.0.0-test', commands: {audit: fastCommand(Audit as never)}}

describe('runFast', () => {
  afterEach(() => {
    delete process.env.CONNTUNE_CONTENT_TYPE
  })

  it('leaves the run to oclif when there is no flag table', async () => {
    expect(await runFast(['audit'], null)).toBe(false)
  })

  it('leaves commands it has no flags or runner for to oclif', async () => {
    expect(await runFast(['collect'], table)).toBe(false)
    expect(await runFast(['check', 'x'], table)).toBe(false)
    expect(await runFast([], table)).toBe(false)
  })

  it('leaves CONNTUNE_CONTENT_TYPE (oclif turns on --json with it) to oclif', async () => {
    process.env.CONNTUNE_CONTENT_TYPE = 'json'
    expect(await runFast(['audit', '--fail-on', 'none'], table)).toBe(false)
  })

  it('leaves a line it cannot read exactly to oclif', async () => {
    expect(await runFast(['audit', '--json'], table)).toBe(false)
  })

  it('names the same commands as bin/run.js, which picks them before loading the fast bundle', () => {
    const bin = readFileSync(new URL('../../../bin/run.js', import.meta.url), 'utf8')
    const listed = /const FAST = new Set\((\[[^\]]*\])\)/.exec(bin)?.[1]
    expect(listed && JSON.parse(listed.replaceAll("'", '"'))).toEqual(FAST_COMMANDS)
  })
})
