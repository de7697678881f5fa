// What the collectors read. One list, so the local source, the SSH collector script and
// the snapshot schema's documentation agree on it.

export const SYSCTL_KEYS = [
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_tw_reuse',
  'net.ipv4.tcp_tw_reuse_delay',
  'net.ipv4.tcp_tw_recycle',
  'net.ipv4.tcp_max_tw_buckets',
  'net.ipv4.tcp_ehash_entries',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_timestamps',
  'net.core.somaxconn',
  'net.ipv4.tcp_max_syn_backlog',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.tcp_max_orphans',
  'net.ipv4.tcp_orphan_retries',
] as const

export type SysctlKey = (typeof SYSCTL_KEYS)[number]

export const PROC_FILES = ['net/sockstat', 'net/netstat', 'net/tcp', 'net/tcp6'] as const

/**
 * systemd-sysctl's search path, highest priority first: a file in an earlier directory
 * overrides a same-named file in a later one (sysctl.d(5)).
 */
export const SYSCTL_DIRS = ['/etc/sysctl.d', '/run/sysctl.d', '/usr/local/lib/sysctl.d', '/usr/lib/sysctl.d', '/lib/sysctl.d'] as const

/** procps `sysctl --system` reads it after the directories; Debian also links it as 99-sysctl.conf. */
export const SYSCTL_CONF = '/etc/sysctl.conf'

/** Bounds on what a collector reads: a busy host's /proc/net/tcp is tens of MB. */
export const LIMITS = {
  procBytes: 256 * 1024 * 1024,
  configBytes: 4 * 1024 * 1024,
  dirEntries: 10_000,
  symlinkHops: 40,
} as const

/** A snapshot's directory listing: the first `cap` of the sorted names, and how many were left out. */
export function cappedListing(sorted: string[], cap: number = LIMITS.dirEntries): {entries: string[]; more?: number} {
  return sorted.length > cap ? {entries: sorted.slice(0, cap), more: sorted.length - cap} : {entries: sorted}
}
