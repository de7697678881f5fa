import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../cli/base.js'
import {emitReport, recordBaseline} from '../cli/output.js'
import {modelFlags, modelOptions, reportFlags} from '../cli/flags.js'
import {CONFIG_KINDS} from '../sources/files.js'

export default class Check extends BaseCommand {
  static summary = 'Check configuration files in a repository (nginx, lighttpd, gunicorn, sysctl), no host needed'
  static description = `Each file's kind is detected by its name and content (--kind forces one). Directories are searched (skipping .git, node_modules, virtualenvs). nginx and lighttpd files that no other checked file includes are entry points; their includes are followed relative to them. The kernel side is judged from sysctl files alone.

Exit codes as for audit: 0 clean, 1 findings at or above --fail-on, 2 invalid input, 3 a file could not be parsed.`
  static examples = ['<%= config.bin %> check deploy/', '<%= config.bin %> check nginx/nginx.conf gunicorn.conf.py --behind aws-alb', '<%= config.bin %> check conf/site.conf --kind nginx --nginx-version 1.30.0']
  static strict = false
  static args = {paths: Args.string({description: 'Files or directories', required: true})}
  static flags = {
    kind: Flags.string({description: 'Treat every named file as this kind', options: [...CONFIG_KINDS]}),
    'skip-unknown': Flags.boolean({description: 'Skip named files whose kind cannot be told (pre-commit passes every changed file)'}),
    ...modelFlags,
    ...reportFlags,
  }

  async run(): Promise<unknown> {
    const {argv, flags} = await this.parse(Check)
    const [{collectFiles}, {auditSnapshots, relativizeResult}, {prepareReport}] = await Promise.all([
      import('../sources/files.js'),
      import('../pipeline/audit.js'),
      import('../cli/report-setup.js'),
    ])
    const {rules, baseline, project} = await prepareReport(flags, this.argv, [...(argv as string[]), process.cwd()])
    const checked = collectFiles(argv as string[], {kind: flags.kind as never, skipUnknown: flags['skip-unknown'], toolVersion: this.config.version})
    const result = relativizeResult(
      auditSnapshots([{snapshot: checked.snapshot, source: 'files', entries: checked.entries, skipped: checked.skipped}], rules, {failOn: flags['fail-on'] as 'error' | 'warning' | 'info' | 'none', project, baseline, relativeTo: process.cwd(), ...modelOptions(flags)}),
      process.cwd(),
    )
    if (flags['write-baseline']) await recordBaseline(result, flags['write-baseline'])
    this.finish(result.exitCode)
    return emitReport(result, flags, {json: this.jsonEnabled(), version: this.config.version, rules, project, argv: this.argv, baseDir: process.cwd()})
  }
}
