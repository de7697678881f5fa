// `conntune check` once its flags and paths are parsed: by oclif (commands/check.ts) or by the
// fast path (cli/fast.ts). Returns what --json prints.
import {emitReport, recordBaseline} from './output.js'
import {modelOptions} from './flag-values.js'
import type {RunContext} from './run-audit.js'

export async function runCheck(paths: string[], flags: Record<string, any>, run: RunContext): Promise<unknown> {
  const [{collectFiles, checkMappings, parseFileSize}, {auditSnapshots, relativizeResult}, {prepareReport}, {checkRoot}] = await Promise.all([
    import('../sources/files.js'),
    import('../pipeline/audit.js'),
    import('./report-setup.js'),
    import('../sources/index.js'),
  ])
  const {rules, baseline, project} = await prepareReport(flags, run.argv, [...paths, process.cwd()])
  const map = checkMappings(flags.map ?? [], project)
  if (flags.root) checkRoot(flags.root)
  const maxFileBytes = flags['max-file-size'] ? parseFileSize(flags['max-file-size']) : undefined
  const checked = collectFiles(paths, {kind: flags.kind as never, skipUnknown: flags['skip-unknown'], toolVersion: run.version, map, ...(flags.root ? {root: flags.root} : {}), ...(maxFileBytes ? {maxFileBytes} : {})})
  const result = relativizeResult(
    auditSnapshots([{snapshot: checked.snapshot, source: 'files', entries: checked.entries, skipped: checked.skipped, problems: checked.unreadable}], rules, {failOn: flags['fail-on'] as 'error' | 'warning' | 'info' | 'none', project, baseline, relativeTo: process.cwd(), ...modelOptions(flags), ...(maxFileBytes ? {maxFileBytes} : {})}),
    process.cwd(),
  )
  if (flags['nginx-test']) {
    const {nginxTest, applyNginxTest} = await import('../pipeline/nginx-test.js')
    const e = checked.entries
    applyNginxTest(result, await nginxTest({snapshot: checked.snapshot, entries: e.nginx, map: e.map, outside: e.outside, cwd: process.cwd()}))
  }
  if (flags['write-baseline']) await recordBaseline(result, flags['write-baseline'])
  process.exitCode = result.exitCode
  return emitReport(result, flags, {json: run.json, version: run.version, rules, project, argv: run.argv, baseDir: process.cwd()})
}
