// Walks each rule's scope over a host model and turns matches into findings. A rule that
// fails at run time (a null compared with a number, a missing key) is reported as a broken
// rule with its file; it never takes the other rules down with it.
import type {HostModel, Location} from '../model/types.js'
import {settingLocation, type ConfigSetting} from '../model/servers/setting.js'
import {celErrorLine, fromCel, registerComputedField, toCel, viewTarget} from './cel.js'

// A setting's `at` (where a finding about it points) is derived when a rule reads it: most
// settings never appear in a finding, and a large config has hundreds of thousands of them.
registerComputedField('at', (o) => ('explicit' in o && 'insertAt' in o && 'name' in o ? settingLocation(o as unknown as ConfigSetting) : undefined))
import type {CompiledRule, RuleCtx, Template} from './compile.js'
import {isPlain} from './cel-direct.js'
import type {FixAction, Finding} from './types.js'

export interface RuleFailure {
  ruleId: string
  file: string
  host: string
  message: string
}

export interface Evaluation {
  findings: Finding[]
  failures: RuleFailure[]
}

/** A view's model object, or the value itself. */
const unwrap = (v: unknown): unknown => (v !== null && typeof v === 'object' ? (viewTarget(v) ?? v) : v)

/** Messages are one paragraph: YAML folding leaves breaks around multi-line {{ }} blocks. */
export function render(template: Template, ctx: RuleCtx): string {
  // The template's own text was collapsed at compile time (single spaces, no other blanks), so
  // only the values and the joins between pieces can need collapsing: those are checked here,
  // not the whole message (a regex over every message cost 2 % of a 10 000-server check).
  const pieces = new Array<string>(template.length)
  let dirty = false
  // true at the start: a leading space is one to trim.
  let afterSpace = true
  for (let i = 0; i < template.length; i++) {
    const p = template[i]
    const s = typeof p === 'string' ? p : formatValue(fromCel(p(ctx)))
    pieces[i] = s
    if (dirty || s.length === 0) continue
    if ((typeof p !== 'string' && UNCOLLAPSED.test(s)) || (afterSpace && s.charCodeAt(0) === 32)) dirty = true
    afterSpace = s.charCodeAt(s.length - 1) === 32
  }
  // join() makes one flat string; += would keep a rope of pieces per finding.
  const out = pieces.join('')
  return dirty || afterSpace ? out.replace(/\s+/g, ' ').trim() : out
}

/** A blank other than a space, or two spaces: what a value may hold that a message may not. */
const UNCOLLAPSED = /[^\S ]| {2}/

export function formatValue(v: unknown): string {
  if (v === null || v === undefined) return 'unknown'
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Math.round(v * 1000) / 1000)
  if (typeof v === 'string') return v
  return JSON.stringify(v)
}

function scopeItems(scope: CompiledRule['rule']['scope'], host: Record<string, unknown>): unknown[] {
  if (scope === 'host') return [host]
  let cur: unknown = {host}
  for (const part of scope.split('.')) cur = (cur as Record<string, unknown> | undefined)?.[part]
  return Array.isArray(cur) ? cur : []
}

function asLocation(v: unknown, fallback: string): Location {
  const o = fromCel(v) as Partial<Location> | null
  if (!o || typeof o !== 'object') return {text: fallback}
  const text = o.text ?? (o.file ? `${o.file}${o.line ? `:${o.line}` : ''}` : o.sysctl ? `sysctl ${o.sysctl}` : fallback)
  return {...o, text}
}

const visibleModels = new WeakMap<HostModel, Record<string, unknown>>()

export function evaluateRules(rules: CompiledRule[], model: HostModel): Evaluation {
  let host = visibleModels.get(model)
  if (!host) {
    // File texts and comments are for inline ignores, not for rules.
    const {texts: _t, comments: _c, ...visible} = model
    host = visible
    visibleModels.set(model, host)
  }
  const findings: Finding[] = []
  const failures: RuleFailure[] = []
  for (const c of rules) {
    const params = toCel(c.rule.params ?? {}) as Record<string, unknown>
    // One list per rule, shared by its findings (nothing edits a finding's references).
    const references = c.rule.references.map((r) => r.url)
    for (const item of scopeItems(c.rule.scope, host)) {
      const ctx: RuleCtx = {host, item, params}
      try {
        if (c.when(ctx) !== true) continue
        const severity = c.severityWhen.find((s) => s.when(ctx) === true)?.severity ?? c.rule.severity
        const evidence: Record<string, unknown> = {}
        for (const [k, fn] of c.evidence) evidence[k] = fromCel(fn(ctx))
        const observed = c.observed ? fromCel(c.observed(ctx)) : ''
        let fix: Finding['fix'] = null
        if (c.fix) {
          const actions: FixAction[] = c.fix.actions.flatMap((a): FixAction[] => {
            if (a.kind === 'sysctl') return [{kind: 'sysctl', key: a.key, value: formatValue(fromCel(a.value(ctx)))}]
            if (a.kind === 'set') {
              type S = {name: string; value: string | null; file: string | null; line: number | null; explicit: boolean; insertAt: {file: string; line: number; col: number; context: string} | null}
              // The fields an action takes, read from the model's setting itself: a whole copy
              // (fromCel) of each setting per finding was 5 % of a check with 40 000 findings.
              const settingOf = (x: unknown): S => {
                const o = unwrap(x)
                return isPlain(o) ? (o as unknown as S) : (fromCel(o) as S)
              }
              const got = unwrap(a.setting(ctx))
              const value = formatValue(fromCel(a.value(ctx)))
              return (Array.isArray(got) ? got.map(settingOf) : [settingOf(got)]).map((s) => ({kind: 'set', name: s.name, value, current: s.value ?? null, file: s.explicit ? s.file : null, line: s.explicit ? s.line : null, insertAt: s.insertAt ? {...s.insertAt} : null, ...(a.prefer ? {prefer: a.prefer} : {})}))
            }
            const e = fromCel(a.entry(ctx)) as {file: string; line: number}
            return [{kind: 'delete-line', file: e.file, line: e.line}]
          })
          fix = {summary: render(c.fix.summary, ctx), actions}
        }
        findings.push({
          ruleId: c.rule.id,
          severity,
          title: c.rule.title,
          host: model.name,
          location: asLocation(c.at(ctx), model.name),
          message: render(c.message, ctx),
          ...(typeof observed === 'string' && observed !== '' ? {observed} : {}),
          evidence,
          fix,
          references,
        })
      } catch (error) {
        failures.push({ruleId: c.rule.id, file: c.rule.file, host: model.name, message: celErrorLine(error)})
        break
      }
    }
  }
  return {findings, failures}
}
