// Applies a .conntune.yaml to an audit: model defaults (flags win), rules turned off,
// severity overrides, and ignores — each needing a reason, optionally expiring. An expired
// ignore stops applying and is itself reported, so accepted risks come back for review.
import type {LoadedProject} from '../config/project.js'
import type {ModelOptions} from '../model/build.js'
import type {Finding, LoadedRule} from '../rules/types.js'

export const IGNORE_EXPIRED = 'conntune-ignore-expired'

/** Flags first, then the project file. */
export function projectModelOptions(project: LoadedProject | null, flags: ModelOptions): ModelOptions {
  const c = project?.config
  if (!c) return flags
  const frontend = typeof c.frontend === 'string' ? {behind: c.frontend} : c.frontend ? {behind: c.frontend.preset, lbIdleTimeout: c.frontend.idleTimeout} : {}
  const fromFile = flags.behind === undefined && flags.lbIdleTimeout === undefined
  return {
    ...flags,
    ...(fromFile ? {...frontend, frontendSource: `frontend in ${project!.file}`} : {}),
    natIdleTimeout: flags.natIdleTimeout ?? c.natIdleTimeout,
    role: flags.role ?? c.role,
    nginxVersion: flags.nginxVersion ?? c.versions?.nginx,
    lighttpdVersion: flags.lighttpdVersion ?? c.versions?.lighttpd,
    gunicornVersion: flags.gunicornVersion ?? c.versions?.gunicorn,
    nginxDirectives: [...(flags.nginxDirectives ?? []), ...(c.nginx?.directives ?? [])],
    backends: [...(flags.backends ?? []), ...(c.backends ?? []).map((b) => ({...b, file: project!.file}))],
  }
}

export function activeRules(rules: LoadedRule[], project: LoadedProject | null): LoadedRule[] {
  const sev = project?.config.severity ?? {}
  return rules.filter((r) => sev[r.id] !== 'off').map((r) => (sev[r.id] && sev[r.id] !== 'off' ? {...r, severity: sev[r.id] as LoadedRule['severity'], severityWhen: []} : r))
}

type Ignore = NonNullable<LoadedProject['config']['ignores']>[number]

// Ignores by rule, host ('' for any) and file ('' for any). A finding is looked up under its own
// host and file and under every ending of its path an ignore may name (`file: sites/a.conf`
// matches .../nginx/sites/a.conf), not matched against every ignore: thousands of ignores
// against tens of thousands of findings was most of a large check.
const keyOf = (rule: string, host: string, file: string) => `${rule}\0${host}\0${file}`

function ignoreIndex(ignores: Ignore[]): Set<string> {
  return new Set(ignores.map((i) => keyOf(i.rule, i.host || '', i.file || '')))
}

function ignored(index: Set<string>, f: Finding): boolean {
  if (index.size === 0) return false
  const file = f.location.file
  for (const host of [f.host, '']) {
    if (index.has(keyOf(f.ruleId, host, ''))) return true
    if (!file) continue
    if (index.has(keyOf(f.ruleId, host, file))) return true
    for (let j = file.indexOf('/'); j >= 0; j = file.indexOf('/', j + 1)) if (index.has(keyOf(f.ruleId, host, file.slice(j + 1)))) return true
  }
  return false
}

/** Project-level ignores; `today` is YYYY-MM-DD (passed in so tests are not date-dependent). */
export function applyProjectIgnores(findings: Finding[], project: LoadedProject | null, host: string, today: string): {kept: Finding[]; suppressed: Finding[]} {
  const ignores = project?.config.ignores ?? []
  const live = ignoreIndex(ignores.filter((i) => !i.expires || i.expires >= today))
  const kept: Finding[] = []
  const suppressed: Finding[] = []
  for (const f of findings) (ignored(live, f) ? suppressed : kept).push(f)
  for (const i of ignores.filter((x) => x.expires && x.expires < today)) {
    kept.push({
      ruleId: IGNORE_EXPIRED,
      severity: 'warning',
      title: 'An ignore in .conntune.yaml has expired',
      host,
      location: {file: project!.file, text: project!.file},
      message: `The ignore of ${i.rule}${i.file ? ` in ${i.file}` : ''}${i.host ? ` on ${i.host}` : ''} ("${i.reason}") expired on ${i.expires}; its findings are reported again. Review it: fix the cause, or renew it with a new date.`,
      evidence: {rule: i.rule, expires: i.expires!, reason: i.reason},
      fix: {summary: `Fix what ${i.rule} reports, or move the expiry date in ${project!.file}.`, actions: []},
      references: [],
    })
  }
  return {kept, suppressed}
}
