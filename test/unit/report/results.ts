// Hand-built audit results for the renderer tests: paths with spaces and non-ASCII letters,
// findings in files inside and outside the base directory, at sysctl keys and ports, meta
// findings about ignores, text that needs escaping in every format, and empty results.
import type {Severity} from '../../../src/model/types.js'
import {exitCodeFor, groupByRule, type AuditResult, type FailOn, type HostResult} from '../../../src/pipeline/audit.js'
import type {ReportContext} from '../../../src/report/index.js'
import type {Finding, LoadedRule} from '../../../src/rules/types.js'

export const BASE = '/srv/my repo'

export function rule(id: string, severity: Severity, builtin = true): LoadedRule {
  return {
    id,
    title: `Title of ${id}`,
    severity,
    scope: 'host',
    when: 'true',
    at: 'host',
    message: 'm',
    rationale: `Why ${id} matters,\nwrapped over\nlines.\n\nA second paragraph.\n`,
    references: [{title: 'RFC 9112 section 9', url: 'https://www.rfc-editor.org/rfc/rfc9112#section-9'}],
    examples: [],
    file: `/rules/${id}.yaml`,
    builtin,
  }
}

export const RULES: LoadedRule[] = [
  rule('sysctl-tw-recycle-enabled', 'error'),
  rule('sysctl-tw-recycle-dead-config', 'warning'),
  rule('nginx-keepalive-header-exceeds-timeout', 'warning'),
  rule('sockets-server-closes-first', 'warning'),
  rule('sysctl-fin-timeout-not-time-wait', 'info'),
  rule('my-own-rule', 'info', false),
]

export function finding(partial: Partial<Finding> & Pick<Finding, 'ruleId' | 'severity' | 'location'>): Finding {
  return {
    title: `Title of ${partial.ruleId}`,
    host: 'web1',
    message: `Message of ${partial.ruleId}.`,
    evidence: {},
    fix: null,
    references: [],
    fingerprint: `fp-${partial.ruleId}-${partial.location.line ?? 0}`,
    ...partial,
  }
}

export const SPACED = 'deploy/sysctl.d/99 tuning ü.conf'
export const NASTY = 'Header `keepalive_timeout 30s 120s` | says 120 s, but <b>nginx</b> closes at 30 s & 100% of "clients" wait: a, b\nsecond line'

export function host(name: string, findings: Finding[], extra: Partial<HostResult> = {}): HostResult {
  return {
    name,
    source: 'files',
    kernel: null,
    role: 'proxy',
    frontend: null,
    sockets: {observed: false, states: {}, timeWait: {total: 0, server: 0, client: 0}, listening: []},
    problems: [],
    findings,
    suppressed: 0,
    ...extra,
  }
}

export function result(hosts: HostResult[], failOn: FailOn = 'warning', ruleFailures: AuditResult['ruleFailures'] = []): AuditResult {
  const findings = hosts.flatMap((h) => h.findings)
  const count = (s: Severity) => findings.filter((f) => f.severity === s).length
  const incompleteHosts = hosts.filter((h) => h.problems.length > 0).length
  return {
    hosts,
    findings,
    ruleFailures,
    summary: {error: count('error'), warning: count('warning'), info: count('info'), hosts: hosts.length, incompleteHosts},
    byRule: groupByRule(findings),
    failOn,
    exitCode: exitCodeFor(findings, failOn, ruleFailures.length, incompleteHosts > 0),
  }
}

/** One host, every kind of finding; exit 1 at --fail-on warning. */
export function richResult(failOn: FailOn = 'warning'): AuditResult {
  return result(
    [
      host(
        'web1',
        [
          finding({
            ruleId: 'sysctl-tw-recycle-enabled',
            severity: 'error',
            location: {file: SPACED, line: 3, col: 1, text: `${SPACED}:3`},
            evidence: {'net.ipv4.tcp_tw_recycle': '1', kernel: '4.9.0'},
            fix: {summary: 'Set net.ipv4.tcp_tw_recycle = 0.', actions: [{kind: 'sysctl', key: 'net.ipv4.tcp_tw_recycle', value: '0'}]},
            references: ['https://git.kernel.org/'],
          }),
          finding({
            ruleId: 'sysctl-tw-recycle-dead-config',
            severity: 'warning',
            location: {file: SPACED, line: 4, col: 1, text: `${SPACED}:4`},
            fix: {summary: `Delete line 4 of ${SPACED}.`, actions: [{kind: 'delete-line', file: SPACED, line: 4}]},
          }),
          finding({
            ruleId: 'nginx-keepalive-header-exceeds-timeout',
            severity: 'warning',
            location: {file: '/etc/nginx/nginx.conf', line: 10, col: 5, text: '/etc/nginx/nginx.conf:10 (in server, listen 80)'},
            message: NASTY,
            evidence: {timeout: 30, header: 120},
            fix: {summary: 'Make the header, at most, the timeout: keepalive_timeout 30s 30s;', actions: []},
          }),
          finding({
            ruleId: 'conntune-ignore-without-reason',
            severity: 'warning',
            location: {file: 'deploy/gunicorn.conf.py', line: 4, text: 'deploy/gunicorn.conf.py:4'},
            evidence: {rules: 'gunicorn-sync-worker-keepalive'},
            fix: {summary: 'Add " -- <reason>" to the comment.', actions: []},
          }),
          finding({ruleId: 'conntune-ignore-expired', severity: 'warning', location: {file: '.conntune.yaml', text: '.conntune.yaml'}}),
          finding({ruleId: 'sockets-server-closes-first', severity: 'info', location: {text: 'listening port 80'}, evidence: {port: 80, TIME_WAIT: 3700}}),
          finding({ruleId: 'sysctl-fin-timeout-not-time-wait', severity: 'info', location: {sysctl: 'net.ipv4.tcp_fin_timeout', text: 'sysctl net.ipv4.tcp_fin_timeout (runtime)'}}),
        ],
        {suppressed: 2},
      ),
    ],
    failOn,
  )
}

/** Two hosts, one incomplete, and a rule that threw: exit 2. */
export function brokenResult(): AuditResult {
  return result(
    [
      host('web1', [finding({ruleId: 'sysctl-tw-recycle-dead-config', severity: 'warning', location: {file: '/etc/sysctl.conf', line: 1, col: 1, text: '/etc/sysctl.conf:1'}})], {
        source: 'snapshot',
        kernel: '6.1.0',
        problems: [{file: '/etc/nginx/conf.d/bad\u0007.conf', line: 2, col: 7, message: 'unexpected "}" \u001B[31m'}],
      }),
      host('web2', [finding({ruleId: 'sysctl-tw-recycle-dead-config', severity: 'warning', host: 'web2', location: {file: '/etc/sysctl.conf', line: 1, col: 1, text: '/etc/sysctl.conf:1'}})], {source: 'snapshot'}),
    ],
    'warning',
    [{ruleId: 'my-own-rule', file: '/rules/my-own-rule.yaml', host: 'web2', message: 'no such key: host.foo'}],
  )
}

export function ctx(rules: LoadedRule[] = RULES): ReportContext {
  return {tool: {name: 'conntune', version: '0.1.0'}, rules, baseDir: BASE, color: false}
}
