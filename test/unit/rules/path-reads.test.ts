// A bare path (`item.client.name`) is read from the model object instead of through CEL; what a
// report gets must be what CEL would have given, and whatever CEL refuses it must still refuse.
import {celEnvironment, celView, fromCel} from '../../../src/rules/cel.js'
import {compileRule} from '../../../src/rules/compile.js'
import {evaluateRules} from '../../../src/rules/evaluate.js'
import type {LoadedRule} from '../../../src/rules/types.js'

const rule = (evidence: Record<string, string>): LoadedRule =>
  ({id: 'path-test', title: 't', severity: 'info', scope: 'host', when: 'true', at: 'item.at', message: '{{ item.name }} {{ item.n }}', evidence, references: [], file: 'path-test.yaml', builtin: true}) as unknown as LoadedRule

// Every value shape a model field holds, a null on the way and a missing key.
const item = {
  name: 'app',
  n: 30,
  ratio: 0.25,
  flag: false,
  none: null,
  list: [1, 2.5, 'x', {a: 1}],
  nested: {deep: {count: 7, label: 'y'}},
  map: new Map([['k', 1]]),
  empty: {},
}
const paths = ['item.name', 'item.n', 'item.ratio', 'item.flag', 'item.none', 'item.list', 'item.nested', 'item.nested.deep.count', 'item.nested.deep.label', 'item.map', 'item.empty', 'item.none.x', 'item.missing', 'item.nested.missing', 'item.list.length', 'host.name', 'host.nested.deep']

function viaCel(expr: string, ctx: Record<string, unknown>): {value?: unknown; error?: string} {
  try {
    return {value: fromCel(celEnvironment().parse(expr)(ctx))}
  } catch (error) {
    return {error: String((error as Error).message).split('\n')[0]}
  }
}

function viaRule(expr: string, ctx: {host: unknown; item: unknown; params: Record<string, unknown>}): {value?: unknown; error?: string} {
  const [[, fn]] = compileRule(rule({x: expr})).evidence
  try {
    return {value: fromCel(fn!(ctx))}
  } catch (error) {
    return {error: String((error as Error).message).split('\n')[0]}
  }
}

describe('bare paths read from the model object', () => {
  const ctx = {item: celView(item), host: celView(item), params: {}}
  it.each(paths)('%s: the same value, or the same error, as CEL', (expr) => {
    expect(viaRule(expr, ctx)).toEqual(viaCel(expr, ctx))
  })

  it('a key CEL would not find is still an error (a broken rule), not a missing value', () => {
    expect(viaRule('item.missing', ctx).error).toBeTruthy()
  })

  it('derived fields (a setting\'s at) still come from the view', () => {
    const setting = {name: 'keepalive_timeout', value: '65s', file: '/etc/nginx/nginx.conf', line: 3, explicit: true, insertAt: null}
    const model = {name: 'h', settings: [setting]} as never
    const r = {...rule({where: 'item.at'}), scope: 'host.settings', at: 'item.at', message: '{{ item.at.line }}'} as unknown as LoadedRule
    const {findings} = evaluateRules([compileRule(r)], model)
    expect(findings[0]!.evidence.where).toEqual(viaCel('item.at', {item: celView(setting)}).value)
    expect(findings[0]!.message).toBe('3')
    expect(findings[0]!.location).toMatchObject({file: '/etc/nginx/nginx.conf', line: 3})
  })
})
