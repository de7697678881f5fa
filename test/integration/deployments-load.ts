// Loads the deployment corpus (test/deployments/NAME/deployment.yaml), each validated against
// a small schema, for the corpus runner and the real-program validation.
import fs from 'node:fs'
import path from 'node:path'
import {Ajv} from 'ajv'
import {parse} from 'yaml'
import {REPO} from './run-cli.js'

const ROOT = path.join(REPO, 'test/deployments')

const SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['description', 'run', 'expect', 'why'],
  properties: {
    description: {type: 'string', minLength: 10},
    run: {type: 'array', minItems: 1, items: {type: 'string'}},
    expect: {
      type: 'object',
      additionalProperties: false,
      properties: {
        exit: {type: 'integer', minimum: 0, maximum: 3},
        fire: {type: 'array', items: {type: 'string'}},
        notFire: {type: 'array', items: {type: 'string'}},
        exactly: {type: 'object', additionalProperties: {type: 'integer', minimum: 0}},
      },
    },
    why: {type: 'object', additionalProperties: {type: 'string', pattern: 'https?://'}},
    validate: {
      type: 'object',
      additionalProperties: false,
      properties: {
        nginx: {type: 'array', items: {type: 'string'}},
        lighttpd: {type: 'array', items: {type: 'string'}},
        gunicorn: {type: 'array', items: {type: 'string'}},
      },
    },
  },
} as const

export interface Deployment {
  name: string
  dir: string
  spec: {
    description: string
    run: string[]
    expect: {exit?: number; fire?: string[]; notFire?: string[]; exactly?: Record<string, number>}
    why: Record<string, string>
    validate?: {nginx?: string[]; lighttpd?: string[]; gunicorn?: string[]}
  }
}

export function loadDeployments(): Deployment[] {
  if (!fs.existsSync(ROOT)) return []
  const validate = new Ajv({allErrors: true}).compile(SCHEMA)
  return fs.readdirSync(ROOT).sort().filter((n) => fs.statSync(path.join(ROOT, n)).isDirectory()).map((name) => {
    const dir = path.join(ROOT, name)
    const file = path.join(dir, 'deployment.yaml')
    const spec: unknown = parse(fs.readFileSync(file, 'utf8'))
    if (!validate(spec)) throw new Error(`${file}: ${JSON.stringify(validate.errors)}`)
    return {name, dir, spec: spec as Deployment['spec']}
  })
}

