import {Flags} from '@oclif/core'
import {BaseCommand} from '../cli/base.js'
import {escapeTerminal} from '../text/escape.js'
import {sourceFlags} from '../cli/flags.js'
import {namedConfigs, wantsSsh} from '../cli/flag-values.js'
import {sshFlags} from '../cli/ssh-flags.js'

export default class Collect extends BaseCommand {
  static summary = 'Write a snapshot of this host for auditing later or elsewhere'
  static description = 'The snapshot holds raw /proc values and file texts (no analysis), validated against the shipped JSON Schema. `conntune audit --snapshot FILE` gives the findings a live audit of that host gives.'
  static examples = [
    '<%= config.bin %> collect -o web1.json',
    '<%= config.bin %> collect --root /mnt/web1 -o web1.json',
    '<%= config.bin %> collect --inventory hosts.ini -o snapshots/   # one web1.json per host',
    '<%= config.bin %> collect --script > conntune-collect.sh       # for ansible -m script, Salt, a DaemonSet',
  ]
  static flags = {
    root: Flags.string({description: 'Collect from the host tree under DIR instead of /', default: '/', helpValue: 'DIR'}),
    'nginx-conf': sourceFlags['nginx-conf'],
    'lighttpd-conf': sourceFlags['lighttpd-conf'],
    'gunicorn-conf': sourceFlags['gunicorn-conf'],
    output: Flags.string({char: 'o', description: 'Write the snapshot to FILE (default: stdout); with --host/--inventory, a directory for one snapshot per host', helpValue: 'FILE|DIR'}),
    script: Flags.boolean({description: 'Print the POSIX sh collector instead (its output is accepted by audit --snapshot)'}),
    ...sshFlags,
  }

  async run(): Promise<unknown> {
    const {flags} = await this.parse(Collect)
    if (flags.script) {
      const {collectorScript} = await import('../sources/collector-script.js')
      process.stdout.write(collectorScript())
      return undefined
    }
    if (wantsSsh(flags)) return this.collectHosts(flags)
    const [{gatherSnapshots}, {validateSnapshot}, {writeFileAtomic}] = await Promise.all([
      import('../sources/index.js'),
      import('../snapshot/validate.js'),
      import('../cli/write.js'),
    ])
    const named = namedConfigs(flags)
    const [{snapshot}] = await gatherSnapshots({root: flags.root, toolVersion: this.config.version, ...(named.configs ? {configs: named.configs} : {})})
    const invalid = await validateSnapshot(snapshot)
    if (invalid) this.error(`collected snapshot does not match its schema: ${invalid}`, {exit: 2})
    if (this.jsonEnabled()) return snapshot
    const text = JSON.stringify(snapshot) + '\n'
    if (flags.output) writeFileAtomic(flags.output, text)
    else process.stdout.write(text)
    return undefined
  }

  /** One snapshot per host into a directory; unreachable hosts are listed and make it exit 3. */
  private async collectHosts(flags: Record<string, unknown>): Promise<unknown> {
    const [{collectRemote, remoteOptions}, {writeFileAtomic}, {mkdirSync}, {join}, {UserError, EXIT}] = await Promise.all([
      import('../sources/remote.js'),
      import('../cli/write.js'),
      import('node:fs'),
      import('node:path'),
      import('../errors.js'),
    ])
    const dir = flags.output as string | undefined
    if (!dir) throw new UserError('--host/--inventory: name a directory with --output DIR for the snapshots (one file per host)')
    mkdirSync(dir, {recursive: true})
    const fleet = await collectRemote(remoteOptions(flags, this.config.version))
    const {snapshotFileNames} = await import('../sources/snapshot-files.js')
    const fileNames = snapshotFileNames(fleet.map((r) => r.target.label))
    const written: string[] = []
    const failed: Array<{host: string; error: string}> = []
    const thisRun = new Set<string>()
    for (const [i, r] of fleet.entries()) {
      if (!r.ok) {
        failed.push({host: r.target.label, error: r.error})
        process.stderr.write(`conntune: ${escapeTerminal(`${r.target.label}: ${r.error}`)}\n`)
        continue
      }
      const file = join(dir, fileNames[i])
      // Never two hosts in one file: the names are distinct, and this guards it.
      if (thisRun.has(file)) throw new UserError(`${file}: would hold two hosts; not overwriting it`)
      thisRun.add(file)
      writeFileAtomic(file, JSON.stringify(r.snapshot) + '\n')
      written.push(file)
    }
    this.finish(failed.length > 0 ? EXIT.incomplete : EXIT.ok)
    if (this.jsonEnabled()) return {written, failed}
    this.log(`wrote ${written.length} snapshot${written.length === 1 ? '' : 's'} to ${dir}${failed.length ? `; ${failed.length} host${failed.length === 1 ? '' : 's'} unreachable` : ''}`)
    return undefined
  }
}
