// Sources produce Snapshots and nothing else.
import {statSync} from 'node:fs'
import {UserError} from '../errors.js'
import type {HostModel} from '../model/types.js'
import type {Snapshot} from '../snapshot/types.js'
import {collectLocal} from './local.js'
import {readSnapshotFile} from './snapshot-file.js'

export interface SourceOptions {
  root?: string
  configs?: {nginx?: string[]; lighttpd?: string[]; gunicorn?: string[]}
  snapshots?: string[]
  toolVersion: string
}

export function checkRoot(root: string): void {
  let isDir = false
  try {
    isDir = statSync(root).isDirectory()
  } catch (error) {
    throw new UserError(`--root ${root}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such directory' : (error as Error).message}`)
  }
  if (!isDir) throw new UserError(`--root ${root}: not a directory`)
}

export async function gatherSnapshots(opts: SourceOptions): Promise<Array<{snapshot: Snapshot; source: HostModel['source']}>> {
  /** Discovery entries for the kinds named with --*-conf (the others are discovered). */
  if (opts.snapshots && opts.snapshots.length > 0) {
    const out = []
    for (const f of opts.snapshots) out.push({snapshot: await readSnapshotFile(f, opts.toolVersion), source: 'snapshot' as const})
    return out
  }
  const root = opts.root ?? '/'
  checkRoot(root)
  return [{snapshot: await collectLocal({root, toolVersion: opts.toolVersion, ...(opts.configs ? {configs: opts.configs} : {})}), source: 'local'}]
}
