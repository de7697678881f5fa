// `conntune audit` and `conntune check` without loading oclif (≈ 65 ms of a 200 ms run: its
// import and config load). bin/run.js calls this first for those two commands; false means
// "not certain", and oclif runs the command as always. See cli/fast-argv.ts.
import {readFileSync} from 'node:fs'
import {exitOnFailure} from './fail.js'
import {parseFastArgv, type FastCommand, type FastParse} from './fast-argv.js'
import type {RunContext} from './run-audit.js'

interface FastTable {
  version: string
  commands: Record<string, FastCommand>
}

type Runner = (parsed: FastParse, run: RunContext) => Promise<unknown>

/** The commands that can run without oclif (scripts/build.js writes their flags; bin/run.js names them too). */
const RUNNERS: Record<string, Runner> = {
  audit: async (p, run) => (await import('./run-audit.js')).runAudit(p.flags, run),
  check: async (p, run) => (await import('./run-check.js')).runCheck(p.argv, p.flags, run),
}
export const FAST_COMMANDS = Object.keys(RUNNERS)

export async function runFast(argv: string[], table: FastTable | null = readTable()): Promise<boolean> {
  if (!table) return false
  const [id, ...rest] = argv
  const cmd = id && Object.hasOwn(table.commands, id) ? table.commands[id] : undefined
  const runner = id && Object.hasOwn(RUNNERS, id) ? RUNNERS[id] : undefined
  // oclif's own: CONNTUNE_CONTENT_TYPE=json turns on --json; a missing working directory warns.
  if (!cmd || !runner || process.env.CONNTUNE_CONTENT_TYPE !== undefined || !cwdExists()) return false
  const parsed = parseFastArgv(rest, cmd)
  if (!parsed) return false
  // As oclif's commands do: a reader that goes away (| head) is not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err
  })
  const run = {argv: rest, version: table.version, json: false}
  try {
    await runner(parsed, run)
  } catch (error) {
    exitOnFailure(error as Error)
  }
  return true
}

/** dist/bundle/cli/fast.cjs → dist/fast-flags.json, written by scripts/build.js; none: oclif runs. */
function readTable(): FastTable | null {
  try {
    return JSON.parse(readFileSync(new URL('../../fast-flags.json', import.meta.url), 'utf8')) as FastTable
  } catch {
    return null
  }
}

function cwdExists(): boolean {
  try {
    process.cwd()
    return true
  } catch {
    return false
  }
}
