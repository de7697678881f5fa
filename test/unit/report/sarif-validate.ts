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
