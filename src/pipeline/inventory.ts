// What conntune read and judged on one host, from its model: a report of "no findings" means
// something only next to this list (an nginx that was never found has no findings either).
// Computed here so every format shows the same inventory; reporters only render it.
import type {HostModel, SysctlSetting} from '../model/types.js'

export interface ServerRead {
  kind: 'nginx' | 'lighttpd' | 'gunicorn'
  /** The entry file (nginx, lighttpd) or the unit/Procfile/config that runs the app (gunicorn). */
  name: string
  /** null: not known (gunicorn's version is not read). */
  version: string | null
  versionSource: string | null
  files: string[]
  /** What was counted in those files: server blocks, locations, binds… (only non-zero counts for apps). */
  counts: Record<string, number>
}

export interface ReadInventory {
  kernel: {
    release: string | null
    /** /proc/sys was read (a live host or a snapshot of one). */
    runtime: boolean
    /** The sysctl.d(5) files read, in the order boot applies them. */
    sysctlFiles: string[]
    /** How many of the settings judged a sysctl.d file sets (at boot; the runtime value may differ). */
    setInFiles: number
    /** How many of the settings judged came from where (SysctlSetting.source). */
    settings: Record<SysctlSetting['source'], number>
    /** The settings judged at their kernel default (neither observed nor set in a file). */
    defaults: string[]
  }
  servers: ServerRead[]
  sockets: {observed: boolean; total: number; listeningPorts: number; timeWait: number}
  logs: {files: number; read: number; notes: string[]}
  /** Files found in the directories named and not checked, and why. */
  skipped: Array<{file: string; reason: string}>
}

export function readInventory(model: HostModel, skipped: Array<{file: string; reason: string}> = []): ReadInventory {
  const settings: ReadInventory['kernel']['settings'] = {runtime: 0, persisted: 0, default: 0, unknown: 0}
  const defaults: string[] = []
  let setInFiles = 0
  for (const s of Object.values(model.sysctl)) {
    settings[s.source]++
    if (s.persisted) setInFiles++
    if (s.source === 'default') defaults.push(s.key)
  }
  const servers: ServerRead[] = []
  const n = model.nginx
  if (n.present) {
    servers.push({
      kind: 'nginx',
      name: n.entry,
      version: n.versionKnown ? n.version : null,
      versionSource: n.versionSource,
      files: n.files,
      counts: {servers: n.servers.length, proxyLocations: n.locations.length, upstreams: n.upstreams.length},
    })
  }
  const l = model.lighttpd
  if (l.present) {
    servers.push({
      kind: 'lighttpd',
      name: l.entry,
      version: l.versionKnown ? l.version : null,
      versionSource: l.versionSource,
      files: l.files,
      counts: {listen: l.listen.length, proxies: l.proxies.length},
    })
  }
  for (const a of model.gunicorn.apps) {
    const files = [a.file, ...(a.configFile && a.configFile !== a.file ? [a.configFile] : [])]
    servers.push({kind: 'gunicorn', name: a.name, version: null, versionSource: null, files, counts: {binds: a.bind.length}})
  }
  return {
    kernel: {release: model.kernel.release, runtime: model.live, sysctlFiles: model.sysctlFiles, setInFiles, settings, defaults: defaults.sort()},
    servers,
    sockets: {observed: model.sockets.observed, total: model.sockets.total, listeningPorts: model.sockets.listeners.length, timeWait: model.sockets.timeWait.total},
    logs: {files: model.logs.files.length, read: model.logs.files.filter((f) => !f.error).length, notes: model.logs.notes},
    skipped,
  }
}
