import {BaseCommand} from '../cli/base.js'
import {emitReport} from '../cli/output.js'
import {modelFlags, modelOptions, namedConfigs, reportFlags, sourceFlags} from '../cli/flags.js'

export default class Audit extends BaseCommand {
  static summary = 'Audit this host (or snapshots of others): kernel TCP settings, sockets, and nginx, lighttpd and gunicorn keep-alive'
  static description = `Reads /proc, the persisted sysctl files and the servers' configuration (nginx -T when nginx is installed), runs the rules, and reports findings with evidence and fixes.

Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it; 2 invalid input (flag, file, rule); 3 the audit is incomplete (an unreadable file) and nothing else failed it.`
  static examples = [
    '<%= config.bin %> audit',
    '<%= config.bin %> audit --role proxy --behind aws-nlb',
    '<%= config.bin %> audit --snapshot web1.json --format json',
    '<%= config.bin %> audit --root test/fixtures/hosts/proxy-tw-pressure',
  ]
  static flags = {...sourceFlags, ...modelFlags, ...reportFlags}

  async run(): Promise<unknown> {
    const {flags} = await this.parse(Audit)
    const [{gatherSnapshots}, {loadRules}, {auditSnapshots}] = await Promise.all([
      import('../sources/index.js'),
      import('../rules/load.js'),
      import('../pipeline/audit.js'),
    ])
    const rules = await loadRules(flags.rules ?? [])
    const {loadProject} = await import('../config/project.js')
    const project = await loadProject({explicit: flags.config, searchFrom: [process.cwd()]})
    const named = namedConfigs(flags)
    const snapshots = (await gatherSnapshots({root: flags.root, snapshots: flags.snapshot, toolVersion: this.config.version, ...(named.configs ? {configs: named.configs} : {})}))
    const result = auditSnapshots(snapshots, rules, {failOn: flags['fail-on'] as 'error' | 'warning' | 'info' | 'none', project, ...modelOptions(flags)})
    this.finish(result.exitCode)
    return emitReport(result, flags, {json: this.jsonEnabled(), version: this.config.version})
  }
}
