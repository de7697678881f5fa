// GitHub Actions workflow commands: one annotation per finding (`::error file=F,line=L,
// col=C,title=RULE::MESSAGE`; warning; notice for info), shown on the pull request's diff
// when the file is one of the repository's. Files are given relative to the base directory
// (the checkout); a finding without a file gets no file property. Everything from a config
// or a message is escaped as GitHub's toolkit does, so no value can start a command of its own.
import {isAbsolute, relative, resolve, sep} from 'node:path'
import type {Severity} from '../model/types.js'
import type {AuditResult} from '../pipeline/audit.js'
import type {ReportContext} from './index.js'

const COMMAND: Record<Severity, string> = {error: 'error', warning: 'warning', info: 'notice'}

/** Message data: %, CR and LF (actions/toolkit escapeData). */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

/** Property values: the same, plus the separators ":" and "," (actions/toolkit escapeProperty). */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C')
}

/** Relative to the checkout when inside it, as annotations need; otherwise as it is. */
function annotationPath(file: string, baseDir: string): string {
  const abs = resolve(baseDir, file)
  const rel = relative(baseDir, abs)
  const inside = rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel)
  return inside ? rel.split(sep).join('/') : abs
}

function command(kind: string, props: Record<string, string | number | undefined>, message: string): string {
  const list = Object.entries(props)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${escapeProperty(String(v))}`)
    .join(',')
  return `::${kind}${list ? ` ${list}` : ''}::${escapeData(message)}`
}

export function renderGithub(result: AuditResult, ctx: ReportContext): string {
  const multiHost = result.hosts.length > 1
  const lines: string[] = []
  for (const f of result.findings) {
    const loc = f.location
    const file = loc.file ? annotationPath(loc.file, ctx.baseDir) : undefined
    const text = [
      `${multiHost ? `[${f.host}] ` : ''}${file ? '' : `${loc.text}: `}${f.message}`,
      ...(f.fix ? [`Fix: ${f.fix.summary}`] : []),
    ].join('\n')
    lines.push(command(COMMAND[f.severity], {file, line: file ? loc.line : undefined, col: file && loc.line ? loc.col : undefined, title: f.ruleId}, text))
  }
  // What kept the audit from being complete, and rules that threw, are annotations too:
  // they change the exit code, so the run's summary should say why.
  for (const h of result.hosts) {
    for (const p of h.problems) {
      lines.push(command('warning', {file: annotationPath(p.file, ctx.baseDir), line: p.line, col: p.line ? p.col : undefined, title: 'conntune: incomplete'}, `${multiHost ? `[${h.name}] ` : ''}${p.message}`))
    }
  }
  if (multiHost) {
    for (const g of result.byRule) lines.push(command('notice', {title: `${g.ruleId} on ${g.hosts.length}/${result.hosts.length} hosts`}, g.hosts.join(', ')))
  }
  for (const r of result.ruleFailures) {
    lines.push(command('error', {file: annotationPath(r.file, ctx.baseDir), title: `conntune: rule ${r.ruleId} failed`}, `${r.host}: ${r.message}`))
  }
  // check --nginx-test: nginx's own refusals belong on the pull request's lines like findings.
  for (const v of result.nginxTest?.refused ?? []) lines.push(command('error', {file: annotationPath(v.file, ctx.baseDir), line: v.line, title: 'nginx -t'}, v.message))
  for (const v of result.nginxTest?.incomplete ?? []) lines.push(command('warning', {file: annotationPath(v.file, ctx.baseDir), line: v.line, title: 'nginx -t: not judged here'}, v.message))
  return lines.length === 0 ? '' : lines.join('\n') + '\n'
}
