// The fast path reads audit's and check's command lines without oclif. Whatever it accepts it
// must read exactly as oclif does; whatever it is not sure of it must hand back (null). Each
// case is compared with oclif's own parser on the commands' real definitions.
import fc from 'fast-check'
import {Parser} from '@oclif/core'
import Audit from '../../../src/commands/audit.js'
import Check from '../../../src/commands/check.js'
import {parseFastArgv} from '../../../src/cli/fast-argv.js'
import {fastCommand} from '../../../src/cli/fast-table.js'

const commands = {audit: Audit, check: Check} as const
type Id = keyof typeof commands

async function viaOclif(id: Id, argv: string[]): Promise<{flags: Record<string, unknown>; argv: string[]} | {error: string}> {
  const C = commands[id] as unknown as {flags: never; baseFlags: never; args: never; strict: boolean}
  try {
    const r = await Parser.parse(argv, {flags: {...(C.baseFlags as object), ...(C.flags as object)} as never, args: C.args, strict: C.strict, context: {config: {}} as never})
    if (r.nonExistentFlags?.length) return {error: `nonexistent ${r.nonExistentFlags.join(' ')}`}
    return {flags: r.flags as Record<string, unknown>, argv: r.argv as string[]}
  } catch (error) {
    return {error: String((error as Error).message).split('\n')[0]!}
  }
}

const fast = (id: Id, argv: string[]) => parseFastArgv(argv, fastCommand(commands[id] as never))

describe('the fast command line', () => {
  const common: Array<[Id, string[]]> = [
    ['audit', []],
    ['audit', ['--fail-on', 'none']],
    ['audit', ['--behind', 'aws-alb', '--role', 'proxy', '--lb-idle-timeout', '350']],
    ['audit', ['--root', 'test/fixtures/hosts/x', '--format', 'json', '-o', 'r.json']],
    ['audit', ['-f', 'sarif', '-o', 'a.sarif', '-f', 'junit', '-o', 'b.xml', '--fail-on=error']],
    ['audit', ['--host', 'web1', '--host', 'deploy@web2:2222', '--concurrency', '32', '--sudo']],
    ['audit', ['--snapshot', 'web1.json', '--nginx-conf', '/etc/nginx/nginx.conf', '--probe', '--probe-timeout', '5']],
    ['check', ['deploy/']],
    ['check', ['deploy/', 'gunicorn.conf.py', '--behind', 'aws-alb']],
    ['check', ['-f', 'sarif', 'deploy/', '-o', 'x.sarif', '--map', '/etc/nginx=deploy/nginx']],
    ['check', ['conf/site.conf', '--kind', 'nginx', '--nginx-version', '1.30.0', '--max-file-size', '64MiB', '--nginx-test']],
    ['check', ['.', '--rules', 'my-rules', '--config', 'x.yaml', '--since', '24h', '--skip-unknown', '--baseline', 'b.json']],
  ]
  it.each(common)('%s %j: read without oclif, as oclif reads it', async (id, argv) => {
    const got = fast(id, argv)
    expect(got).not.toBeNull()
    expect(await viaOclif(id, argv)).toEqual(got)
  })

  const declined: Array<[Id, string[]]> = [
    ['audit', ['--json']],
    ['audit', ['--help']],
    ['audit', ['-h']],
    ['audit', ['--bogus']],
    ['audit', ['--no-probe']],
    ['audit', ['stray']],
    ['audit', ['--concurrency', '0']],
    ['audit', ['--concurrency', '257']],
    ['audit', ['--concurrency', '1e3']],
    ['audit', ['--format', 'xml']],
    ['audit', ['--snapshot', 'a.json', '--root', '/x']],
    ['audit', ['--nginx-conf', 'a.conf', 'b.conf']],
    ['audit', ['--fail-on']],
    ['audit', ['--root', '-x']],
    ['audit', ['--root', '']],
    ['audit', ['--behind', 'aws-alb', '--behind', 'none']],
    ['audit', ['--probe=yes']],
    ['audit', ['-fjson']],
    ['check', []],
    ['check', ['--', 'x']],
    ['check', ['-']],
    ['check', ['x', '--json']],
    // oclif hands every later word to the last greedy multiple flag, even past a boolean.
    ['check', ['x', '--map', '/etc/nginx=n', 'y']],
    ['check', ['x', '--map', '/etc/nginx=n', '--nginx-test', 'y']],
  ]
  it.each(declined)('%s %j: left to oclif', (id, argv) => {
    expect(fast(id, argv)).toBeNull()
  })

  it('leaves greedy flags to oclif because oclif reads them greedily', async () => {
    expect(await viaOclif('check', ['x', '--map', '/etc/nginx=n', '--nginx-test', 'y'])).toMatchObject({flags: {map: ['/etc/nginx=n', 'y']}, argv: ['x']})
  })

  it('orders repeated paths as oclif does', async () => {
    const argv = ['a.conf', 'deploy/', 'a.conf']
    expect(fast('check', argv)?.argv).toEqual(['a.conf', 'a.conf', 'deploy/'])
    expect(await viaOclif('check', argv)).toEqual(fast('check', argv))
  })

  it('agrees with oclif on generated command lines', async () => {
    const word = fc.constantFrom('deploy/', 'a.conf', 'x', '/etc/nginx', 'none', 'json', 'sarif', 'aws-alb', 'proxy', '0', '1', '16', '300', '3700', '99999', '-1', '', '24h', 'warning', 'nginx')
    const flagTok = (id: Id) => fc.constantFrom(...Object.keys(fastCommand(commands[id] as never).flags).map((n) => `--${n}`), '-f', '-o', '--json', '--nope', '--', '-x')
    const line = (id: Id) => fc.array(fc.oneof(flagTok(id), word, fc.tuple(flagTok(id), word).map(([f, w]) => `${f}=${w}`)), {maxLength: 8})
    let accepted = 0
    for (const id of ['audit', 'check'] as const) {
      await fc.assert(
        fc.asyncProperty(line(id), async (argv) => {
          const got = fast(id, argv)
          if (got === null) return
          accepted++
          expect(await viaOclif(id, argv)).toEqual(got)
        }),
        {numRuns: 1500, seed: 14},
      )
    }
    // Not vacuous: a good share of the generated lines take the fast path.
    expect(accepted).toBeGreaterThan(150)
  })
})
