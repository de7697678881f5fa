// Flags shared by the commands that read hosts and report on them.
import {Flags} from '@oclif/core'
import {resolve as resolvePath} from 'node:path'
import {FRONTEND_NAMES} from '../model/frontends.js'
import {UserError} from '../errors.js'

export const sourceFlags = {
  'nginx-conf': Flags.string({description: 'Audit this nginx.conf (with its includes) instead of the one nginx -T reports', multiple: true, helpValue: 'FILE'}),
  'lighttpd-conf': Flags.string({description: 'Audit this lighttpd.conf instead of /etc/lighttpd/lighttpd.conf', multiple: true, helpValue: 'FILE'}),
  'gunicorn-conf': Flags.string({description: 'Also audit this gunicorn.conf.py (for apps not started by a systemd unit)', multiple: true, helpValue: 'FILE'}),
  root: Flags.string({description: 'Audit the host tree under DIR (its /proc and /etc) instead of /', default: '/', helpValue: 'DIR'}),
  snapshot: Flags.string({description: 'Audit snapshot file(s) written by `conntune collect` instead of this host', multiple: true, helpValue: 'FILE', exclusive: ['root']}),
}

export const modelFlags = {
  behind: Flags.string({description: 'The load balancer in front of this host (sets its idle timeout)', options: FRONTEND_NAMES}),
  'lb-idle-timeout': Flags.integer({description: 'Idle timeout of the load balancer in front, in seconds (overrides the preset)', min: 1, helpValue: 'S'}),
  'nat-idle-timeout': Flags.integer({description: 'Idle timeout of a NAT gateway or firewall on the path, in seconds', min: 1, helpValue: 'S'}),
  role: Flags.string({description: 'What this host does, where it cannot be inferred: proxy (connects to upstreams) or server', options: ['proxy', 'server']}),
  'expected-rate': Flags.integer({description: 'Expected new connections per second toward the busiest upstream', min: 1, helpValue: 'N'}),
  rules: Flags.string({description: 'Also run the rules in DIR (YAML, see `conntune rules test`)', multiple: true, multipleNonGreedy: true, helpValue: 'DIR'}),
  config: Flags.string({description: 'Project file (default: the nearest .conntune.yaml at or above what is checked, or the working directory)', helpValue: 'FILE'}),
  'nginx-version': Flags.string({description: 'nginx version, where `nginx -V` cannot tell (upstream keep-alive defaults changed in 1.29.7)', helpValue: 'X.Y.Z'}),
  'lighttpd-version': Flags.string({description: 'lighttpd version, where `lighttpd -v` cannot tell', helpValue: 'X.Y.Z'}),
  'gunicorn-version': Flags.string({description: 'gunicorn version (settings and defaults by release)', helpValue: 'X.Y.Z'}),
  since: Flags.string({description: "Count nginx's log evidence in this window before collection (30m, 24h, 7d) or since an ISO time (default 24h)", helpValue: 'DURATION|TIME'}),
}

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

export const reportFlags = {
  // Repeatable and paired in order (`-f sarif -o a.sarif -f junit -o b.xml`); non-greedy, so
  // `check -f sarif deploy/` keeps deploy/ as a path. See cli/output.ts for the pairing rules.
  format: Flags.string({
    char: 'f',
    description: 'Output format (default text); repeatable, each paired with the --output that follows it. At most one format goes to stdout',
    options: ['text', 'json', 'sarif', 'junit', 'markdown', 'github'],
    multiple: true,
    multipleNonGreedy: true,
  }),
  output: Flags.string({char: 'o', description: 'Write the report of the --format before it to FILE (whole or not at all) instead of stdout; repeatable', helpValue: 'FILE', multiple: true, multipleNonGreedy: true}),
  'fail-on': Flags.string({description: 'Exit 1 when a finding is at or above this severity', options: ['error', 'warning', 'info', 'none'], default: 'warning'}),
  // Baselines decide what is reported and how the run exits: report flags, not model ones.
  baseline: Flags.string({description: 'Report only findings not in this baseline (exit codes count new findings only)', helpValue: 'FILE'}),
  'write-baseline': Flags.string({description: 'Record the current findings as the baseline in FILE (and exit 0 unless the input is invalid)', helpValue: 'FILE'}),
}

/** --nginx-conf & co. as absolute paths; the snapshot records them as its entry points. */
export function namedConfigs(flags: Record<string, unknown>): {configs?: {nginx: string[]; lighttpd: string[]; gunicorn: string[]}} {
  const abs = (xs: unknown) => ((xs as string[] | undefined) ?? []).map((x) => resolvePath(x))
  const configs = {nginx: abs(flags['nginx-conf']), lighttpd: abs(flags['lighttpd-conf']), gunicorn: abs(flags['gunicorn-conf'])}
  return configs.nginx.length + configs.lighttpd.length + configs.gunicorn.length > 0 ? {configs} : {}
}
