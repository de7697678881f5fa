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
    ...(result.nginxTest ? {nginxTest: result.nginxTest} : {}),
  }
}

export function renderJson(result: AuditResult, tool: {name: string; version: string}): string {
  return JSON.stringify(toJsonReport(result, tool), null, 2) + '\n'
}

/**
 * The same bytes as renderJson, a finding at a time: a 100 000-server report is ≈ 350 MB, and
 * one string of it plus its Buffer copy were ≈ 0.7 GB of peak memory.
 */
export function* renderJsonChunks(result: AuditResult, tool: {name: string; version: string}): Generator<string> {
  yield* jsonChunks(toJsonReport(result, tool) as Record<string, unknown>)
}

// Elements of a top-level array are stringified this many at a time: one JSON.stringify per
// batch instead of one per element and a re-indent of each.
const BATCH = 256

/** JSON.stringify(obj, null, 2) + newline, the top-level arrays a batch of elements per chunk. */
export function* jsonChunks(obj: Record<string, unknown>): Generator<string> {
  const indent = (text: string, pad: string) => text.replace(/\n/g, `\n${pad}`)
  const entries = Object.entries(obj).filter(([, v]) => v !== undefined && typeof v !== 'function' && typeof v !== 'symbol')
  if (entries.length === 0) {
    yield '{}\n'
    return
  }
  yield '{\n'
  for (const [i, [k, v]] of entries.entries()) {
    const sep = i < entries.length - 1 ? ',' : ''
    if (Array.isArray(v) && v.length > 0) {
      const key = JSON.stringify(k)
      yield `  ${key}: [\n`
      for (let j = 0; j < v.length; j += BATCH) {
        // {"k": [batch]} pretty-printed puts the elements at this depth already; keep what is
        // between its first line ('{', '  "k": [') and its last two ('  ]', '}').
        const whole = JSON.stringify({[k]: v.slice(j, j + BATCH)}, null, 2)
        const body = whole.slice(`{\n  ${key}: [\n`.length, whole.length - '\n  ]\n}'.length)
        yield `${body}${j + BATCH < v.length ? ',' : ''}\n`
      }
      yield `  ]${sep}\n`
    } else {
      yield `  ${JSON.stringify(k)}: ${indent(JSON.stringify(v, null, 2), '  ')}${sep}\n`
    }
  }
  yield '}\n'
}
