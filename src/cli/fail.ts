// How a run that threw ends: a user error is one line and its exit code; anything else is a
// bug, one line too unless DEBUG=conntune* asks for the stack. Shared by the oclif commands
// (cli/base.ts) and the fast path (cli/fast.ts).
import {EXIT, UserError} from '../errors.js'
import {escapeTerminal} from '../text/escape.js'

export function exitOnFailure(err: Error): never {
  if (err instanceof UserError) {
    process.stderr.write(`conntune: ${escapeTerminal(err.message)}\n`)
    process.exit(err.exitCode)
  }
  const debug = /(^|,)conntune/.test(process.env.DEBUG ?? '')
  process.stderr.write(`conntune: internal error: ${escapeTerminal(err.message)}${debug ? `\n${err.stack}` : ' (DEBUG=conntune* shows the stack)'}\n`)
  process.exit(EXIT.invalid)
}
