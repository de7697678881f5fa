// Hosts over SSH → snapshots, for commands: targets from --host and --inventory, read by the
// fleet runner with a concurrency limit. Failed hosts come back as results, not exceptions.
import type {FleetResult} from './fleet.js'
import type {SshTarget} from './ssh.js'

export interface RemoteOptions {
  hosts?: string[]
  inventory?: string
  limit?: string
  concurrency: number
  sudo?: boolean
  sshConfig?: string
  sshOptions?: string[]
  connectTimeout?: number
  toolVersion: string
}

export async function remoteTargets(opts: RemoteOptions): Promise<SshTarget[]> {
  const [{parseHostSpec, checkSshOption}, {readInventory, inventoryTargets}] = await Promise.all([import('./ssh.js'), import('./inventory.js')])
  for (const o of opts.sshOptions ?? []) checkSshOption(o)
  const targets = (opts.hosts ?? []).map((h) => parseHostSpec(h))
  if (opts.inventory) targets.push(...inventoryTargets(await readInventory(opts.inventory), opts.limit))
  return targets
}

export async function collectRemote(opts: RemoteOptions): Promise<FleetResult[]> {
  const targets = await remoteTargets(opts)
  const {runFleet} = await import('./fleet.js')
  return runFleet(targets, {
    toolVersion: opts.toolVersion,
    concurrency: opts.concurrency,
    sudo: opts.sudo,
    sshConfig: opts.sshConfig,
    sshOptions: opts.sshOptions,
    connectTimeout: opts.connectTimeout,
  })
}

export function remoteOptions(flags: Record<string, unknown>, toolVersion: string): RemoteOptions {
  return {
    hosts: flags.host as string[] | undefined,
    inventory: flags.inventory as string | undefined,
    limit: flags.limit as string | undefined,
    concurrency: (flags.concurrency as number | undefined) ?? 16,
    sudo: flags.sudo as boolean | undefined,
    sshConfig: flags['ssh-config'] as string | undefined,
    sshOptions: flags['ssh-option'] as string[] | undefined,
    connectTimeout: flags['connect-timeout'] as number | undefined,
    toolVersion,
  }
}
