// Flags for reading hosts over SSH (audit, collect).
import {Flags} from '@oclif/core'

export const sshFlags = {
  host: Flags.string({description: 'Audit [user@]host[:port] over SSH (repeatable); ~/.ssh/config aliases, ProxyJump and agents work as with ssh', multiple: true, helpValue: 'HOST'}),
  inventory: Flags.string({description: 'Hosts from an Ansible INI or YAML inventory, or one host per line', helpValue: 'FILE'}),
  limit: Flags.string({description: 'Only these inventory groups or hosts (comma- or colon-separated)', helpValue: 'GROUP'}),
  concurrency: Flags.integer({description: 'Hosts read at once', default: 16, min: 1, max: 256}),
  sudo: Flags.boolean({description: 'Run the remote collector as root with `sudo -n` (never prompts)'}),
  'ssh-config': Flags.string({description: 'ssh -F FILE', helpValue: 'FILE'}),
  'ssh-option': Flags.string({description: 'ssh -o KEY=VALUE (repeatable); host-key checking cannot be turned off', multiple: true, helpValue: 'KEY=VALUE'}),
  'connect-timeout': Flags.integer({description: 'ssh ConnectTimeout, seconds', default: 10, min: 1}),
}
