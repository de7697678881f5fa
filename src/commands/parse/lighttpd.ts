import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base.js'
import {escapeTerminal} from '../../text/escape.js'
import {EXIT, UserError} from '../../errors.js'
import {writeJson} from '../../cli/json-out.js'

export default class ParseLighttpd extends BaseCommand {
  static summary = 'Show how conntune reads a lighttpd configuration: statements and effective settings'
  static description = 'include_shell is never run; it is listed as unresolved. Exit 3 when a file has syntax errors (printed with file:line:col).'
  static args = {file: Args.string({description: 'lighttpd.conf', required: true})}
  static flags = {
    'lighttpd-version': Flags.string({description: 'Grammar of this lighttpd version (else the newest)', helpValue: 'X.Y.Z'}),
    effective: Flags.boolean({description: 'Print only the effective settings (global and per conditional)'}),
  }

  async run(): Promise<unknown> {
    const {args, flags} = await this.parse(ParseLighttpd)
    const [{resolve}, {parseLighttpd, effectiveLighttpd}, {FsFileReader}] = await Promise.all([import('node:path'), import('../../parsers/lighttpd/index.js'), import('../../sources/fs-reader.js')])
    const entry = resolve(args.file)
    const reader = new FsFileReader()
    const first = reader.read(entry)
    if ('error' in first) throw new UserError(`${args.file}: cannot read: ${first.error}`)
    const r = parseLighttpd(entry, reader, flags['lighttpd-version'] ? {version: flags['lighttpd-version']} : {})
    const syntax = r.errors.filter((e) => e.kind !== 'unresolved')
    this.finish(syntax.length > 0 ? EXIT.incomplete : EXIT.ok)
    for (const e of r.errors) process.stderr.write(`${escapeTerminal(e.toString())}${e.kind === 'unresolved' ? ' (unresolved)' : ''}\n`)
    const out = flags.effective ? effectiveLighttpd(r.value) : {...r.value, effective: effectiveLighttpd(r.value)}
    if (this.jsonEnabled()) return out
    writeJson(out)
    return undefined
  }
}
