// What the SSH source may hold of hosts' raw collector output. Each host has its own cap, and
// the hosts collected at once share one budget, so a fleet of hostile hosts that each stay under
// their cap still cannot add up to more memory than the budget: the host whose output would
// pass it is stopped instead.

const MiB = 1024 * 1024

/**
 * One host's raw output, at most. The collector bounds each section (collector.sh), but not
 * their sum (2000 config files per tree at 4 MiB each is far more than any machine can hold),
 * so the cap is chosen from the sections that may really be large: /proc/net/tcp and tcp6 at
 * 150 bytes a socket (256 MiB is 1.7 million sockets, the collector's own PROC_BYTES) plus
 * 64 MiB for every config, unit and command output together (16 files at the 4 MiB
 * CONFIG_BYTES cap; real trees are well under 1 MiB). Framing is one header line a section,
 * under 1 KiB each, inside that room.
 */
export const MAX_HOST_OUTPUT_BYTES = 320 * MiB

/** All hosts collected at once, together: at the default concurrency of 16, 64 MiB each. */
export const DEFAULT_FLEET_OUTPUT_BYTES = 1024 * MiB

/** ssh's own stderr, per host: its messages are a few lines. */
export const MAX_STDERR_BYTES = 1 * MiB

export const mib = (bytes: number): string => String(Math.round((bytes / MiB) * 10) / 10)

/** Bytes held across hosts: take before keeping a chunk, give back when the host is done. */
export class OutputBudget {
  private held = 0

  constructor(readonly limit: number) {}

  /** false (and nothing taken) when n more bytes would pass the limit. */
  take(n: number): boolean {
    if (this.held + n > this.limit) return false
    this.held += n
    return true
  }

  release(n: number): void {
    this.held = Math.max(0, this.held - n)
  }

  get inUse(): number {
    return this.held
  }
}
