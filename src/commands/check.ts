import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../cli/base.js'
import {modelFlags, reportFlags} from '../cli/flags.js'
import {CONFIG_KINDS} from '../sources/files.js'

export default class Check extends BaseCommand {
  static summary = 'Check configuration files in a repository (nginx, lighttpd, gunicorn, sysctl), no host needed'
  static description = `Each file's kind is detected by its name and content (--kind forces one). Directories are searched (skipping .git, node_modules, virtualenvs). nginx and lighttpd files that no other checked file includes are entry points; their includes are followed relative to them. The kernel side is judged from sysctl files alone.

Nothing outside the checked tree is read: the directory conntune runs in and the paths named. A symlink that leads out of it is skipped (and listed); an absolute include (include /etc/nginx/mime.types) is read only where --map PREFIX=DIR or --root DIR places it, and otherwise reported as not read.

Exit codes as for audit: 0 clean, 1 findings at or above --fail-on, 2 invalid input, 3 a file could not be parsed.`
  static examples = ['<%= config.bin %> check deploy/', '<%= config.bin %> check nginx/nginx.conf gunicorn.conf.py --behind aws-alb', '<%= config.bin %> check conf/site.conf --kind nginx --nginx-version 1.30.0', '<%= config.bin %> check deploy/ --map /etc/nginx=deploy/nginx']
  static strict = false
  static args = {paths: Args.string({description: 'Files or directories', required: true})}
  static flags = {
    kind: Flags.string({description: 'Treat every named file as this kind', options: [...CONFIG_KINDS]}),
    'skip-unknown': Flags.boolean({description: 'Skip named files whose kind cannot be told (pre-commit passes every changed file)'}),
    root: Flags.string({description: 'Read absolute paths the configs name (include /etc/nginx/…) under DIR, as a host image', helpValue: 'DIR'}),
    map: Flags.string({description: 'Read absolute paths under PREFIX from DIR in the checkout (repeatable; also map: in .conntune.yaml)', multiple: true, helpValue: 'PREFIX=DIR'}),
    'max-file-size': Flags.string({description: 'Read files up to SIZE each (default 4MiB, at most 1GiB), for generated configs larger than that', helpValue: 'SIZE'}),
    'nginx-test': Flags.boolean({description: 'Also run the installed nginx -t on a staged copy of the nginx files read (logs, temp paths and certificates inside the copy, load_module left out); a refusal is exit 2'}),
    ...modelFlags,
    ...reportFlags,
  }

  async run(): Promise<unknown> {
    const {argv, flags} = await this.parse(Check)
    const {runCheck} = await import('../cli/run-check.js')
    return runCheck(argv as string[], flags, {argv: this.argv, version: this.config.version, json: this.jsonEnabled()})
  }
}
