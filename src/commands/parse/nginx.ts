import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base.js'
import {escapeTerminal} from '../../text/escape.js'
import {EXIT, UserError} from '../../errors.js'
import {writeJson} from '../../cli/json-out.js'

export default class ParseNginx extends BaseCommand {
  static summary = 'Show how conntune reads an nginx configuration (with its includes)'
  static description = 'Prints the tree (directives with file, line and column) or, with --format crossplane, the JSON payload `crossplane parse` prints. With --dump the input is `nginx -T` output. Exit 3 when a file has syntax errors (each is printed with file:line).'
  static examples = ['<%= config.bin %> parse nginx /etc/nginx/nginx.conf --format crossplane', 'nginx -T | <%= config.bin %> parse nginx - --dump']
  static args = {file: Args.string({description: 'nginx.conf (or - for standard input with --dump)', required: true})}
  static flags = {
    format: Flags.string({char: 'f', options: ['tree', 'crossplane'], default: 'tree', description: 'Output shape'}),
    dump: Flags.boolean({description: 'The input is `nginx -T` output'}),
    prefix: Flags.string({description: 'Directory relative include paths resolve against (default: the file\'s directory)', helpValue: 'DIR'}),
  }

  async run(): Promise<unknown> {
    const {args, flags} = await this.parse(ParseNginx)
    const [{readFileSync}, {resolve}, nginx, {FsFileReader}, {MemoryFileReader}, {FILE_BOUNDS, readTextOrThrow}] = await Promise.all([
      import('node:fs'),
      import('node:path'),
      import('../../parsers/nginx/index.js'),
      import('../../sources/fs-reader.js'),
      import('../../parsers/memory-reader.js'),
      import('../../sources/read-regular.js'),
    ])
    let result
    if (flags.dump) {
      let text: string
      try {
        // stdin is the caller's own pipe; a named file may be anything, so it is bounded.
        text = args.file === '-' ? readFileSync(0, 'utf8') : readTextOrThrow(args.file, FILE_BOUNDS.dump)
      } catch (error) {
        throw new UserError(`${args.file}: cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`)
      }
      const split = nginx.splitNginxDump(text, args.file)
      if (!split.value.entry) throw new UserError(`${args.file}: no "# configuration file PATH:" lines: not nginx -T output`)
      result = nginx.parseNginx(split.value.entry, new MemoryFileReader(split.value.files), flags.prefix ? {prefix: flags.prefix} : {})
      result.errors = [...split.errors, ...result.errors]
    } else {
      const entry = resolve(args.file)
      const reader = new FsFileReader()
      const first = reader.read(entry)
      if ('error' in first) throw new UserError(`${args.file}: cannot read: ${first.error}`)
      result = nginx.parseNginx(entry, reader, flags.prefix ? {prefix: resolve(flags.prefix)} : {})
    }
    this.finish(result.errors.length > 0 ? EXIT.incomplete : EXIT.ok)
    for (const e of result.errors) process.stderr.write(`${escapeTerminal(e.toString())}\n`)
    const out =
      flags.format === 'crossplane'
        ? nginx.toCrossplane(result)
        : {entry: result.value.entry, files: result.value.files.map((f) => ({file: f.file, status: f.status, errors: f.errors.map((e) => e.toJSON()), parsed: strip(f.parsed)}))}
    if (this.jsonEnabled()) return out
    writeJson(out)
    return undefined
  }
}

/** Source spans are for fixers; the printed tree keeps what people read. */
function strip(ds: Array<{directive: string; args: string[]; line: number; col: number; file: string; block?: unknown; includes?: number[]}>): unknown[] {
  return ds.map((d) => ({
    directive: d.directive,
    args: d.args,
    line: d.line,
    col: d.col,
    ...(d.includes ? {includes: d.includes} : {}),
    ...(d.block ? {block: strip(d.block as typeof ds)} : {}),
  }))
}
