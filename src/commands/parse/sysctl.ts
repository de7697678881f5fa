import {Args} from '@oclif/core'
import {BaseCommand} from '../../cli/base.js'
import {escapeTerminal} from '../../text/escape.js'
import {EXIT, UserError} from '../../errors.js'

export default class ParseSysctl extends BaseCommand {
  static summary = 'Show the assignments conntune reads from a sysctl.conf / sysctl.d file'
  static args = {file: Args.string({description: 'A sysctl.conf or sysctl.d/*.conf file', required: true})}

  async run(): Promise<unknown> {
    const {args} = await this.parse(ParseSysctl)
    const [{readTextOrThrow}, {LIMITS}, {parseSysctlConf}] = await Promise.all([import('../../sources/read-regular.js'), import('../../snapshot/kernel-keys.js'), import('../../parsers/sysctl/index.js')])
    const text = readTextOrThrow(args.file, LIMITS.configBytes)
    if (text.includes('\0')) throw new UserError(`${args.file}: binary file, not a sysctl configuration`)
    const result = parseSysctlConf(text, args.file)
    this.finish(result.errors.length > 0 ? EXIT.incomplete : EXIT.ok)
    if (this.jsonEnabled()) return {file: args.file, entries: result.value.entries, errors: result.errors.map((e) => e.toJSON())}
    for (const e of result.value.entries) this.log(`${escapeTerminal(`${args.file}:${e.line}  ${e.key} = ${e.value}`)}${e.glob ? '  (glob)' : ''}${e.ignoreFailure ? '  (failure ignored)' : ''}`)
    for (const e of result.errors) process.stderr.write(`${escapeTerminal(e.toString())}\n`)
    return undefined
  }
}
