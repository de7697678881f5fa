// Hosts over SSH → snapshots, for commands: targets from --host and --inventory, read by the
// fleet runner with a concurrency limit. Failed hosts come back as results, not exceptions.
import type {FleetResult} from './fleet.js'
import {UserError} from '../errors.js'
import type {SshTarget} from './ssh.js'
import {append} from '../append.js'

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
  if (opts.inventory) append(targets, inventoryTargets(await readInventory(opts.inventory), opts.limit))
  return distinctTargets(targets)
}

/**
 * The name is the host's identity in reports and snapshot files, so it must be printable and
 * name one host: the same host given twice is read once; one name for two hosts is an error.
 */
export function distinctTargets(targets: SshTarget[]): SshTarget[] {
  const byName = new Map<string, SshTarget>()
  for (const t of targets) {
    if (/[\x00-\x1f\x7f]/.test(t.label)) throw new UserError(`host name ${JSON.stringify(t.label)}: control characters are not allowed`)
    const seen = byName.get(t.label)
    if (!seen) byName.set(t.label, t)
    else if (seen.host !== t.host || seen.user !== t.user || seen.port !== t.port) {
      throw new UserError(`host name ${JSON.stringify(t.label)} is given for two different hosts (${describe(seen)} and ${describe(t)}); names must be unique`)
    }
  }
  return [...byName.values()]
}

const describe = (t: SshTarget) => `${t.user ? `${t.user}@` : ''}${t.host}${t.port !== undefined ? `:${t.port}` : ''}`

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
