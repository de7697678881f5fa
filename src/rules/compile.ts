// Each CEL expression of a rule is parsed once, up front: a syntax error in a rule is an
// invalid rule (exit 2) naming the file and field, before any host is audited.
import {UserError} from '../errors.js'
import type {Severity} from '../model/types.js'
import type {Environment} from '@marcbachmann/cel-js'
import {celEnvironment, celErrorLine, celView} from './cel.js'
import {compileDirect, UNSURE} from './cel-direct.js'
import type {LoadedRule} from './types.js'

/**
 * What a rule's expressions see: `host`, `item` and `params`, as model objects (or their views).
 * The views cel-js needs are made once per item, and only if one of its expressions falls back.
 */
export interface RuleCtx {
  host: unknown
  item: unknown
  params: Record<string, unknown>
  views?: Record<string, unknown>
}

export type CelFn = (ctx: RuleCtx) => unknown

/** Text with {{ CEL }} holes, compiled. */
export type Template = Array<string | CelFn>

export interface CompiledRule {
  rule: LoadedRule
  when: CelFn
  at: CelFn
  message: Template
  severityWhen: Array<{when: CelFn; severity: Severity}>
  observed: CelFn | null
  evidence: Array<[string, CelFn]>
  fix: null | {
    summary: Template
    actions: Array<{kind: 'sysctl'; key: string; value: CelFn} | {kind: 'delete-line'; entry: CelFn} | {kind: 'set'; setting: CelFn; value: CelFn; prefer?: 'backend' | 'proxy'}>
  }
}

function parseExpr(rule: LoadedRule, field: string, expr: string): ReturnType<Environment['parse']> {
  try {
    return celEnvironment().parse(expr)
  } catch (error) {
    throw new UserError(`${rule.file}: invalid rule: ${field}: ${celErrorLine(error)}`)
  }
}

const viewsOf = (ctx: RuleCtx): Record<string, unknown> => (ctx.views ??= {host: celView(ctx.host), item: celView(ctx.item), params: ctx.params})

/**
 * The expression evaluated on the model objects where cel-direct is sure of CEL's answer, by
 * cel-js otherwise (errors included). An expression CEL's type check refuses (a ternary of a
 * string and an int) is always cel-js's, so that it fails as it would.
 */
function compileExpr(rule: LoadedRule, field: string, expr: string): CelFn {
  const fn = parseExpr(rule, field, expr)
  const cel: CelFn = (ctx) => fn(viewsOf(ctx))
  const direct = celEnvironment().check(expr).valid ? compileDirect(fn.ast) : null
  if (!direct) return cel
  return (ctx) => {
    const v = direct(ctx)
    return v === UNSURE ? cel(ctx) : v
  }
}

export function compileTemplate(rule: LoadedRule, field: string, text: string): Template {
  const parts: Template = []
  const re = /\{\{(.*?)\}\}/gs
  let last = 0
  for (const m of text.matchAll(re)) {
    // Messages are one paragraph (evaluate.ts render): the text's own runs of blanks collapse now.
    if (m.index! > last) parts.push(text.slice(last, m.index).replace(/\s+/g, ' '))
    parts.push(compileExpr(rule, `${field} {{${m[1]}}}`, m[1].trim()))
    last = m.index! + m[0].length
  }
  if (last < text.length) parts.push(text.slice(last).replace(/\s+/g, ' '))
  if (/\{\{|\}\}/.test(parts.filter((p) => typeof p === 'string').join(''))) {
    throw new UserError(`${rule.file}: invalid rule: ${field}: unbalanced {{ }}`)
  }
  return parts
}

/** Defers a compile until first use; the result is kept. */
function lazy<T>(make: () => T): () => T {
  let value: T | undefined
  return () => (value ??= make())
}

/**
 * Compiles a rule. User rules compile whole, so a bad expression is exit 2 before any host is
 * read; shipped rules were compiled whole at build time (scripts/build.js), so at audit time
 * only `when` is needed up front and the rest compiles if the rule fires — most do not.
 */
export function compileRule(rule: LoadedRule, opts: {eager?: boolean} = {}): CompiledRule {
  const eager = opts.eager ?? !rule.builtin
  const at = lazy(() => compileExpr(rule, 'at', rule.at))
  const message = lazy(() => compileTemplate(rule, 'message', rule.message))
  const severityWhen = lazy(() => (rule.severityWhen ?? []).map((s, i) => ({when: compileExpr(rule, `severityWhen.${i}.when`, s.when), severity: s.severity})))
  const observed = lazy(() => (rule.observed ? compileExpr(rule, 'observed', rule.observed) : null))
  const evidence = lazy(() => Object.entries(rule.evidence ?? {}).map(([k, v]): [string, CelFn] => [k, compileExpr(rule, `evidence.${k}`, v)]))
  const fix = lazy(() =>
    rule.fix
      ? {
          summary: compileTemplate(rule, 'fix.summary', rule.fix.summary),
          actions: (rule.fix.actions ?? []).map((a, i) =>
            'sysctl' in a
              ? {kind: 'sysctl' as const, key: a.sysctl, value: compileExpr(rule, `fix.actions.${i}.value`, a.value)}
              : 'set' in a
                ? {kind: 'set' as const, setting: compileExpr(rule, `fix.actions.${i}.set`, a.set), value: compileExpr(rule, `fix.actions.${i}.value`, a.value), ...(a.prefer ? {prefer: a.prefer} : {})}
                : {kind: 'delete-line' as const, entry: compileExpr(rule, `fix.actions.${i}.deleteLine`, a.deleteLine)},
          ),
        }
      : null,
  )
  const compiled: CompiledRule = {
    rule,
    when: compileExpr(rule, 'when', rule.when),
    get at() {
      return at()
    },
    get message() {
      return message()
    },
    get severityWhen() {
      return severityWhen()
    },
    get observed() {
      return observed()
    },
    get evidence() {
      return evidence()
    },
    get fix() {
      return fix()
    },
  }
  if (eager) void [compiled.at, compiled.message, compiled.severityWhen, compiled.observed, compiled.evidence, compiled.fix]
  return compiled
}
