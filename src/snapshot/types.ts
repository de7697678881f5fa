// The Snapshot is the only thing that crosses from collection to analysis. It holds raw
// values and raw file texts, never parsed structures, so an old snapshot benefits from a
// newer parser. Bump SNAPSHOT_VERSION on any incompatible change; readers refuse newer ones.

export const SNAPSHOT_FORMAT = 'conntune-snapshot'
// 2: the optional `logs` section (version-1 snapshots still load).
export const SNAPSHOT_VERSION = 2

/** A file as the collector found it: its text, or why it has none. */
export interface CapturedFile {
  text?: string
  /** errno code or a short reason: ENOENT, EACCES, EISDIR, ELOOP, binary */
  error?: string
  /** The text was cut at the size bound; counts derived from it are lower bounds. */
  truncated?: boolean
  /** With truncated: the file's real size, when fstat knows it (not /proc). */
  size?: number
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

/**
 * The part of one nginx log the collector kept: only lines carrying one of the fixed
 * signatures (error log) or a 502/504 (access log), newest last, each cut at a length bound —
 * never the whole log. Counting them (per upstream, in a time window) is analysis.
 */
export interface CapturedLog {
  kind: 'error' | 'access'
  lines?: string[]
  /** Lines that matched in the bytes read; more than lines.length when the line cap cut older ones. */
  matched?: number
  /** Bytes read from the end of the file (and its rotated `.1`). */
  bytes?: number
  /** The size bound cut the tail: lines older than it were not read. */
  truncated?: boolean
  /** ENOENT, EACCES, binary, "syslog target", "variables in the path"… */
  error?: string
}

export interface Snapshot {
  format: typeof SNAPSHOT_FORMAT
  version: number
  collector: {tool: string; version: string; source: 'local' | 'ssh' | 'script' | 'example' | 'files'}
  collectedAt: string
  /** name: who conntune was asked to read (inventory or --host name); hostname: what the host calls itself. */
  host: {name: string; root?: string; hostname?: string}
  kernel: {release: string | null; error?: string}
  /** Keys are full sysctl names: net.ipv4.tcp_tw_reuse */
  sysctl: Record<string, CapturedSysctl>
  /** Keys are paths below /proc: net/tcp, net/tcp6, net/sockstat, net/netstat */
  proc: Record<string, CapturedFile>
  /** Configuration files by absolute path on the host. */
  files: Record<string, CapturedFile>
  /** Directory listings the analysis needs to know which files exist (sysctl.d dirs). */
  dirs: Record<string, {entries?: string[]; /** Names past the first LIMITS.dirEntries (sorted), not listed. */ more?: number; error?: string}>
  /** Keyed by the command line: "nginx -T", "nginx -V", "lighttpd -v". */
  commands?: Record<string, CapturedCommand>
  /** Config entry points named at collection (--nginx-conf…), instead of the usual places. */
  entries?: {nginx?: string[]; lighttpd?: string[]; gunicornConf?: string[]}
  /** nginx logs as evidence, by the path nginx writes them to. */
  logs?: {
    /** The host's UTC offset when collected, "+0100": nginx error-log times are local time. */
    utcOffset: string
    files: Record<string, CapturedLog>
  }
}
