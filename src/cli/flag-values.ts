// What the shared flags' values mean, apart from their oclif definitions (cli/flags.ts): the
// commands and the fast path (cli/fast.ts), which runs audit and check without oclif, share it.
import {resolve as resolvePath} from 'node:path'
import {UserError} from '../errors.js'

/** --since: "90s", "30m", "24h", "7d", or an ISO 8601 time. */
export function parseSince(raw: string | undefined): {seconds?: number; at?: string} | undefined {
  if (raw === undefined) return undefined
  const m = /^(\d{1,9})([smhd]?)$/.exec(raw)
  if (m) {
    const seconds = Number(m[1]) * {'': 1, s: 1, m: 60, h: 3600, d: 86400}[m[2]]!
    if (seconds > 0) return {seconds}
  }
  if (/^\d{4}-\d{2}-\d{2}T/.test(raw) && !Number.isNaN(Date.parse(raw))) return {at: new Date(raw).toISOString()}
  throw new UserError(`--since ${JSON.stringify(raw.slice(0, 40))}: not a duration (30m, 24h, 7d) or an ISO time (2026-12-02T10:00:00Z)`)
}

/** Model options from the shared flags. */
export function modelOptions(flags: Record<string, unknown>) {
  return {
    role: flags.role as 'proxy' | 'server' | undefined,
    behind: flags.behind as string | undefined,
    lbIdleTimeout: flags['lb-idle-timeout'] as number | undefined,
    natIdleTimeout: flags['nat-idle-timeout'] as number | undefined,
    expectedRate: flags['expected-rate'] as number | undefined,
    nginxVersion: flags['nginx-version'] as string | undefined,
    lighttpdVersion: flags['lighttpd-version'] as string | undefined,
    gunicornVersion: flags['gunicorn-version'] as string | undefined,
    since: parseSince(flags.since as string | undefined),
  }
}

/** --nginx-conf & co. as absolute paths; the snapshot records them as its entry points. */
export function namedConfigs(flags: Record<string, unknown>): {configs?: {nginx: string[]; lighttpd: string[]; gunicorn: string[]}} {
  const abs = (xs: unknown) => ((xs as string[] | undefined) ?? []).map((x) => resolvePath(x))
  const configs = {nginx: abs(flags['nginx-conf']), lighttpd: abs(flags['lighttpd-conf']), gunicorn: abs(flags['gunicorn-conf'])}
  return configs.nginx.length + configs.lighttpd.length + configs.gunicorn.length > 0 ? {configs} : {}
}

export function wantsSsh(flags: Record<string, unknown>): boolean {
  return ((flags.host as string[] | undefined)?.length ?? 0) > 0 || typeof flags.inventory === 'string'
}
