// .conntune.yaml: what the host cannot show (the frontend, backends on other hosts, versions)
// and how a team accepts findings (severity overrides, rules off, ignores with reasons).
// Found next to what is checked, walking up; or named with --config.
import {lstatSync, readFileSync, statSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'
import {UserError} from '../errors.js'
import {FILE_BOUNDS, readTextOrThrow} from '../sources/read-regular.js'
import {PACKAGE_ROOT} from '../paths.js'

export const PROJECT_FILE = '.conntune.yaml'

export interface ProjectBackend {
  address: string
  kind: string
  name?: string
  idleTimeout?: number
  keepsIdleConnections?: boolean
}

export interface ProjectIgnore {
  rule: string
  reason: string
  file?: string
  host?: string
  expires?: string
}

export interface ProjectConfig {
  frontend?: string | {preset?: string; idleTimeout: number}
  natIdleTimeout?: number
  role?: 'proxy' | 'server'
  /** Host path prefix → directory (relative to the file's directory) holding it in the checkout. */
  map?: Record<string, string>
  versions?: {nginx?: string; lighttpd?: string; gunicorn?: string}
  /** Third-party module directives, so that validation knows them. */
  nginx?: {directives?: Array<{name: string; contexts?: string[]; args?: number[]; block?: boolean}>}
  backends?: ProjectBackend[]
  severity?: Record<string, 'error' | 'warning' | 'info' | 'off'>
  ignores?: ProjectIgnore[]
}

export interface LoadedProject {
  file: string
  config: ProjectConfig
}

/**
 * The nearest .conntune.yaml at or above `start` (a file's directory, or a directory). A name
 * that is there but cannot be followed (a dangling link, a link loop) is an error: skipping
 * it would silently apply a parent's settings, or none.
 */
export function findProjectFile(start: string): string | null {
  let dir = resolve(start)
  for (;;) {
    const p = join(dir, PROJECT_FILE)
    if (present(p) && !plantedByOther(statSync(dir).mode, lstatSync(p).uid, process.geteuid?.() ?? -1)) return p
    const up = dirname(dir)
    if (up === dir) return null
    dir = up
  }
}

/**
 * A project file in a directory anyone may write to (/tmp, /var/tmp, /dev/shm), left there by
 * another user, is not this project's: it could turn rules off or ignore findings for whoever
 * checks a tree below it (root, on a shared host or CI runner). It is passed over and the walk
 * goes on up, as git refuses a repository of "dubious ownership". One owned by root or by the
 * user running conntune is used.
 */
export function plantedByOther(dirMode: number, fileUid: number, euid: number): boolean {
  return (dirMode & 0o002) !== 0 && fileUid !== euid && fileUid !== 0
}

function present(p: string): boolean {
  try {
    if (!lstatSync(p).isSymbolicLink()) return true
  } catch {
    return false
  }
  try {
    statSync(p)
    return true
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new UserError(`${p}: ${code === 'ELOOP' ? 'a symlink loop' : code === 'ENOENT' ? 'a symlink to nothing (dangling)' : `a symlink that cannot be followed (${code})`}; remove it or point it at the project's configuration`)
  }
}

export async function loadProjectFile(file: string): Promise<LoadedProject> {
  const text = readTextOrThrow(file, FILE_BOUNDS.project)
  const YAML = await import('yaml')
  const doc = YAML.parseDocument(text, {prettyErrors: true, uniqueKeys: true})
  if (doc.errors.length > 0) {
    const e = doc.errors[0]
    const at = e.linePos?.[0]
    throw new UserError(`${file}${at ? `:${at.line}:${at.col}` : ''}: invalid YAML: ${e.message.split('\n')[0]}`)
  }
  const {yamlToJs} = await import('./yaml-js.js')
  const data = yamlToJs(doc, text, file) ?? {}
  const {Ajv} = await import('ajv')
  const schema = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'src/config/schema.json'), 'utf8'))
  const validate = new Ajv({allErrors: false, strict: true, allowUnionTypes: true, formats: {date: /^\d{4}-\d{2}-\d{2}$/}}).compile(schema)
  if (!validate(data)) {
    const e = validate.errors![0]
    const field = e.instancePath ? e.instancePath.slice(1).replaceAll('/', '.') : '(top level)'
    const extra = e.params && 'additionalProperty' in e.params ? ` "${String(e.params.additionalProperty)}"` : ''
    // The line of the offending node, where the YAML document can say it.
    const path = e.instancePath.split('/').filter(Boolean).map((p) => (/^\d+$/.test(p) ? Number(p) : p))
    const node = path.length > 0 ? (doc.getIn(path, true) as {range?: [number, number, number]} | undefined) : undefined
    const line = node?.range ? text.slice(0, node.range[0]).split('\n').length : undefined
    throw new UserError(`${file}${line ? `:${line}` : ''}: invalid configuration: ${field}: ${e.message}${extra}`)
  }
  return {file, config: data as ProjectConfig}
}

/** --config wins; else the nearest file above the first path checked (or the working directory). */
export async function loadProject(opts: {explicit?: string; searchFrom: string[]}): Promise<LoadedProject | null> {
  if (opts.explicit) return loadProjectFile(resolve(opts.explicit))
  for (const start of opts.searchFrom) {
    const found = findProjectFile(start)
    if (found) return loadProjectFile(found)
  }
  return null
}
