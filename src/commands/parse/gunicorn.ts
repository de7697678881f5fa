import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base.js'
import {escapeTerminal} from '../../text/escape.js'
import {EXIT, UserError} from '../../errors.js'
import {writeJson} from '../../cli/json-out.js'

export default class ParseGunicorn extends BaseCommand {
  static summary = 'Show the gunicorn settings conntune reads from a gunicorn.conf.py, systemd unit, Procfile or Dockerfile'
  static description = 'gunicorn.conf.py is read statically: literal values and simple arithmetic; anything else is listed as unresolved (default assumed), never executed.'
  static args = {file: Args.string({description: 'gunicorn.conf.py, *.service, Procfile or Dockerfile', required: true})}
  static flags = {'gunicorn-version': Flags.string({description: 'Settings and defaults of this gunicorn release', helpValue: 'X.Y.Z'})}

  async run(): Promise<unknown> {
    const {args, flags} = await this.parse(ParseGunicorn)
    const [{resolve, basename}, g, {FsFileReader}] = await Promise.all([import('node:path'), import('../../parsers/gunicorn/index.js'), import('../../sources/fs-reader.js')])
    const path = resolve(args.file)
    const reader = new FsFileReader()
    const read = reader.read(path)
    if ('error' in read) throw new UserError(`${args.file}: cannot read: ${read.error}`)
    const version = flags['gunicorn-version']
    const name = basename(path)
    const invs = name.endsWith('.service')
      ? g.gunicornFromSystemdUnit(read.text, path, {reader})
      : /^Procfile/.test(name)
        ? g.gunicornFromProcfile(read.text, path)
        : /^Dockerfile|\.dockerfile$|^Containerfile$/i.test(name)
          ? g.gunicornFromDockerfile(read.text, path)
          : null
    const results = invs
      ? invs.value.map((inv) => g.resolveInvocation(inv, {reader, ...(version ? {version} : {})}))
      : [g.resolveGunicorn({configFile: {path, text: read.text}, ...(version ? {version} : {})})]
    const errors = [...(invs?.errors ?? []), ...results.flatMap((r) => r.errors)]
    if (invs && invs.value.length === 0) throw new UserError(`${args.file}: no gunicorn command found`)
    this.finish(errors.some((e) => e.kind !== 'unresolved') ? EXIT.incomplete : EXIT.ok)
    for (const e of errors) process.stderr.write(`${escapeTerminal(e.toString())}${e.kind === 'unresolved' ? ' (unresolved)' : ''}\n`)
    const out = results.map((r) => ({app: r.value.app, worker: r.value.worker, configFile: r.value.configFile, sources: r.value.sources, settings: r.value.settings, unresolved: r.value.unresolved}))
    if (this.jsonEnabled()) return out
    writeJson(out)
    return undefined
  }
}
