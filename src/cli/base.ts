// Every command extends this: user errors become one line on stderr and their exit code;
// anything else is a bug, shown as one line too unless DEBUG=conntune* asks for the stack.
import {Command} from '@oclif/core'
import {UserError, EXIT} from '../errors.js'

export abstract class BaseCommand extends Command {
  static enableJsonFlag = true

  protected async catch(err: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<unknown> {
    if (err instanceof UserError) {
      process.stderr.write(`conntune: ${err.message}\n`)
      process.exit(err.exitCode)
    }
    // oclif's own errors (bad flags, exit()) carry their exit code and format themselves.
    if (err.oclif) return super.catch(err)
    const debug = /(^|,)conntune/.test(process.env.DEBUG ?? '')
    process.stderr.write(`conntune: internal error: ${err.message}${debug ? `\n${err.stack}` : ' (DEBUG=conntune* shows the stack)'}\n`)
    process.exit(EXIT.invalid)
  }

  /** Report-producing commands print their own JSON; exit codes still apply. */
  protected finish(exitCode: number): void {
    process.exitCode = exitCode
  }
}
