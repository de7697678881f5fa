// Flags shared by the commands that read hosts and report on them. What their values mean is
// in flag-values.ts, which the fast path (cli/fast.ts) reads without loading oclif.
import {Flags} from '@oclif/core'
import {FRONTEND_NAMES} from '../model/frontends.js'

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
