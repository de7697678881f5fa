import {BaseCommand} from '../cli/base.js'
import {sshFlags} from '../cli/ssh-flags.js'
import {Flags} from '@oclif/core'
import {modelFlags, reportFlags, sourceFlags} from '../cli/flags.js'

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
    const {runAudit} = await import('../cli/run-audit.js')
    return runAudit(flags, {argv: this.argv, version: this.config.version, json: this.jsonEnabled()})
  }
}
