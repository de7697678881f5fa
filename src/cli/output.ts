// How report commands deliver a result: one or more formats, each to its --output file
// (written whole or not at all) or to stdout; JSON to oclif for --json; colour only for text
// on a terminal.
//
// Pairing: `--format` and `--output` are both repeatable. Each --output belongs to the
// nearest --format before it that has none yet (an --output before any --format, to the next
// one), so `-f text -f sarif -o a.sarif` writes SARIF to the file and text to stdout. A format
// without an output goes to stdout, and only one may. More outputs than formats is an error.
import {resolve} from 'node:path'
import {UserError} from '../errors.js'
import type {AuditResult} from '../pipeline/audit.js'
import type {LoadedProject} from '../config/project.js'
import type {LoadedRule} from '../rules/types.js'

export interface ReportTarget {
  format: string
  /** null: stdout. */
  output: string | null
}

type Kind = 'format' | 'output'
const LONG: Record<string, Kind> = {'--format': 'format', '--output': 'output'}
const SHORT: Record<string, Kind> = {'-f': 'format', '-o': 'output'}

/**
 * The order in which --format and --output were given, read from the command's argv the way
 * oclif reads option flags (`--format x`, `--format=x`, `-f x`, `-fx`, `-f=x`; `--` ends flags).
 * oclif hands us each flag's values but not how the two interleave.
 */
export function flagOrder(argv: readonly string[]): Kind[] {
  const order: Kind[] = []
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    if (a === '--') break
    const long = LONG[a.split('=')[0]!]
    if (long) {
      order.push(long)
      if (!a.includes('=')) i++
      continue
    }
    const short = SHORT[a.slice(0, 2)]
    if (short && !a.startsWith('--')) {
      order.push(short)
      if (a.length === 2) i++
    }
  }
  return order
}

/** Pairs formats with outputs (see the top of this file); throws a UserError (exit 2) when it cannot. */
export function planTargets(formats: readonly string[], outputs: readonly string[], argv?: readonly string[]): ReportTarget[] {
  if (formats.length === 0) {
    if (outputs.length > 1) throw new UserError(`--output is given ${outputs.length} times but --format not at all: name a --format for each --output`)
    return [{format: 'text', output: outputs[0] ?? null}]
  }
  let order = argv ? flagOrder(argv) : null
  const counts = (o: Kind[]) => [o.filter((k) => k === 'format').length, o.filter((k) => k === 'output').length]
  if (!order || counts(order)[0] !== formats.length || counts(order)[1] !== outputs.length) {
    // Without a readable argv, pair by position: the i-th --output with the i-th --format.
    order = []
    for (let i = 0; i < Math.max(formats.length, outputs.length); i++) {
      if (i < formats.length) order.push('format')
      if (i < outputs.length) order.push('output')
    }
  }

  const targets: ReportTarget[] = []
  const waiting: string[] = []
  let fi = 0
  let oi = 0
  for (const kind of order) {
    if (kind === 'format') {
      targets.push({format: formats[fi++]!, output: waiting.shift() ?? null})
      continue
    }
    const output = outputs[oi++]!
    const open = [...targets].reverse().find((t) => t.output === null)
    if (open) open.output = output
    else waiting.push(output)
  }
  if (waiting.length > 0) {
    throw new UserError(`--output ${waiting[0]} has no --format to write: ${outputs.length} --output but ${formats.length} --format; give each --output its own --format`)
  }
  const toStdout = targets.filter((t) => t.output === null)
  if (toStdout.length > 1) {
    throw new UserError(`--format ${toStdout.map((t) => t.format).join(' and --format ')} would all go to stdout; give all but one an --output FILE`)
  }
  const seen = new Map<string, string>()
  for (const t of targets) {
    if (t.output === null) continue
    const key = resolve(t.output)
    if (seen.has(key)) throw new UserError(`--output ${t.output} is named for both --format ${seen.get(key)} and --format ${t.format}`)
    seen.set(key, t.format)
  }
  return targets
}

export interface EmitOptions {
  json: boolean
  version: string
  /** The rules loaded for the run; .conntune.yaml's severity overrides and "off" applied here. */
  rules?: LoadedRule[]
  project?: LoadedProject | null
  /** The command's argv, to pair repeated --format/--output in the order given. */
  argv?: readonly string[]
  /** Paths inside it are reported relative to it (default: the working directory). */
  baseDir?: string
}

export async function emitReport(result: AuditResult, flags: {format?: string[]; output?: string[]}, opts: EmitOptions): Promise<unknown> {
  const targets = planTargets(flags.format ?? [], flags.output ?? [], opts.argv)
  const [{render, isFormat}, {toJsonReport, renderJsonChunks}, {writeFileAtomic, writeStdout}, {activeRules}] = await Promise.all([
    import('../report/index.js'),
    import('../report/json.js'),
    import('./write.js'),
    import('../pipeline/project.js'),
  ])
  const tool = {name: 'conntune', version: opts.version}
  const ctx = {tool, rules: activeRules(opts.rules ?? [], opts.project ?? null), baseDir: resolve(opts.baseDir ?? process.cwd())}
  // --json owns stdout; files named with --output are still written. A format that would
  // also go to stdout is refused rather than silently dropped (--format json is the same thing).
  // Only a --format the user named: the default (text) yields to --json.
  const named = (opts.argv ?? []).some((a) => /^(--format|-f)(=|$)|^-f\w/.test(a))
  const clash = opts.json && named ? targets.find((t) => t.output === null && t.format !== 'json') : undefined
  if (clash) throw new UserError(`--json and --format ${clash.format} would both go to stdout; give --format ${clash.format} an --output FILE, or drop --json`)
  const chosen = opts.json ? targets.filter((t) => t.output !== null) : targets
  const rendered = chosen.map((t) => {
    if (!isFormat(t.format)) throw new UserError(`--format ${t.format}: not a report format`)
    const color = t.output === null && t.format === 'text' && process.stdout.isTTY === true && !process.env.NO_COLOR
    // JSON is written a batch of findings at a time (the same bytes), to a file or stdout.
    const text: string | Iterable<string> = t.format === 'json' ? renderJsonChunks(result, tool) : render(t.format, result, {...ctx, color})
    return {...t, text}
  })
  for (const r of rendered) if (r.output !== null) writeFileAtomic(r.output, r.text)
  if (opts.json) return toJsonReport(result, tool)
  for (const r of rendered) if (r.output === null) writeStdout(r.text)
  return undefined
}

/**
 * --write-baseline: records every finding as accepted. Recording accepts what is there, so
 * findings no longer fail the run; only invalid input still does.
 */
export async function recordBaseline(result: AuditResult, path: string): Promise<void> {
  const [{writeFileAtomic}, {baselineText}, {EXIT}] = await Promise.all([import('./write.js'), import('../pipeline/baseline.js'), import('../errors.js')])
  writeFileAtomic(path, baselineText(result.findings))
  process.stderr.write(`conntune: wrote ${result.findings.length} finding${result.findings.length === 1 ? '' : 's'} to the baseline ${path}\n`)
  if (result.exitCode === EXIT.findings) result.exitCode = EXIT.ok
}
