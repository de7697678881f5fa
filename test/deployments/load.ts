// The deployments corpus (test/deployments/NAME/deployment.yaml): loaded and validated against
// one schema by both the runner (test/integration/deployments.test.ts) and the real-program
// validation (test/real/deployments-valid.test.ts).
import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {Ajv} from 'ajv'
import {parse} from 'yaml'

export const DEPLOYMENTS = fileURLToPath(new URL('./', import.meta.url))

export interface Deployment {
  name: string
  dir: string
  description: string
  run: string[]
  expect: {exit?: number; fire?: string[]; notFire?: string[]; exactly?: Record<string, number>}
  why: Record<string, string>
  validate?: {nginx?: string[]; lighttpd?: string[]; gunicorn?: string[]}
}

const ids = {type: 'array', items: {type: 'string', pattern: '^[a-z0-9-]+$'}}
const files = {type: 'array', items: {type: 'string', minLength: 1}, minItems: 1}
const SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['description', 'run', 'expect', 'why'],
  properties: {
    description: {type: 'string', minLength: 10},
    run: {type: 'array', items: {type: 'string'}, minItems: 1},
    expect: {
      type: 'object',
      additionalProperties: false,
      properties: {
        exit: {type: 'integer', minimum: 0, maximum: 3},
        fire: ids,
        notFire: ids,
        exactly: {type: 'object', additionalProperties: {type: 'integer', minimum: 0}},
      },
    },
    why: {type: 'object', additionalProperties: {type: 'string', pattern: 'https?://'}},
    validate: {
      type: 'object',
      additionalProperties: false,
      properties: {nginx: files, lighttpd: files, gunicorn: files},
    },
  },
} as const

const validate = new Ajv({allErrors: true}).compile(SCHEMA)

/** Every deployment, or throws naming the file and what is wrong with it. */
export function loadDeployments(): Deployment[] {
  const out: Deployment[] = []
  for (const name of readdirSync(DEPLOYMENTS).sort()) {
    const file = join(DEPLOYMENTS, name, 'deployment.yaml')
    if (!existsSync(file)) continue
    const doc = parse(readFileSync(file, 'utf8')) as Omit<Deployment, 'name' | 'dir'>
    if (!validate(doc)) throw new Error(`${file}: ${validate.errors!.map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ')}`)
    out.push({...doc, name, dir: join(DEPLOYMENTS, name)})
  }
  return out
}
