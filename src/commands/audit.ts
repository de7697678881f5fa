import {BaseCommand} from '../cli/base.js'
import {escapeTerminal} from '../text/escape.js'
import {sshFlags, wantsSsh} from '../cli/ssh-flags.js'
import {emitReport, recordBaseline} from '../cli/output.js'
import {Flags} from '@oclif/core'
import {modelFlags, modelOptions, namedConfigs, reportFlags, sourceFlags} from '../cli/flags.js'

export default class Audit extends BaseCommand {
  static summary = 'Audit this host (or snapshots of others): kernel TCP settings, sockets, and nginx, lighttpd and gunicorn keep-alive'
  static description = `Reads /proc, the persisted sysctl files and the servers' configuration (nginx -T when nginx is installed), runs the rules, and reports findings with evidence and fixes.

Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it; 2 invalid input (flag, file, rule); 3 the audit is incomplete (an unreadable file) and nothing else failed it.`
  static examples = [
    '<%= config.bin %> audit',
    '<%= config.bin %> audit --role proxy --behind aws-nlb',
    '<%= config.bin %> audit --snapshot web1.json --format json',
    '<%= config.bin %> audit --host web1 --host deploy@web2:2222 --behind aws-alb',
    '<%= config.bin %> audit --inventory hosts.ini --limit web --concurrency 32 --format json -o fleet.json',
    '<%= config.bin %> audit --root test/fixtures/hosts/proxy-tw-pressure',
  ]
  static flags = {
    ...sourceFlags,
    ...sshFlags,
    ...modelFlags,
    ...reportFlags,
    probe: Flags.boolean({description: "Measure the idle timeout of backends conntune has no config for (this host only; loopback/private addresses and unix sockets; one connection each)"}),
    'probe-timeout': Flags.integer({description: 'Bound on each --probe connection, in seconds', default: 90, min: 1, max: 3700, helpValue: 'S'}),
  }

  async run(): Promise<unknown> {
    const {flags} = await this.parse(Audit)
    const [{gatherSnapshots}, {auditSnapshots}, {prepareReport}] = await Promise.all([
      import('../sources/index.js'),
      import('../pipeline/audit.js'),
      import('../cli/report-setup.js'),
    ])
    const {rules, baseline, project} = await prepareReport(flags, this.argv, [process.cwd()])
    const named = namedConfigs(flags)
    const opts = {failOn: flags['fail-on'] as 'error' | 'warning' | 'info' | 'none', project, baseline, ...modelOptions(flags)}
    let result
    if (wantsSsh(flags)) {
      const [{collectRemote, remoteOptions}, {withFailedHosts}] = await Promise.all([import('../sources/remote.js'), import('../sources/fleet.js')])
      const fleet = await collectRemote(remoteOptions(flags, this.config.version))
      const read = fleet.flatMap((r) => (r.ok ? [{snapshot: r.snapshot, source: 'ssh' as const}] : []))
      result = withFailedHosts(auditSnapshots(read, rules, opts), fleet)
    } else {
      const snapshots = await gatherSnapshots({root: flags.root, snapshots: flags.snapshot, toolVersion: this.config.version, ...(named.configs ? {configs: named.configs} : {})})
      let measured = {}
      if (flags.probe) {
        const {UserError} = await import('../errors.js')
        // A snapshot's or a --root tree's addresses are not this machine's to connect to.
        if (flags.snapshot?.length || flags.root !== '/') throw new UserError('--probe measures backends from this host: it cannot be combined with --snapshot or --root')
        const {probeUnknownBackends} = await import('../probe/backends.js')
        const r = await probeUnknownBackends(snapshots[0].snapshot, {...opts, source: 'local'}, {timeoutSeconds: flags['probe-timeout']})
        for (const n of r.notes) process.stderr.write(`conntune: ${escapeTerminal(n)}\n`)
        measured = {measured: r.measured}
      }
      result = auditSnapshots(snapshots, rules, {...opts, ...measured})
    }
    if (flags['write-baseline']) await recordBaseline(result, flags['write-baseline'])
    this.finish(result.exitCode)
    return emitReport(result, flags, {json: this.jsonEnabled(), version: this.config.version, rules, project, argv: this.argv, baseDir: process.cwd()})
  }
}
