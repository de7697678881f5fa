// The Snapshot is the only thing that crosses from collection to analysis. It holds raw
// values and raw file texts, never parsed structures, so an old snapshot benefits from a
// newer parser. Bump SNAPSHOT_VERSION on any incompatible change; readers refuse newer ones.

export const SNAPSHOT_FORMAT = 'conntune-snapshot'
export const SNAPSHOT_VERSION = 1

/** A file as the collector found it: its text, or why it has none. */
export interface CapturedFile {
  text?: string
  /** errno code or a short reason: ENOENT, EACCES, EISDIR, ELOOP, binary */
  error?: string
  /** The text was cut at the size bound; counts derived from it are lower bounds. */
  truncated?: boolean
  /** Real path when the file is a symlink (inside the audited root). */
  link?: string
}

/** A sysctl as read from /proc/sys: its value, absent (no such key on this kernel), or unreadable. */
export interface CapturedSysctl {
  value?: string
  absent?: boolean
  error?: string
}

/** A program's own output (`nginx -T`), or why there is none. */
export interface CapturedCommand {
  exitCode?: number
  stdout?: string
  stderr?: string
  error?: string
}

export interface Snapshot {
  format: typeof SNAPSHOT_FORMAT
  version: number
  collector: {tool: string; version: string; source: 'local' | 'ssh' | 'script' | 'example' | 'files'}
  collectedAt: string
  host: {name: string; root?: string}
  kernel: {release: string | null; error?: string}
  /** Keys are full sysctl names: net.ipv4.tcp_tw_reuse */
  sysctl: Record<string, CapturedSysctl>
  /** Keys are paths below /proc: net/tcp, net/tcp6, net/sockstat, net/netstat */
  proc: Record<string, CapturedFile>
  /** Configuration files by absolute path on the host. */
  files: Record<string, CapturedFile>
  /** Directory listings the analysis needs to know which files exist (sysctl.d dirs). */
  dirs: Record<string, {entries?: string[]; error?: string}>
  /** Keyed by the command line: "nginx -T", "nginx -V", "lighttpd -v". */
  commands?: Record<string, CapturedCommand>
  /** Config entry points named at collection (--nginx-conf…), instead of the usual places. */
  entries?: {nginx?: string[]; lighttpd?: string[]; gunicornConf?: string[]}
}
