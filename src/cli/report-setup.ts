// What audit and check need before any source is read: the report targets validated (a bad
// --format/--output pair fails before work is done), the rules, the baseline and .conntune.yaml.
import type {Baseline} from '../pipeline/baseline.js'
import type {LoadedProject} from '../config/project.js'
import type {LoadedRule} from '../rules/types.js'

export interface ReportSetup {
  rules: LoadedRule[]
  baseline: Baseline | null
  project: LoadedProject | null
}

export async function prepareReport(
  flags: {format?: string[]; output?: string[]; rules?: string[]; baseline?: string; config?: string},
  argv: readonly string[],
  searchFrom: string[],
): Promise<ReportSetup> {
  const [{planTargets}, {loadRules}, {readBaseline}, {loadProject}] = await Promise.all([
    import('./output.js'),
    import('../rules/load.js'),
    import('../pipeline/baseline.js'),
    import('../config/project.js'),
  ])
  planTargets(flags.format ?? [], flags.output ?? [], argv)
  const rules = await loadRules(flags.rules ?? [])
  const baseline = flags.baseline ? readBaseline(flags.baseline) : null
  const project = await loadProject({explicit: flags.config, searchFrom})
  return {rules, baseline, project}
}
