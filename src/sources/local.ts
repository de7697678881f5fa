// The local source: this host (or a host tree under --root) → Snapshot. Reads only; a
// missing sysctl is "absent" (the kernel has no such key), an unreadable one is an error.
// Server configs are captured as raw text; the servers' own -T/-V output only on the live host.
import {posix} from 'node:path'
import {LIMITS, PROC_FILES, SYSCTL_CONF, SYSCTL_DIRS, SYSCTL_KEYS} from '../snapshot/kernel-keys.js'
import {SNAPSHOT_FORMAT, SNAPSHOT_VERSION, type CapturedCommand, type CapturedSysctl, type Snapshot} from '../snapshot/types.js'
import {captureConfigs, followIncludes} from './capture-configs.js'
import {collectLogs} from './logs.js'
import {nginxConfPath, runCommands} from './commands.js'
import {RootFs} from './rootfs.js'

export interface LocalOptions {
  root: string
  toolVersion: string
  /** Config files named on the command line (--nginx-conf…), captured with their includes. */
  configs?: {nginx?: string[]; lighttpd?: string[]; gunicorn?: string[]}
  /** Read nginx's logs as evidence (default true). */
  logs?: boolean
}

export async function collectLocal(opts: LocalOptions): Promise<Snapshot> {
  const fs = new RootFs(opts.root)
  // The servers' own -V/-T run while /proc is read. An image under --root is never executed.
  // With --nginx-conf, nginx -T (which reads nginx's own default config) is not what is audited.
  const commandsDone = opts.root === '/' ? runCommands({skipNginxDump: (opts.configs?.nginx?.length ?? 0) > 0}) : Promise.resolve({})

  const sysctl: Record<string, CapturedSysctl> = {}
  for (const key of SYSCTL_KEYS) {
    const f = fs.readFile(`/proc/sys/${key.replaceAll('.', '/')}`, 64 * 1024)
    if (f.text !== undefined) sysctl[key] = {value: f.text.trim()}
    else if (f.error === 'ENOENT') sysctl[key] = {absent: true}
    else sysctl[key] = {error: f.error ?? 'EIO'}
  }

  const release = fs.readFile('/proc/sys/kernel/osrelease', 4096)
  const hostname = fs.readFile('/proc/sys/kernel/hostname', 4096)

  const proc: Snapshot['proc'] = {}
  for (const p of PROC_FILES) proc[p] = fs.readFile(`/proc/${p}`, LIMITS.procBytes)

  const dirs: Snapshot['dirs'] = {}
  const files: Snapshot['files'] = {}
  for (const dir of SYSCTL_DIRS) {
    const listing = fs.listDir(dir)
    if (listing.error === 'ENOENT') continue
    dirs[dir] = listing
    for (const name of listing.entries ?? []) {
      if (!name.endsWith('.conf')) continue
      files[posix.join(dir, name)] = fs.readFile(posix.join(dir, name), LIMITS.configBytes)
    }
  }
  const conf = fs.readFile(SYSCTL_CONF, LIMITS.configBytes)
  if (conf.error !== 'ENOENT') files[SYSCTL_CONF] = conf

  const commands: Record<string, CapturedCommand> = await commandsDone
  captureConfigs(fs, {files, dirs}, {nginxConfPath: nginxConfPath(commands['nginx -V'])})
  for (const kind of ['nginx', 'lighttpd'] as const) {
    for (const path of opts.configs?.[kind] ?? []) {
      files[path] = fs.readFile(path, LIMITS.configBytes)
      followIncludes(fs, {files, dirs}, kind, path)
    }
  }
  for (const path of opts.configs?.gunicorn ?? []) files[path] = fs.readFile(path, LIMITS.configBytes)

  const c = opts.configs
  const named =
    c && (c.nginx?.length || c.lighttpd?.length || c.gunicorn?.length)
      ? {...(c.nginx?.length ? {nginx: c.nginx} : {}), ...(c.lighttpd?.length ? {lighttpd: c.lighttpd} : {}), ...(c.gunicorn?.length ? {gunicornConf: c.gunicorn} : {})}
      : undefined
  const name = hostname.text?.trim() || 'localhost'
  const now = new Date()
  const logs = opts.logs === false ? undefined : collectLogs(fs, {files, commands, ...(named ? {entries: named} : {})}, now)
  return {
    format: SNAPSHOT_FORMAT,
    version: SNAPSHOT_VERSION,
    collector: {tool: 'conntune', version: opts.toolVersion, source: 'local'},
    collectedAt: now.toISOString(),
    host: opts.root === '/' ? {name} : {name, root: opts.root},
    kernel: release.text !== undefined ? {release: release.text.trim()} : {release: null, error: release.error ?? 'EIO'},
    sysctl,
    proc,
    files,
    dirs,
    ...(Object.keys(commands).length > 0 ? {commands} : {}),
    ...(named ? {entries: named} : {}),
    ...(logs ? {logs} : {}),
  }
}
