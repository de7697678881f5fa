// How report commands deliver a result: JSON to oclif for --json, else the chosen format to
// --output (whole or not at all) or stdout, colour only on a terminal.
import type {AuditResult} from '../pipeline/audit.js'

export async function emitReport(result: AuditResult, flags: {format?: string; output?: string}, opts: {json: boolean; version: string}): Promise<unknown> {
  const [{render}, {toJsonReport}, {writeFileAtomic}] = await Promise.all([import('../report/index.js'), import('../report/json.js'), import('./write.js')])
  const tool = {name: 'conntune', version: opts.version}
  if (opts.json) return toJsonReport(result, tool)
  const format = (flags.format ?? 'text') as 'text' | 'json'
  const color = !flags.output && format === 'text' && process.stdout.isTTY === true && !process.env.NO_COLOR
  const text = render(format, result, {color, tool})
  if (flags.output) writeFileAtomic(flags.output, text)
  else process.stdout.write(text)
  return undefined
}
