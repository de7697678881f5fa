// Kernel release → comparable version, and the defaults a kernel of that version uses for
// the settings conntune reads (FACTS.md "Kernel", Documentation/networking/ip-sysctl.rst).

export interface KernelVersion {
  release: string | null
  known: boolean
  major: number
  minor: number
  patch: number
  /** "6.1.0" when known, "" otherwise: the form CEL's versionAtLeast() takes. */
  version: string
}

export function parseKernelRelease(release: string | null | undefined): KernelVersion {
  const m = release ? /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(release) : null
  if (!m) return {release: release ?? null, known: false, major: 0, minor: 0, patch: 0, version: ''}
  const [major, minor, patch] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)]
  return {release: release ?? null, known: true, major, minor, patch, version: `${major}.${minor}.${patch}`}
}

export function kernelAtLeast(k: KernelVersion, major: number, minor: number): boolean {
  return k.known && (k.major > major || (k.major === major && k.minor >= minor))
}

/** Used when the kernel is unknown (config files only): today's defaults. */
const MODERN = parseKernelRelease('6.1.0')

/**
 * The value a key has on a kernel nobody tuned, or null when it depends on the machine
 * (memory, hash sizes) and cannot be stated. `absent` means the key does not exist there.
 */
export function kernelDefault(key: string, kernel: KernelVersion, hints: {ehashEntries?: number | null} = {}): string | null | 'absent' {
  const k = kernel.known ? kernel : MODERN
  switch (key) {
    case 'net.ipv4.tcp_fin_timeout':
      return '60'
    case 'net.ipv4.tcp_tw_reuse':
      // 2 (loopback only) became the default in 4.18; before it was a boolean, off.
      return kernelAtLeast(k, 4, 18) ? '2' : '0'
    case 'net.ipv4.tcp_tw_reuse_delay':
      return kernelAtLeast(k, 6, 14) ? '1000' : 'absent'
    case 'net.ipv4.tcp_tw_recycle':
      return kernelAtLeast(k, 4, 12) ? 'absent' : '0'
    case 'net.ipv4.tcp_max_tw_buckets':
      // tcp_sk_init(): ehash buckets / 2. tcp_ehash_entries (6.1+) shows this netns's table
      // (negative when it shares the host's), so the default can be computed where it exists.
      return hints.ehashEntries ? String(Math.floor(Math.abs(hints.ehashEntries) / 2)) : null
    case 'net.ipv4.tcp_keepalive_time':
      return '7200'
    case 'net.ipv4.tcp_keepalive_intvl':
      return '75'
    case 'net.ipv4.tcp_keepalive_probes':
      return '9'
    case 'net.ipv4.ip_local_port_range':
      return '32768 60999'
    case 'net.ipv4.ip_local_reserved_ports':
      return ''
    case 'net.ipv4.tcp_timestamps':
      return '1'
    case 'net.core.somaxconn':
      return kernelAtLeast(k, 5, 4) ? '4096' : '128'
    case 'net.ipv4.tcp_syncookies':
      return '1'
    case 'net.ipv4.tcp_orphan_retries':
      return '0'
    default:
      return null
  }
}
