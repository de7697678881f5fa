// The library behind `conntune audit`: snapshots → models → rules → one result. Commands
// are thin shells over this; nothing here knows about flags or output formats.
import {EXIT} from '../errors.js'
import {buildHostModel, type ModelOptions} from '../model/build.js'
import type {HostModel, Problem, Severity} from '../model/types.js'
import {compileRule} from '../rules/compile.js'
import {evaluateRules, type RuleFailure} from '../rules/evaluate.js'
import type {Finding, LoadedRule} from '../rules/types.js'
import {applyIgnores, parseIgnores} from '../rules/ignores.js'
import {fingerprinter} from '../rules/fingerprint.js'
import {applyBaseline, type Baseline, type BaselineEntry} from './baseline.js'
import type {LoadedProject} from '../config/project.js'
import {activeRules, applyProjectIgnores, projectModelOptions} from './project.js'
import type {Snapshot} from '../snapshot/types.js'
import {readInventory, type ReadInventory} from './inventory.js'
import {append} from '../append.js'
import {compareCodePoints} from '../text/order.js'

export type FailOn = Severity | 'none'

export interface HostResult {
  /** The identity: the inventory or --host name (a snapshot's own name otherwise), unique in a result. */
  name: string
  /** What the host calls itself, when it was read over SSH (escaped). */
  hostname?: string
  source: HostModel['source']
  kernel: string | null
  role: HostModel['role']
  frontend: string | null
  /** What was observed, so reports can show the numbers behind the findings. */
  sockets: {observed: boolean; states: Record<string, number>; timeWait: {total: number; server: number; client: number}; listening: number[]}
  problems: Problem[]
  /** conntune check on directories: files found there and not checked, and why. */
  skipped?: Array<{file: string; reason: string}>
  /** nginx logs read as evidence: files, the window, what could not be used. */
  logs?: {window: string; files: HostModel['logs']['files']; unattributed: HostModel['logs']['unattributed']; notes: string[]}
  /** What was read and judged (absent for a host that gave no snapshot). */
  read?: ReadInventory
  findings: Finding[]
  /** Findings an inline ignore (with a reason) covered. */
  suppressed: number
}

export interface AuditResult {
  hosts: HostResult[]
  findings: Finding[]
  ruleFailures: RuleFailure[]
  summary: {error: number; warning: number; info: number; hosts: number; incompleteHosts: number}
  /** Fleet view: each rule that fired, on how many hosts and which. */
  byRule: Array<{ruleId: string; severity: Severity; title: string; findings: number; hosts: string[]}>
  /** With --baseline: how many findings it accepted, and its entries no longer found (fixed). */
  baseline?: {file: string; accepted: number; gone: BaselineEntry[]}
  failOn: FailOn
  exitCode: number
  /** check --nginx-test: the installed nginx's verdict on a staged copy. */
  nginxTest?: import('./nginx-test.js').NginxTestResult
}

const RANK: Record<Severity, number> = {error: 3, warning: 2, info: 1}

export function atOrAbove(severity: Severity, failOn: FailOn): boolean {
  return failOn !== 'none' && RANK[severity] >= RANK[failOn]
}

export function groupByRule(findings: Finding[]): AuditResult['byRule'] {
  const groups = new Map<string, AuditResult['byRule'][number]>()
  for (const f of sortFindings(findings)) {
    let g = groups.get(f.ruleId)
    if (!g) groups.set(f.ruleId, (g = {ruleId: f.ruleId, severity: f.severity, title: f.title, findings: 0, hosts: []}))
    g.findings++
    if (RANK[f.severity] > RANK[g.severity]) g.severity = f.severity
    if (!g.hosts.includes(f.host)) g.hosts.push(f.host)
  }
  return [...groups.values()].sort((a, b) => RANK[b.severity] - RANK[a.severity] || b.hosts.length - a.hosts.length || compareCodePoints(a.ruleId, b.ruleId))
}

/** Broken rules beat findings beat an incomplete audit (README "Exit codes"). */
export function exitCodeFor(findings: Finding[], failOn: FailOn, ruleFailures: number, incomplete: boolean): number {
  if (ruleFailures > 0) return EXIT.invalid
  if (findings.some((f) => atOrAbove(f.severity, failOn))) return EXIT.findings
  if (incomplete) return EXIT.incomplete
  return EXIT.ok
}

const SEVERITY_ORDER: Severity[] = ['error', 'warning', 'info']

/** Worst first, then host, rule, file and line (9 before 10), in code point order (text/order.ts). */
export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) ||
      compareCodePoints(a.host, b.host) ||
      compareCodePoints(a.ruleId, b.ruleId) ||
      compareCodePoints(a.location.file ?? a.location.text, b.location.file ?? b.location.text) ||
      (a.location.line ?? 0) - (b.location.line ?? 0) ||
      (a.location.col ?? 0) - (b.location.col ?? 0) ||
      compareCodePoints(a.location.text, b.location.text),
  )
}

export interface AuditInput {
  snapshot: Snapshot
  source: HostModel['source']
  /** For `conntune check`: which files are entry points of which kind. */
  entries?: ModelOptions['entries']
  /** For `conntune check`: files in the directories named that were not checked. */
  skipped?: Array<{file: string; reason: string}>
  /** For `conntune check`: what the source itself could not read (files in the directories named). */
  problems?: Problem[]
}

export function auditSnapshots(
  snapshots: AuditInput[],
  allRules: LoadedRule[],
  flags: Omit<ModelOptions, 'source'> & {
    failOn: FailOn
    project?: LoadedProject | null
    today?: string
    /** Repo checks: fingerprints use paths relative to this. */
    relativeTo?: string
    /** Findings in the baseline are accepted: reported as counts, not failing. */
    baseline?: Baseline | null
  },
): AuditResult {
  const project = flags.project ?? null
  const today = flags.today ?? new Date().toISOString().slice(0, 10)
  const opts = {...projectModelOptions(project, flags), failOn: flags.failOn}
  const compiled = activeRules(allRules, project).map((r) => compileRule(r))
  let baselinedTotal = 0
  const gone: BaselineEntry[] = []
  const hosts: HostResult[] = []
  const all: Finding[] = []
  const ruleFailures: RuleFailure[] = []
  const names = uniqueNames(snapshots.map((s) => s.snapshot.host.name))
  for (const [i, input] of snapshots.entries()) {
    const {source, entries, skipped, problems} = input
    const snapshot = names[i] === input.snapshot.host.name ? input.snapshot : {...input.snapshot, host: {...input.snapshot.host, name: names[i]}}
    const model = buildHostModel(snapshot, {...opts, source, ...(entries ? {entries} : {})})
    const {findings, failures} = evaluateRules(compiled, model)
    append(ruleFailures, failures)
    const inline = applyIgnores(findings, parseIgnores(model.comments, model.texts), model.name)
    const byProject = applyProjectIgnores(inline.kept, project, model.name, today)
    const suppressed = [...inline.suppressed, ...byProject.suppressed]
    const prefix = flags.relativeTo ? `${flags.relativeTo.replace(/\/$/, '')}/` : null
    const fingerprintOf = fingerprinter(model.texts)
    for (const f of byProject.kept) {
      const file = f.location.file
      f.fingerprint = fingerprintOf(f, file && prefix && file.startsWith(prefix) ? file.slice(prefix.length) : file)
    }
    const base = applyBaseline(byProject.kept, flags.baseline ?? null)
    baselinedTotal += base.baselined.length
    for (const g of base.gone) if (g.host === model.name) gone.push(g)
    const sorted = sortFindings(base.fresh)
    append(all, sorted)
    hosts.push({
      name: model.name,
      ...(snapshot.host.hostname !== undefined ? {hostname: snapshot.host.hostname} : {}),
      source,
      kernel: model.kernel.release,
      role: model.role,
      frontend: model.frontend ? `${model.frontend.name} (${model.frontend.idleTimeout}s)` : null,
      sockets: {
        observed: model.sockets.observed,
        states: model.sockets.states,
        timeWait: model.sockets.timeWait,
        listening: model.sockets.listeners.map((l) => l.port),
      },
      problems: problems?.length ? [...problems, ...model.problems] : model.problems,
      ...(skipped?.length ? {skipped} : {}),
      logs: {window: model.logs.window.text, files: model.logs.files, unattributed: model.logs.unattributed, notes: model.logs.notes},
      read: readInventory(model, skipped),
      findings: sorted,
      suppressed: suppressed.length,
    })
  }
  const count = (s: Severity) => all.filter((f) => f.severity === s).length
  const incompleteHosts = hosts.filter((h) => h.problems.length > 0).length
  return {
    hosts,
    findings: sortFindings(all),
    ruleFailures,
    summary: {error: count('error'), warning: count('warning'), info: count('info'), hosts: hosts.length, incompleteHosts},
    byRule: groupByRule(all),
    failOn: opts.failOn,
    exitCode: exitCodeFor(all, opts.failOn, ruleFailures.length, incompleteHosts > 0),
    ...(flags.baseline ? {baseline: {file: flags.baseline.file, accepted: baselinedTotal, gone}} : {}),
  }
}

/**
 * Two inputs with one name (snapshots of two hosts that both call themselves "localhost") stay
 * two hosts: the later ones get " #2", " #3"… so findings and by-rule counts never merge.
 */
export function uniqueNames(names: string[]): string[] {
  const taken = new Set(names)
  const used = new Set<string>()
  return names.map((name) => {
    let out = name
    for (let n = 2; used.has(out); n++) {
      out = `${name} #${n}`
      if (taken.has(out)) out = name
    }
    used.add(out)
    return out
  })
}

/**
 * Paths under `dir` shown relative to it, as people and CI annotations expect in a repo. The
 * findings are changed in place: they are this result's own, and a copy of 200 000 of them
 * was most of a large check's peak memory.
 */
export function relativizeResult(result: AuditResult, dir: string): AuditResult {
  const prefix = dir.endsWith('/') ? dir : `${dir}/`
  const rel = (s: string) => (s.includes(prefix) ? s.replaceAll(prefix, '') : s)
  // A host's findings are the same objects as the result's: each is relativized once.
  const done = new Set<Finding>()
  const fixFinding = (f: Finding): Finding => {
    if (done.has(f)) return f
    done.add(f)
    f.location = {...f.location, ...(f.location.file ? {file: rel(f.location.file)} : {}), text: rel(f.location.text)}
    f.message = rel(f.message)
    if (f.observed) f.observed = rel(f.observed)
    for (const [k, v] of Object.entries(f.evidence)) if (typeof v === 'string') f.evidence[k] = rel(v)
    if (f.fix) f.fix = {summary: rel(f.fix.summary), actions: f.fix.actions.map((a) => ('file' in a && a.file ? {...a, file: rel(a.file)} : a))}
    return f
  }
  for (const f of result.findings) fixFinding(f)
  return {
    ...result,
    hosts: result.hosts.map((h) => {
      for (const f of h.findings) fixFinding(f)
      return {
        ...h,
        problems: h.problems.map((p) => ({...p, file: rel(p.file), message: rel(p.message)})),
        ...(h.skipped ? {skipped: h.skipped.map((s) => ({file: rel(s.file), reason: s.reason}))} : {}),
        ...(h.read ? {read: relativizeRead(h.read, rel)} : {}),
      }
    }),
  }
}

function relativizeRead(read: ReadInventory, rel: (s: string) => string): ReadInventory {
  return {
    ...read,
    kernel: {...read.kernel, sysctlFiles: read.kernel.sysctlFiles.map(rel)},
    servers: read.servers.map((s) => ({...s, name: rel(s.name), files: s.files.map(rel)})),
    skipped: read.skipped.map((s) => ({file: rel(s.file), reason: s.reason})),
  }
}
