// Docker Compose files (compose.yaml, docker-compose.yml, *.compose.yml): each service whose
// command/entrypoint starts gunicorn, with the environment Compose gives it (`environment:`
// map or list, `env_file:`), as the Compose specification defines them. `${VAR:-default}`
// interpolation takes the default; `${VAR}` takes the project's .env when it sets VAR.
import type {Node} from 'yaml'
import {yamlSync} from '../../yaml-sync.js'
import {ParseError, type FileReader, type ParseResult} from '../types.js'
import {shlexSplit} from './shell-words.js'
import {parseEnvFile} from './systemd.js'
import type {EnvEntry} from './sources.js'

export interface ComposeService {
  name: string
  line: number
  /** entrypoint then command, split as Compose splits a string (shell-like, no shell) */
  words: string[]
  wordsLine: number
  unresolved: Map<number, string>
  env: Record<string, EnvEntry>
  /** Directory of the build context when the service builds from this repo */
  buildDir?: string
  notes: string[]
}

const MAX_SERVICES = 1000

function dirOf(file: string): string {
  const i = file.lastIndexOf('/')
  return i <= 0 ? (i === 0 ? '/' : '.') : file.slice(0, i)
}

export function readCompose(text: string, file: string, opts: {reader?: FileReader} = {}): ParseResult<ComposeService[]> {
  const {isMap, isScalar, isSeq, LineCounter, parseDocument} = yamlSync()
  const errors: ParseError[] = []
  const lc = new LineCounter()
  const doc = parseDocument(text, {lineCounter: lc, uniqueKeys: false})
  const lineOf = (n: Node | null | undefined) => (n?.range ? lc.linePos(n.range[0]).line : 1)
  for (const e of doc.errors) errors.push(new ParseError('syntax', {file, line: e.linePos?.[0]?.line ?? 1, col: e.linePos?.[0]?.col ?? 1}, `YAML: ${e.message.split('\n')[0]}`))
  const out: ComposeService[] = []
  if (errors.length > 0) return {value: out, errors}
  const dir = dirOf(file)
  // The project's .env supplies ${VAR} interpolation (not the services' environment).
  const dotEnv = new Map<string, string>()
  const envRead = opts.reader?.read(`${dir}/.env`)
  if (envRead && 'text' in envRead) for (const v of parseEnvFile(envRead.text).vars) dotEnv.set(v.name, v.value)
  const services = doc.get('services', true)
  if (!isMap(services)) return {value: out, errors}
  for (const pair of services.items.slice(0, MAX_SERVICES)) {
    if (!isScalar(pair.key) || !isMap(pair.value)) continue
    const name = String(pair.key.value)
    const svc = pair.value
    const notes: string[] = []
    const unresolved = new Map<number, string>()
    const interpolate = (s: string, index: number | null): string =>
      s.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (all, braced?: string, op?: string, word?: string, bare?: string) => {
        if (all === '$$') return '$'
        const v = dotEnv.get((braced ?? bare)!)
        if (v !== undefined && !(op === ':-' && v === '')) return v
        if (op === ':-' || op === '-') {
          notes.push(`${all}: the default "${word}" is assumed (the shell or .env may set ${braced})`)
          return word ?? ''
        }
        if (index !== null) unresolved.set(index, `${all} is interpolated from the environment where compose runs`)
        return ''
      })
    const words = (key: string): {words: string[]; line: number} | null => {
      const n = svc.get(key, true) as Node | undefined
      if (!n) return null
      if (isScalar(n) && typeof n.value === 'string') {
        const split = shlexSplit(n.value)
        if ('error' in split) {
          errors.push(new ParseError('syntax', {file, line: lineOf(n), col: 1}, `services.${name}.${key}: ${split.error}`))
          return null
        }
        return {words: split.words, line: lineOf(n)}
      }
      if (isSeq(n)) return {words: n.items.map((i) => (isScalar(i) ? String(i.value) : '')), line: lineOf(n)}
      return null
    }
    const ep = words('entrypoint')
    const cmd = words('command')
    if (!ep && !cmd) continue
    const all = [...(ep?.words ?? []), ...(cmd?.words ?? [])].map((w, i) => interpolate(w, i))
    const env = Object.create(null) as Record<string, EnvEntry>
    // env_file first: `environment:` takes precedence over it (Compose specification).
    const envFile = svc.get('env_file', true) as Node | undefined
    const envFiles: Array<{path: string; required: boolean; line: number}> = []
    if (isScalar(envFile)) envFiles.push({path: String(envFile.value), required: true, line: lineOf(envFile)})
    else if (isSeq(envFile)) {
      for (const i of envFile.items) {
        if (isScalar(i)) envFiles.push({path: String(i.value), required: true, line: lineOf(i as Node)})
        else if (isMap(i)) envFiles.push({path: String(i.get('path')), required: i.get('required') !== false, line: lineOf(i as Node)})
      }
    }
    for (const ef of envFiles) {
      const path = ef.path.startsWith('/') ? ef.path : `${dir}/${ef.path.replace(/^\.\//, '')}`
      const r = opts.reader?.read(path)
      if (!r) { notes.push(`env_file ${ef.path} not read`); continue }
      if ('error' in r) {
        if (ef.required) errors.push(new ParseError('include', {file, line: ef.line, col: 1}, `services.${name}.env_file ${ef.path}: ${r.error} (compose refuses to start the service)`))
        continue
      }
      for (const v of parseEnvFile(r.text).vars) env[v.name] = {value: v.value, file: path, line: v.line}
    }
    const environment = svc.get('environment', true) as Node | undefined
    if (isMap(environment)) {
      for (const p of environment.items) {
        if (!isScalar(p.key)) continue
        const k = String(p.key.value)
        if (isScalar(p.value) && p.value.value !== null) env[k] = {value: interpolate(String(p.value.value), null), file, line: lineOf(p.value as Node)}
        else notes.push(`environment ${k} is passed from where compose runs`)
      }
    } else if (isSeq(environment)) {
      for (const i of environment.items) {
        if (!isScalar(i)) continue
        const s = String(i.value)
        const eq = s.indexOf('=')
        if (eq > 0) env[s.slice(0, eq)] = {value: interpolate(s.slice(eq + 1), null), file, line: lineOf(i as Node)}
        else notes.push(`environment ${s} is passed from where compose runs`)
      }
    }
    const build = svc.get('build', true) as Node | undefined
    let buildDir: string | undefined
    if (isScalar(build)) buildDir = String(build.value)
    else if (isMap(build)) buildDir = String(build.get('context') ?? '.')
    if (buildDir !== undefined && !/^[a-z]+:\/\//.test(buildDir)) buildDir = buildDir.startsWith('/') ? buildDir : `${dir}/${buildDir}`.replace(/\/\.?$/, '')
    else buildDir = undefined
    out.push({name, line: lineOf(pair.key as Node), words: all, wordsLine: (cmd ?? ep)!.line, unresolved, env, ...(buildDir ? {buildDir} : {}), notes})
  }
  return {value: out, errors}
}
