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
 * cel-js otherwise (errors included). CEL's type check (a ternary of a string and an int, a
 * string plus an int) is an invalid rule, as a syntax error is: cel-js would refuse the
 * expression on every item. Shipped rules were checked when the build compiled them whole,
 * so an audit does not check them again (≈ 4 ms of every start).
 */
function compileExpr(rule: LoadedRule, field: string, expr: string, typeCheck: boolean): CelFn {
  const fn = parseExpr(rule, field, expr)
  const cel: CelFn = (ctx) => fn(viewsOf(ctx))
  if (typeCheck) {
    // On the expression already parsed: the check annotates that AST with its types, which its
    // first evaluation would otherwise work out itself.
    const checked = (fn as unknown as {check: () => {valid: boolean; error?: unknown}}).check()
    if (!checked.valid) throw new UserError(`${rule.file}: invalid rule: ${field}: ${celErrorLine(checked.error)}`)
  }
  const direct = compileDirect(fn.ast)
  if (!direct) return cel
  return (ctx) => {
    const v = direct(ctx)
    return v === UNSURE ? cel(ctx) : v
  }
}

export function compileTemplate(rule: LoadedRule, field: string, text: string, typeCheck = !rule.builtin): Template {
  const parts: Template = []
  let last = 0
  // What /\{\{(.*?)\}\}/gs finds, by indexOf: that regex retries from every {{ without a }} after it, O(n²).
  for (let open = text.indexOf('{{'); open !== -1; open = text.indexOf('{{', last)) {
    const close = text.indexOf('}}', open + 2)
    if (close === -1) break
    const expr = text.slice(open + 2, close)
    // Messages are one paragraph (evaluate.ts render): the text's own runs of blanks collapse now.
    if (open > last) parts.push(text.slice(last, open).replace(/\s+/g, ' '))
    parts.push(compileExpr(rule, `${field} {{${expr}}}`, expr.trim(), typeCheck))
    last = close + 2
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
  const at = lazy(() => compileExpr(rule, 'at', rule.at, eager))
  const message = lazy(() => compileTemplate(rule, 'message', rule.message, eager))
  const severityWhen = lazy(() => (rule.severityWhen ?? []).map((s, i) => ({when: compileExpr(rule, `severityWhen.${i}.when`, s.when, eager), severity: s.severity})))
  const observed = lazy(() => (rule.observed ? compileExpr(rule, 'observed', rule.observed, eager) : null))
  const evidence = lazy(() => Object.entries(rule.evidence ?? {}).map(([k, v]): [string, CelFn] => [k, compileExpr(rule, `evidence.${k}`, v, eager)]))
  const fix = lazy(() =>
    rule.fix
      ? {
          summary: compileTemplate(rule, 'fix.summary', rule.fix.summary, eager),
          actions: (rule.fix.actions ?? []).map((a, i) =>
            'sysctl' in a
              ? {kind: 'sysctl' as const, key: a.sysctl, value: compileExpr(rule, `fix.actions.${i}.value`, a.value, eager)}
              : 'set' in a
                ? {kind: 'set' as const, setting: compileExpr(rule, `fix.actions.${i}.set`, a.set, eager), value: compileExpr(rule, `fix.actions.${i}.value`, a.value, eager), ...(a.prefer ? {prefer: a.prefer} : {})}
                : {kind: 'delete-line' as const, entry: compileExpr(rule, `fix.actions.${i}.deleteLine`, a.deleteLine, eager)},
          ),
        }
      : null,
  )
  const compiled: CompiledRule = {
    rule,
    when: compileExpr(rule, 'when', rule.when, eager),
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
