// Validation of snapshots read from disk. Live collection builds snapshots itself and skips
// this, which keeps ajv out of the hot path of `conntune audit`.
import {readFileSync} from 'node:fs'
import {UserError} from '../errors.js'
import {SNAPSHOT_SCHEMA} from '../paths.js'
import {SNAPSHOT_FORMAT, SNAPSHOT_VERSION, type Snapshot} from './types.js'

let validator: ((data: unknown) => boolean) & {errors?: Array<{instancePath: string; message?: string; params?: unknown}> | null} | undefined

async function getValidator() {
  if (!validator) {
    const {Ajv} = await import('ajv')
    const schema = JSON.parse(readFileSync(SNAPSHOT_SCHEMA, 'utf8'))
    validator = new Ajv({allErrors: false, strict: true, allowUnionTypes: true}).compile(schema)
  }
  return validator
}

/** Parses and validates a snapshot file's text; a UserError names the file and the problem. */
export async function parseSnapshotText(text: string, file: string): Promise<Snapshot> {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    throw new UserError(`${file}: not a conntune snapshot: invalid JSON (${(error as Error).message})`)
  }
  if (typeof data !== 'object' || data === null || (data as {format?: unknown}).format !== SNAPSHOT_FORMAT) {
    throw new UserError(`${file}: not a conntune snapshot (no "format": "${SNAPSHOT_FORMAT}")`)
  }
  const version = (data as {version?: unknown}).version
  if (typeof version === 'number' && version > SNAPSHOT_VERSION) {
    throw new UserError(
      `${file}: snapshot version ${version} is newer than this conntune reads (${SNAPSHOT_VERSION}); upgrade conntune`,
    )
  }
  const validate = await getValidator()
  if (!validate(data)) {
    const e = validate.errors?.[0]
    const at = e?.instancePath ? e.instancePath : '(top level)'
    throw new UserError(`${file}: invalid snapshot at ${at}: ${e?.message ?? 'does not match the schema'}`)
  }
  return data as Snapshot
}

export async function validateSnapshot(data: Snapshot): Promise<string | null> {
  const validate = await getValidator()
  if (validate(data)) return null
  const e = validate.errors?.[0]
  return `${e?.instancePath || '(top level)'}: ${e?.message ?? 'does not match the schema'}`
}
