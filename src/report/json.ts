// The json format: stable and documented in the README ("JSON report"). Additive changes
// only within a version; anything else bumps `version`.
import type {AuditResult} from '../pipeline/audit.js'

export const REPORT_VERSION = 1

export function toJsonReport(result: AuditResult, tool: {name: string; version: string}): object {
  return {
    format: 'conntune-report',
    version: REPORT_VERSION,
    tool,
    summary: result.summary,
    failOn: result.failOn,
    exitCode: result.exitCode,
    hosts: result.hosts.map((h) => ({
      name: h.name,
      ...(h.hostname !== undefined ? {hostname: h.hostname} : {}),
      source: h.source,
      kernel: h.kernel,
      role: h.role,
      frontend: h.frontend,
      complete: h.problems.length === 0,
      suppressed: h.suppressed,
      sockets: h.sockets,
      problems: h.problems,
      ...(h.skipped ? {skipped: h.skipped} : {}),
      ...(h.logs && h.logs.files.length > 0 ? {logs: h.logs} : {}),
      ...(h.read ? {read: h.read} : {}),
    })),
    findings: result.findings,
    byRule: result.byRule,
    ...(result.baseline ? {baseline: result.baseline} : {}),
    ruleFailures: result.ruleFailures,
  }
}

export function renderJson(result: AuditResult, tool: {name: string; version: string}): string {
  return JSON.stringify(toJsonReport(result, tool), null, 2) + '\n'
}
