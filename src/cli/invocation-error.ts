// A bad invocation (unknown command or flag, bad value) is exit 2 and one line: on stderr for
// people, or as short JSON on stdout when the run asked for JSON (CI reads stdout).
import {EXIT} from '../errors.js'
import {escapeTerminal} from '../text/escape.js'

/** --json, or JSON on stdout by --format json / -f json / --format=json (flags before `--`). */
export function argvWantsJson(all: readonly string[]): boolean {
  const argv = all.slice(0, all.includes('--') ? all.indexOf('--') : undefined)
  return argv.some((a, i) => a === '--json' || /^(--format|-f)=?json$/.test(a) || (/^(--format|-f)$/.test(a) && argv[i + 1] === 'json'))
}

export function invocationError(message: string, json: boolean): never {
  const one = escapeTerminal(message.split('\n')[0]!).replace(/\s+/g, ' ').trim().slice(0, 500)
  if (json) process.stdout.write(`${JSON.stringify({error: {message: one, exitCode: EXIT.invalid}})}\n`)
  else process.stderr.write(`conntune: ${one}\n`)
  process.exit(EXIT.invalid)
}
