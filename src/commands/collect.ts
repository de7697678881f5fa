import {Flags} from '@oclif/core'
import {BaseCommand} from '../cli/base.js'
import {namedConfigs, sourceFlags} from '../cli/flags.js'

export default class Collect extends BaseCommand {
  static summary = 'Write a snapshot of this host for auditing later or elsewhere'
  static description = 'The snapshot holds raw /proc values and file texts (no analysis), validated against the shipped JSON Schema. `conntune audit --snapshot FILE` gives the findings a live audit of that host gives.'
  static examples = ['<%= config.bin %> collect -o web1.json', '<%= config.bin %> collect --root /mnt/web1 -o web1.json']
  static flags = {
    root: Flags.string({description: 'Collect from the host tree under DIR instead of /', default: '/', helpValue: 'DIR'}),
    'nginx-conf': sourceFlags['nginx-conf'],
    'lighttpd-conf': sourceFlags['lighttpd-conf'],
    'gunicorn-conf': sourceFlags['gunicorn-conf'],
    output: Flags.string({char: 'o', description: 'Write the snapshot to FILE (default: stdout)', helpValue: 'FILE'}),
  }

  async run(): Promise<unknown> {
    const {flags} = await this.parse(Collect)
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
}
