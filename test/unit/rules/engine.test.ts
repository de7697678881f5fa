import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {UserError} from '../../../src/errors.js'
import {buildHostModel} from '../../../src/model/build.js'
import {versionAtLeast, toCel, fromCel} from '../../../src/rules/cel.js'
import {compileRule} from '../../../src/rules/compile.js'
import {evaluateRules} from '../../../src/rules/evaluate.js'
import {exampleSnapshot} from '../../../src/rules/example-snapshot.js'
import {loadRuleDir, loadRuleFile} from '../../../src/rules/load.js'
import {BUILTIN_RULES_DIR} from '../../../src/paths.js'

const valid = readFileSync(join(BUILTIN_RULES_DIR, 'sysctl-tw-reuse-needs-timestamps.yaml'), 'utf8')

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ct-rules-'))
})
afterEach(() => rmSync(dir, {recursive: true, force: true}))

function writeRule(name: string, text: string): string {
  const p = join(dir, `${name}.yaml`)
  writeFileSync(p, text)
  return p
}

async function loadError(p: string): Promise<UserError> {
  try {
    await loadRuleFile(p)
  } catch (error) {
    expect(error).toBeInstanceOf(UserError)
    return error as UserError
  }
  throw new Error('expected the rule to be rejected')
}

describe('loading rules', () => {
  it('accepts a valid rule', async () => {
    const r = await loadRuleFile(writeRule('sysctl-tw-reuse-needs-timestamps', valid))
    expect(r.id).toBe('sysctl-tw-reuse-needs-timestamps')
  })

  it('names the file and the offending field of a schema violation', async () => {
    const e = await loadError(writeRule('sysctl-tw-reuse-needs-timestamps', valid.replace('severity: warning', 'severity: critical')))
    expect(e.message).toMatch(/sysctl-tw-reuse-needs-timestamps\.yaml: invalid rule: severity: must be equal to one of the allowed values \(error, warning, info\)/)
    expect(e.exitCode).toBe(2)
  })

  it('names an unknown field', async () => {
    const e = await loadError(writeRule('sysctl-tw-reuse-needs-timestamps', valid.replace('scope: host', 'scope: host\nwhenever: "true"')))
    expect(e.message).toMatch(/invalid rule: \(top level\): must NOT have additional properties "whenever"/)
  })

  it('gives the line of a YAML syntax error', async () => {
    const e = await loadError(writeRule('broken', 'id: x\ntitle: [unclosed\n'))
    expect(e.message).toMatch(/broken\.yaml:\d+:\d+: invalid YAML/)
    expect(e.message.split('\n')).toHaveLength(1)
  })

  it('rejects a CEL syntax error naming the field', async () => {
    const p = writeRule('sysctl-tw-reuse-needs-timestamps', valid.replace(/^when: >-\n(  .*\n)+/m, 'when: host.sysctl.tcp_tw_reuse.num !=\n'))
    const rule = await loadRuleFile(p)
    expect(() => compileRule(rule)).toThrow(/sysctl-tw-reuse-needs-timestamps\.yaml: invalid rule: when: /)
  })

  it('rejects what CEL\'s type check refuses, in when and in a template, naming the field', async () => {
    // cel-js would refuse these on every item: an invalid rule up front, as a syntax error is.
    const badWhen = await loadRuleFile(writeRule('sysctl-tw-reuse-needs-timestamps', valid.replace(/^when: >-\n(  .*\n)+/m, 'when: \'host.sysctl.tcp_tw_reuse.num > 0 ? "yes" : 1\'\n')))
    expect(() => compileRule(badWhen)).toThrow(/sysctl-tw-reuse-needs-timestamps\.yaml: invalid rule: when: Ternary branches must have the same type/)
    const badHole = await loadRuleFile(writeRule('sysctl-tw-reuse-needs-timestamps', valid.replace('reuse of a TIME_WAIT', 'reuse {{ "a" + 1 }} of a TIME_WAIT')))
    expect(() => compileRule(badHole)).toThrow(/invalid rule: message \{\{ "a" \+ 1 \}\}: /)
  })

  it('rejects an unbalanced message template', async () => {
    const rule = await loadRuleFile(writeRule('sysctl-tw-reuse-needs-timestamps', valid.replace('reuse of a TIME_WAIT', 'reuse {{ of a TIME_WAIT')))
    expect(() => compileRule(rule)).toThrow(/invalid rule: message/)
  })

  it('requires the id to match the file name', async () => {
    const e = await loadError(writeRule('other-name', valid))
    expect(e.message).toMatch(/id "sysctl-tw-reuse-needs-timestamps" must match the file name "other-name"/)
  })

  it('requires examples of both kinds', async () => {
    const onlyFire = valid.replace(/expect: pass/g, 'expect: fire')
    const e = await loadError(writeRule('sysctl-tw-reuse-needs-timestamps', onlyFire))
    expect(e.message).toMatch(/needs at least one example that expects "pass"/)
  })

  it('reports an unreadable rule directory', async () => {
    await expect(loadRuleDir(join(dir, 'nope'))).rejects.toThrow(/cannot read rule directory: ENOENT/)
  })
})

describe('evaluating rules', () => {
  it('reports a rule that fails at run time instead of crashing the audit', async () => {
    const broken = valid.replace(/^when: >-\n(  .*\n)+/m, 'when: host.sysctl.tcp_tw_reuse.num < "x"\n')
    const rule = await loadRuleFile(writeRule('sysctl-tw-reuse-needs-timestamps', broken))
    const model = buildHostModel(exampleSnapshot({name: 'x', expect: 'pass'}), {source: 'example'})
    const {findings, failures} = evaluateRules([compileRule(rule)], model)
    expect(findings).toEqual([])
    expect(failures).toHaveLength(1)
    expect(failures[0].file).toMatch(/sysctl-tw-reuse-needs-timestamps\.yaml$/)
  })

  it('interpolates values and builds fix actions', async () => {
    const rule = await loadRuleFile(join(BUILTIN_RULES_DIR, 'sysctl-tw-reuse-needs-timestamps.yaml'))
    const snap = exampleSnapshot({name: 'x', expect: 'fire', host: {sysctl: {'net.ipv4.tcp_tw_reuse': '1', 'net.ipv4.tcp_timestamps': '0'}}})
    const {findings} = evaluateRules([compileRule(rule)], buildHostModel(snap, {source: 'example'}))
    expect(findings).toHaveLength(1)
    expect(findings[0].message).toMatch(/^net\.ipv4\.tcp_tw_reuse = 1 but net\.ipv4\.tcp_timestamps = 0/)
    expect(findings[0].fix?.actions).toEqual([{kind: 'sysctl', key: 'net.ipv4.tcp_timestamps', value: '1'}])
    expect(findings[0].evidence).toMatchObject({'net.ipv4.tcp_tw_reuse': '1', 'net.ipv4.tcp_timestamps': '0'})
  })
})

describe('CEL helpers', () => {
  it('compares versions, never treating an unknown one as recent', () => {
    expect(versionAtLeast('4.12.0', '4.12')).toBe(true)
    expect(versionAtLeast('4.9.337', '4.12')).toBe(false)
    expect(versionAtLeast('1.29.7', '1.29.7')).toBe(true)
    expect(versionAtLeast('1.30.0', '1.29.7')).toBe(true)
    expect(versionAtLeast('', '0.1')).toBe(false)
  })

  it('passes whole numbers as ints and the rest as doubles, and back', () => {
    expect(toCel({a: 3, b: 0.5, c: [1, null], d: 'x'})).toEqual({a: 3n, b: 0.5, c: [1n, null], d: 'x'})
    expect(fromCel({a: 3n, b: [2n]})).toEqual({a: 3, b: [2]})
  })
})
