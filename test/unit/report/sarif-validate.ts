// Validates SARIF against the official OASIS 2.1.0 schema (draft-04, beside the repo in
// test/schemas/, copied from the OASIS release). The schema's formats are checked too, not skipped: "uri" must parse
// as an absolute URL, "uri-reference" must be plain ASCII without spaces that resolves
// against a base, "date-time" must parse.
import AjvDraft04, {type ValidateFunction} from 'ajv-draft-04'
import {readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url))
export const SARIF_SCHEMA_FILE = `${REPO_ROOT}/test/schemas/sarif-schema-2.1.0.json`

function isUri(s: string): boolean {
  try {
    new URL(s)
    return /^[\x21-\x7e]+$/.test(s)
  } catch {
    return false
  }
}

function isUriReference(s: string): boolean {
  if (!/^[\x21-\x7e]*$/.test(s) || s.includes('\\')) return false
  try {
    new URL(s, 'file:///base/')
    return true
  } catch {
    return false
  }
}

// A CommonJS module: under NodeNext its default import is module.exports, whose .default is the class.
const Ajv = AjvDraft04.default

let validate: ValidateFunction | undefined

/** The list of schema errors, empty when valid. */
export function sarifErrors(doc: unknown): string[] {
  if (!validate) {
    const ajv = new Ajv({strict: false, allErrors: true})
    ajv.addFormat('uri', isUri)
    ajv.addFormat('uri-reference', isUriReference)
    ajv.addFormat('date-time', (s: string) => !Number.isNaN(Date.parse(s)))
    validate = ajv.compile(JSON.parse(readFileSync(SARIF_SCHEMA_FILE, 'utf8')))
  }
  if (validate(doc)) return []
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`)
}

/**
 * What GitHub code scanning needs beyond the schema, from its documented SARIF support
 * ("SARIF support for code scanning": required properties and upload limits). The SARIF
 * multitool's `validate --rule-kind Gh` runs on this machine (5.7.0) but reported nothing even
 * for absolute file: URIs, so the rules that made uploads fail are checked here instead.
 */
export function githubErrors(doc: any): string[] {
  const errors: string[] = []
  const runs: any[] = doc?.runs ?? []
  if (runs.length > 20) errors.push(`${runs.length} runs (limit 20)`)
  runs.forEach((run, ri) => {
    const rules: any[] = run.tool?.driver?.rules ?? []
    if (rules.length > 25_000) errors.push(`run ${ri}: ${rules.length} rules (limit 25000)`)
    for (const r of rules) if ((r.properties?.tags ?? []).length > 20) errors.push(`rule ${r.id}: more than 20 tags`)
    const results: any[] = run.results ?? []
    if (results.length > 25_000) errors.push(`run ${ri}: ${results.length} results (limit 25000)`)
    results.forEach((r, i) => {
      const at = `runs/${ri}/results/${i} (${r.ruleId})`
      if (!r.ruleId) errors.push(`${at}: no ruleId`)
      if (!r.message?.text) errors.push(`${at}: no message.text`)
      const locs: any[] = r.locations ?? []
      if (locs.length > 1000) errors.push(`${at}: ${locs.length} locations (limit 1000)`)
      if (!locs.some((l) => l.physicalLocation?.artifactLocation?.uri)) errors.push(`${at}: no physical location`)
      for (const l of locs) {
        const uri: string | undefined = l.physicalLocation?.artifactLocation?.uri
        if (uri === undefined) continue
        if (/^[a-z][a-z0-9+.-]*:/i.test(uri) || uri.startsWith('/')) errors.push(`${at}: absolute URI ${uri}`)
        if (uri.split('/').some((s) => s === '..' || s === '.')) errors.push(`${at}: URI leaves the checkout: ${uri}`)
        const line = l.physicalLocation.region?.startLine
        if (line !== undefined && !(Number.isInteger(line) && line >= 1)) errors.push(`${at}: startLine ${line}`)
      }
    })
  })
  return errors
}
