// Every command extends this: user errors become one line on stderr and their exit code;
// anything else is a bug, shown as one line too unless DEBUG=conntune* asks for the stack.
import {Command} from '@oclif/core'
import {UserError, EXIT} from '../errors.js'
import {writeJson} from './json-out.js'

export abstract class BaseCommand extends Command {
  static enableJsonFlag = true

  protected async catch(err: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<unknown> {
    if (err instanceof UserError) {
      process.stderr.write(`conntune: ${err.message}\n`)
      process.exit(err.exitCode)
    }
    // A bad flag or argument under --json: oclif would print its whole parser state as JSON
    // and exit 1; CI reads stdout, so it gets one short JSON error and the invocation exit code.
    if (err.oclif && (err.oclif.exit ?? 0) !== 0 && this.wantsJson()) {
      const message = err.message.split('\n')[0]!.replace(/\s+/g, ' ').trim().slice(0, 500)
      process.stdout.write(`${JSON.stringify({error: {message, exitCode: EXIT.invalid}})}\n`)
      process.exit(EXIT.invalid)
    }
    // oclif's own errors (bad flags, exit()) carry their exit code and format themselves.
    if (err.oclif) return super.catch(err)
    const debug = /(^|,)conntune/.test(process.env.DEBUG ?? '')
    process.stderr.write(`conntune: internal error: ${err.message}${debug ? `\n${err.stack}` : ' (DEBUG=conntune* shows the stack)'}\n`)
    process.exit(EXIT.invalid)
  }

  /** --json, or JSON on stdout by --format json / -f json / --format=json (flags before `--`). */
  private wantsJson(): boolean {
    if (this.jsonEnabled()) return true
    const argv = this.argv.slice(0, this.argv.includes('--') ? this.argv.indexOf('--') : undefined)
    return argv.some((a, i) => /^(--format|-f)=?json$/.test(a) || (/^(--format|-f)$/.test(a) && argv[i + 1] === 'json'))
  }

  /** --json output, written in pieces (oclif's own colorizes the whole text token by token). */
  logJson(json: unknown): void {
    writeJson(json)
  }

  /** Report-producing commands print their own JSON; exit codes still apply. */
  protected finish(exitCode: number): void {
    process.exitCode = exitCode
  }
}
