// JUnit XML, for CI test tabs: a <testsuite> per host and a <testcase> per rule and place
// (each file a rule found something in, or the host itself). Every rule that ran appears, so
// a passing check shows as a passing test; findings at or above --fail-on are <failure>s,
// the rest a note in <system-out>. Unreadable inputs and rules that threw are <error>s.
import type {Severity} from '../model/types.js'
import {atOrAbove, type AuditResult, type HostResult} from '../pipeline/audit.js'
import {formatValue} from '../rules/evaluate.js'
import type {Finding} from '../rules/types.js'
import type {ReportContext} from './index.js'

/**
 * Text XML 1.0 can carry: tab, line breaks, and the rest of Unicode minus the surrogates
 * and U+FFFE/U+FFFF. Anything else (NUL, escape sequences from a config file) is dropped.
 */
// One regex pass: appending character by character built a rope as long as the text, which a
// failure body of every finding in one file (megabytes) made superlinear. With the u flag a
// lone surrogate is one code point of its own, outside every range, so it is dropped too.
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu

function xmlChars(s: string): string {
  return s.replace(NOT_XML, '')
}

const ENTITIES: Record<string, string> = {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;'}

export function escapeText(s: string): string {
  return xmlChars(s).replace(/[&<>"']/g, (c) => ENTITIES[c]!)
}

/** Attribute values also keep their line breaks and tabs (a parser would fold them to spaces). */
export function escapeAttr(s: string): string {
  return escapeText(s).replace(/[\t\n\r]/g, (c) => `&#${c.codePointAt(0)};`)
}

function attrs(a: Record<string, string | number | undefined>): string {
  return Object.entries(a)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeAttr(String(v))}"`)
    .join('')
}

const RANK: Record<Severity, number> = {error: 3, warning: 2, info: 1}

function describe(f: Finding): string {
  const lines = [`${f.severity} ${f.ruleId} at ${f.location.text}`, f.message]
  const ev = Object.entries(f.evidence)
  if (ev.length > 0) lines.push(`evidence: ${ev.map(([k, v]) => `${k}=${formatValue(v)}`).join(', ')}`)
  if (f.fix) lines.push(`fix: ${f.fix.summary}`)
  return lines.join('\n')
}

// A case carries no file/line attributes: Jenkins' xunit plugin validates JUnit against
// junit-10.xsd, which allows only name, classname, time and group on <testcase> and refuses the
// whole report otherwise. The case name is the file; the failure text gives each file:line.
interface Case {
  classname: string
  name: string
  failure?: {message: string; type: string; body: string}
  error?: {message: string; type: string; body: string}
  out?: string
}

/** Items grouped by a key, each group in input order. */
function groupBy<T, K>(items: readonly T[], key: (x: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>()
  for (const x of items) {
    const k = key(x)
    const list = out.get(k)
    if (list) list.push(x)
    else out.set(k, [x])
  }
  return out
}

// Findings and failures come grouped by rule: filtering the host's findings once per rule id
// was quadratic when the findings carry as many ids as there are findings.
function ruleCases(ruleId: string, host: HostResult, result: AuditResult, findings: Finding[], failures: AuditResult['ruleFailures']): Case[] {
  // One case per place: each file, and the host itself for findings without a file.
  // Grouped in place: copying a place's list at every finding was quadratic in one file's findings.
  const places = groupBy<Finding, string | null>(findings, (f) => f.location.file ?? null)
  if (places.size === 0 || failures.length > 0) places.set(null, places.get(null) ?? [])

  return [...places].map(([file, fs]) => {
    const c: Case = {classname: ruleId, name: file ?? host.name}
    const failing = fs.filter((f) => atOrAbove(f.severity, result.failOn))
    const below = fs.filter((f) => !atOrAbove(f.severity, result.failOn))
    if (failing.length > 0) {
      const worst = failing.reduce((a, b) => (RANK[b.severity] > RANK[a.severity] ? b : a))
      c.failure = {
        message: failing.length === 1 ? worst.message : `${failing.length} findings; ${worst.message}`,
        type: worst.severity,
        body: failing.map(describe).join('\n\n'),
      }
    }
    if (below.length > 0) c.out = `Below --fail-on ${result.failOn}, not failing:\n\n${below.map(describe).join('\n\n')}`
    if (file === null && failures.length > 0) {
      c.error = {message: failures[0]!.message, type: 'rule-failed', body: failures.map((r) => `${r.file}: ${r.ruleId} on ${r.host}: ${r.message}`).join('\n')}
    }
    return c
  })
}

/** Did every input of the host read and parse? A case of its own, so it shows in every run. */
function inputsCase(host: HostResult): Case {
  const c: Case = {classname: 'conntune', name: `${host.name}: inputs read`}
  if (host.problems.length > 0) {
    const where = (p: HostResult['problems'][number]) => `${p.file}${p.line ? `:${p.line}` : ''}${p.line && p.col ? `:${p.col}` : ''}`
    c.error = {
      message: `${host.problems.length} input${host.problems.length === 1 ? '' : 's'} could not be read; the audit is incomplete`,
      type: 'incomplete',
      body: host.problems.map((p) => `${where(p)}: ${p.message}`).join('\n'),
    }
  }
  return c
}

function renderCase(c: Case): string {
  const head = `    <testcase${attrs({classname: c.classname, name: c.name})}`
  const body: string[] = []
  if (c.failure) body.push(`      <failure${attrs({message: c.failure.message, type: c.failure.type})}>${escapeText(c.failure.body)}</failure>`)
  if (c.error) body.push(`      <error${attrs({message: c.error.message, type: c.error.type})}>${escapeText(c.error.body)}</error>`)
  if (c.out) body.push(`      <system-out>${escapeText(c.out)}</system-out>`)
  return body.length === 0 ? `${head}/>` : `${head}>\n${body.join('\n')}\n    </testcase>`
}

export function renderJunit(result: AuditResult, ctx: ReportContext): string {
  const suites: string[] = []
  let tests = 0
  let failures = 0
  let errors = 0
  for (const host of result.hosts) {
    // Rules that ran, then any other ids that reported here (the pipeline's ignore checks).
    const ids = ctx.rules.map((r) => r.id)
    const seen = new Set(ids)
    const failuresHere = result.ruleFailures.filter((r) => r.host === host.name)
    for (const id of [...host.findings.map((f) => f.ruleId), ...failuresHere.map((r) => r.ruleId)]) {
      if (!seen.has(id)) ids.push(id)
      seen.add(id)
    }
    const byRule = groupBy(host.findings, (f) => f.ruleId)
    const failuresByRule = groupBy(failuresHere, (r) => r.ruleId)
    const cases = [inputsCase(host), ...ids.flatMap((id) => ruleCases(id, host, result, byRule.get(id) ?? [], failuresByRule.get(id) ?? []))]
    const nFail = cases.filter((c) => c.failure).length
    const nErr = cases.filter((c) => c.error).length
    tests += cases.length
    failures += nFail
    errors += nErr
    const props = {source: host.source, kernel: host.kernel ?? 'unknown', role: host.role, frontend: host.frontend ?? 'none', failOn: result.failOn, suppressed: host.suppressed}
    suites.push(
      [
        `  <testsuite${attrs({name: host.name, tests: cases.length, failures: nFail, errors: nErr, skipped: 0})}>`,
        '    <properties>',
        ...Object.entries(props).map(([k, v]) => `      <property${attrs({name: k, value: v})}/>`),
        '    </properties>',
        ...cases.map(renderCase),
        '  </testsuite>',
      ].join('\n'),
    )
  }
  // A fleet view for multi-host runs: one case per rule that fired, with the hosts. It only
  // reports (system-out); each host's own suite already carries the failures.
  if (result.hosts.length > 1 && result.byRule.length > 0) {
    tests += result.byRule.length
    suites.push(
      [
        `  <testsuite${attrs({name: 'across hosts', tests: result.byRule.length, failures: 0, errors: 0, skipped: 0})}>`,
        ...result.byRule.map(
          (g) =>
            `    <testcase${attrs({name: g.ruleId, classname: 'fleet'})}>\n      <system-out>${escapeText(`${g.severity}: ${g.findings} finding(s) on ${g.hosts.length} of ${result.hosts.length} hosts: ${g.hosts.join(', ')}`)}</system-out>\n    </testcase>`,
        ),
        '  </testsuite>',
      ].join('\n'),
    )
  }
  const head = `<testsuites${attrs({name: ctx.tool.name, tests, failures, errors})}`
  return ['<?xml version="1.0" encoding="UTF-8"?>', suites.length === 0 ? `${head}/>` : `${head}>\n${suites.join('\n')}\n</testsuites>`].join('\n') + '\n'
}
