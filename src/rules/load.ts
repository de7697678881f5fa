// Rules are data: rules/*.yaml validated against rules/schema.json. The shipped rules are
// also compiled into dist/rules.json at build time, so `conntune audit` loads neither a YAML
// parser nor ajv; the cache is used only while it matches the YAML files it was built from.
import {readFileSync, readdirSync, statSync} from 'node:fs'
import {join} from 'node:path'
import {UserError} from '../errors.js'
import {FILE_BOUNDS, readTextOrThrow} from '../sources/read-regular.js'
import {BUILTIN_RULES_DIR, PACKAGE_ROOT} from '../paths.js'
import type {LoadedRule, RuleSpec} from './types.js'

export interface RuleCache {
  files: Record<string, {mtimeMs: number; size: number}>
  rules: RuleSpec[]
}

export const RULE_CACHE = join(PACKAGE_ROOT, 'dist', 'rules.json')

function ruleFiles(dir: string): string[] {
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch (error) {
    throw new UserError(`${dir}: cannot read rule directory: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`)
  }
  return names.filter((n) => /\.ya?ml$/.test(n)).sort().map((n) => join(dir, n))
}

function fingerprint(files: string[]): RuleCache['files'] {
  const out: RuleCache['files'] = {}
  for (const f of files) {
    const st = statSync(f)
    out[f.slice(f.lastIndexOf('/') + 1)] = {mtimeMs: st.mtimeMs, size: st.size}
  }
  return out
}

let schemaValidator: (((d: unknown) => boolean) & {errors?: Array<{instancePath: string; message?: string; params?: Record<string, unknown>}> | null}) | undefined

async function validator() {
  if (!schemaValidator) {
    const {Ajv} = await import('ajv')
    const schema = JSON.parse(readFileSync(join(BUILTIN_RULES_DIR, 'schema.json'), 'utf8'))
    schemaValidator = new Ajv({allErrors: false, strict: true, allowUnionTypes: true}).compile(schema)
  }
  return schemaValidator
}

/** Reads and validates one rule file; errors name the file and the offending field. */
export async function loadRuleFile(file: string, builtin = false): Promise<LoadedRule> {
  const [YAML, {yamlToJs}] = await Promise.all([import('yaml'), import('../config/yaml-js.js')])
  const text = readTextOrThrow(file, FILE_BOUNDS.rule, 'rule')
  let data: unknown
  try {
    const doc = YAML.parseDocument(text, {prettyErrors: true, uniqueKeys: true})
    if (doc.errors.length > 0) {
      const e = doc.errors[0]
      const line = e.linePos?.[0]
      throw new UserError(`${file}${line ? `:${line.line}:${line.col}` : ''}: invalid YAML: ${e.message.split('\n')[0]}`)
    }
    data = yamlToJs(doc, text, file)
  } catch (error) {
    if (error instanceof UserError) throw error
    throw new UserError(`${file}: invalid YAML: ${(error as Error).message.split('\n')[0]}`)
  }
  const validate = await validator()
  if (!validate(data)) {
    const e = validate.errors![0]
    const field = e.instancePath ? e.instancePath.slice(1).replaceAll('/', '.') : '(top level)'
    const extra = e.params && 'additionalProperty' in e.params ? ` "${String(e.params.additionalProperty)}"` : ''
    const allowed = e.params && 'allowedValues' in e.params ? ` (${(e.params.allowedValues as unknown[]).join(', ')})` : ''
    throw new UserError(`${file}: invalid rule: ${field}: ${e.message}${extra}${allowed}`)
  }
  const spec = data as RuleSpec
  const base = file.slice(file.lastIndexOf('/') + 1).replace(/\.ya?ml$/, '')
  if (spec.id !== base) throw new UserError(`${file}: invalid rule: id "${spec.id}" must match the file name "${base}"`)
  for (const kind of ['fire', 'pass'] as const) {
    if (!spec.examples.some((x) => x.expect === kind)) {
      throw new UserError(`${file}: invalid rule: examples: needs at least one example that expects "${kind}"`)
    }
  }
  return {...spec, file, builtin}
}

export async function loadRuleDir(dir: string, builtin = false): Promise<LoadedRule[]> {
  const rules: LoadedRule[] = []
  for (const f of ruleFiles(dir)) rules.push(await loadRuleFile(f, builtin))
  return rules
}

/** The shipped rules: from the build cache when it is current, else from the YAML. */
export async function loadBuiltinRules(): Promise<LoadedRule[]> {
  const files = ruleFiles(BUILTIN_RULES_DIR)
  try {
    const cache = JSON.parse(readFileSync(RULE_CACHE, 'utf8')) as RuleCache
    if (JSON.stringify(cache.files) === JSON.stringify(fingerprint(files))) {
      return cache.rules.map((r) => ({...r, file: join(BUILTIN_RULES_DIR, `${r.id}.yaml`), builtin: true}))
    }
  } catch {
    // No or unreadable cache: the YAML is the source of truth anyway.
  }
  return loadRuleDir(BUILTIN_RULES_DIR, true)
}

export async function buildRuleCache(): Promise<RuleCache> {
  const files = ruleFiles(BUILTIN_RULES_DIR)
  const rules = await loadRuleDir(BUILTIN_RULES_DIR, true)
  // Every expression is checked here, so audits can compile shipped rules lazily.
  const {compileRule} = await import('./compile.js')
  for (const r of rules) compileRule(r, {eager: true})
  return {files: fingerprint(files), rules: rules.map(({file: _f, builtin: _b, ...spec}) => spec)}
}

/** Built-in rules plus the user's directories; a duplicate id is an error naming both files. */
export async function loadRules(extraDirs: string[] = []): Promise<LoadedRule[]> {
  const rules = await loadBuiltinRules()
  const seen = new Map(rules.map((r) => [r.id, r.file]))
  for (const dir of extraDirs) {
    for (const r of await loadRuleDir(dir)) {
      const prev = seen.get(r.id)
      if (prev) throw new UserError(`${r.file}: rule id "${r.id}" is already defined in ${prev}`)
      seen.set(r.id, r.file)
      rules.push(r)
    }
  }
  return rules
}
