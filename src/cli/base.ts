// Every command extends this: a thrown error ends the run as cli/fail.ts says; oclif's own
// (a bad flag) become one line as well.
import {Command} from '@oclif/core'
import {UserError} from '../errors.js'
import {exitOnFailure} from './fail.js'
import {nearest} from '../text/nearest.js'
import {argvWantsJson, invocationError} from './invocation-error.js'
import {writeJson} from './json-out.js'

export abstract class BaseCommand extends Command {
  static enableJsonFlag = true

  protected async catch(err: Error & {exitCode?: number; oclif?: {exit?: number}; flags?: unknown}): Promise<unknown> {
    if (err instanceof UserError) exitOnFailure(err)
    // A flag that does not exist (oclif's NonExistentFlagsError): one line naming it and the
    // nearest real flag, instead of the whole help text.
    if (err.oclif && Array.isArray(err.flags) && err.flags.length > 0) {
      invocationError(`${err.message.split('\n')[0]}${this.flagHint(err.flags as string[])} (conntune ${this.id?.replaceAll(':', ' ') ?? ''} --help lists the flags)`.replace(/ {2,}/g, ' '), this.wantsJson())
    }
    // A bad flag or argument under --json: oclif would print its whole parser state as JSON
    // and exit 1; CI reads stdout, so it gets one short JSON error and the invocation exit code.
    if (err.oclif && (err.oclif.exit ?? 0) !== 0 && this.wantsJson()) invocationError(err.message, true)
    // oclif's own errors (bad flags, exit()) carry their exit code and format themselves.
    if (err.oclif) return super.catch(err)
    exitOnFailure(err)
  }

  /** "; did you mean --format?" for the first unknown flag that is near a real one. */
  private flagHint(unknown: string[]): string {
    const flags = {...this.ctor.baseFlags, ...this.ctor.flags} as Record<string, {char?: string; hidden?: boolean; aliases?: string[]}>
    const names = Object.entries(flags)
      .filter(([, f]) => !f.hidden)
      .flatMap(([name, f]) => [`--${name}`, ...(f.aliases ?? []).map((a) => `--${a}`)])
    names.push('--help', ...(this.ctor.enableJsonFlag ? ['--json'] : []))
    for (const given of unknown) {
      const flag = given.split('=')[0]!
      if (!flag.startsWith('--')) continue
      const near = nearest(flag, names)
      if (near) return `; did you mean ${near}?`
    }
    return ''
  }

  /** --json, or JSON on stdout by --format json / -f json / --format=json (flags before `--`). */
  private wantsJson(): boolean {
    return this.jsonEnabled() || argvWantsJson(this.argv)
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
