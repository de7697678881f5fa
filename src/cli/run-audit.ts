// `conntune audit` once its flags are parsed: by oclif (commands/audit.ts) or by the fast path
// (cli/fast.ts). Returns what --json prints.
import {escapeTerminal} from '../text/escape.js'
import {emitReport, recordBaseline} from './output.js'
import {modelOptions, namedConfigs, wantsSsh} from './flag-values.js'

/** What a run needs from its invocation besides the flags. */
export interface RunContext {
  /** The arguments after the command name, as given. */
  argv: string[]
  version: string
  json: boolean
}

export async function runAudit(flags: Record<string, any>, run: RunContext): Promise<unknown> {
  const [{gatherSnapshots}, {auditSnapshots}, {prepareReport}] = await Promise.all([
    import('../sources/index.js'),
    import('../pipeline/audit.js'),
    import('./report-setup.js'),
  ])
  const {rules, baseline, project} = await prepareReport(flags, run.argv, [process.cwd()])
  const named = namedConfigs(flags)
  const opts = {failOn: flags['fail-on'] as 'error' | 'warning' | 'info' | 'none', project, baseline, ...modelOptions(flags)}
  let result
  if (wantsSsh(flags)) {
    const [{collectRemote, remoteOptions}, {withFailedHosts}] = await Promise.all([import('../sources/remote.js'), import('../sources/fleet.js')])
    const fleet = await collectRemote(remoteOptions(flags, run.version))
    const read = fleet.flatMap((r) => (r.ok ? [{snapshot: r.snapshot, source: 'ssh' as const}] : []))
    result = withFailedHosts(auditSnapshots(read, rules, opts), fleet)
  } else {
    const snapshots = await gatherSnapshots({root: flags.root, snapshots: flags.snapshot, toolVersion: run.version, ...(named.configs ? {configs: named.configs} : {})})
    let measured = {}
    if (flags.probe) {
      const {UserError} = await import('../errors.js')
      // A snapshot's or a --root tree's addresses are not this machine's to connect to.
      if (flags.snapshot?.length || flags.root !== '/') throw new UserError('--probe measures backends from this host: it cannot be combined with --snapshot or --root')
      const {probeUnknownBackends} = await import('../probe/backends.js')
      const r = await probeUnknownBackends(snapshots[0].snapshot, {...opts, source: 'local'}, {timeoutSeconds: flags['probe-timeout']})
      for (const n of r.notes) process.stderr.write(`conntune: ${escapeTerminal(n)}\n`)
      measured = {measured: r.measured}
    }
    result = auditSnapshots(snapshots, rules, {...opts, ...measured})
  }
  if (flags['write-baseline']) await recordBaseline(result, flags['write-baseline'])
  // Report commands print their own JSON; the exit code is the findings'.
  process.exitCode = result.exitCode
  return emitReport(result, flags, {json: run.json, version: run.version, rules, project, argv: run.argv, baseDir: process.cwd()})
}
