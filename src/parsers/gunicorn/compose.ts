// Docker Compose files (compose.yaml, docker-compose.yml, *.compose.yml): each service whose
// command/entrypoint starts gunicorn, with the environment Compose gives it (`environment:`
// map or list, `env_file:`), as the Compose specification defines them. `${VAR:-default}`
// interpolation takes the default; `${VAR}` takes the project's .env when it sets VAR.
// Anchors, aliases and merge keys (`<<: *defaults`, the specification's "Fragments") are
// followed: a service's command and environment often live in an `x-` fragment it merges.
import type {Alias, Document, Node, YAMLMap} from 'yaml'
import {yamlSync} from '../../yaml-sync.js'
import {ParseError, type FileReader, type ParseResult} from '../types.js'
import {shlexSplit} from './shell-words.js'
import {parseEnvFile} from './systemd.js'
import type {EnvEntry} from './sources.js'
import {replaceBeforeLastBrace} from '../../text/trim.js'

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

// A merge key's value can list many fragments, each merging more: bounded, as hostile YAML can nest them.
const MAX_MERGE_DEPTH = 16
const MAX_MERGE_MAPS = 256

/**
 * The node each alias of the document refers to, found in one walk. Alias.resolve(doc) walks
 * the whole document at every call, so n services merging one fragment cost O(n²). The rule
 * is resolve()'s: the last node with the anchor before the alias, in the same document order.
 */
function aliasTargets(doc: Document): Map<Alias, Node | undefined> {
  const {isAlias, visit} = yamlSync()
  const latest = new Map<string, Node>()
  const targets = new Map<Alias, Node | undefined>()
  visit(doc, {
    Node: (_key, node) => {
      if (isAlias(node) && !targets.has(node)) targets.set(node, latest.get(node.source))
      // After the alias itself: an anchor counts for the aliases that follow it.
      if (node.anchor) latest.set(node.anchor, node)
    },
  })
  return targets
}

/** Looks keys up the way a YAML 1.1 merge resolves them: own keys first, then each merged map in order. */
function mergeAwareGet(doc: Document) {
  const {isAlias, isMap, isScalar, isSeq} = yamlSync()
  const targets = aliasTargets(doc)
  const deref = (n: unknown): Node | undefined => {
    for (let i = 0; i < MAX_MERGE_DEPTH && isAlias(n); i++) n = targets.get(n)
    return isAlias(n) ? undefined : (n as Node | undefined)
  }
  return {
    deref,
    get(map: unknown, key: string): Node | undefined {
      let budget = MAX_MERGE_MAPS
      const walk = (m: Node | undefined, depth: number): {node: Node | undefined} | undefined => {
        if (!isMap(m) || depth > MAX_MERGE_DEPTH || budget-- <= 0) return undefined
        const items = (m as YAMLMap).items
        for (const p of items) if (isScalar(p.key) && p.key.value === key) return {node: deref(p.value)}
        for (const p of items) {
          if (!isScalar(p.key) || p.key.value !== '<<') continue
          const v = deref(p.value)
          for (const from of isSeq(v) ? v.items.map(deref) : [v]) {
            const found = walk(from, depth + 1)
            if (found) return found
          }
        }
        return undefined
      }
      return walk(deref(map), 0)?.node
    },
    /** Every key of a map with its value, merged keys after own ones and only where not set already. */
    pairs(map: unknown): Array<{key: string; value: Node | undefined; keyNode: Node}> {
      const out: Array<{key: string; value: Node | undefined; keyNode: Node}> = []
      const seen = new Set<string>()
      let budget = MAX_MERGE_MAPS
      const walk = (m: Node | undefined, depth: number): void => {
        if (!isMap(m) || depth > MAX_MERGE_DEPTH || budget-- <= 0) return
        const items = (m as YAMLMap).items
        for (const p of items) {
          if (!isScalar(p.key) || p.key.value === '<<') continue
          const key = String(p.key.value)
          if (seen.has(key)) continue
          seen.add(key)
          out.push({key, value: deref(p.value), keyNode: p.key as Node})
        }
        for (const p of items) {
          if (!isScalar(p.key) || p.key.value !== '<<') continue
          const v = deref(p.value)
          for (const from of isSeq(v) ? v.items.map(deref) : [v]) walk(from, depth + 1)
        }
      }
      walk(deref(map), 0)
      return out
    },
  }
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
  const merged = mergeAwareGet(doc)
  const services = merged.deref(doc.get('services', true))
  if (!isMap(services)) return {value: out, errors}
  for (const pair of services.items.slice(0, MAX_SERVICES)) {
    const svc = merged.deref(pair.value)
    if (!isScalar(pair.key) || !isMap(svc) || pair.key.value === '<<') continue
    const name = String(pair.key.value)
    const field = (key: string): Node | undefined => merged.get(svc, key)
    const notes: string[] = []
    const unresolved = new Map<number, string>()
    const interpolate = (s: string, index: number | null): string =>
      replaceBeforeLastBrace(s, /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, /\$\$|\$([A-Za-z_][A-Za-z0-9_]*)/g, (all, braced, op, word, bare) => {
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
      const n = field(key)
      if (!n) return null
      if (isScalar(n) && typeof n.value === 'string') {
        const split = shlexSplit(n.value)
        if ('error' in split) {
          errors.push(new ParseError('syntax', {file, line: lineOf(n), col: 1}, `services.${name}.${key}: ${split.error}`))
          return null
        }
        return {words: split.words, line: lineOf(n)}
      }
      if (isSeq(n)) return {words: n.items.map((i) => merged.deref(i)).map((i) => (isScalar(i) ? String(i.value) : '')), line: lineOf(n)}
      return null
    }
    const ep = words('entrypoint')
    const cmd = words('command')
    if (!ep && !cmd) continue
    const all = [...(ep?.words ?? []), ...(cmd?.words ?? [])].map((w, i) => interpolate(w, i))
    const env = Object.create(null) as Record<string, EnvEntry>
    // env_file first: `environment:` takes precedence over it (Compose specification).
    const envFile = field('env_file')
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
    const environment = field('environment')
    if (isMap(environment)) {
      for (const {key: k, value} of merged.pairs(environment)) {
        if (isScalar(value) && value.value !== null) env[k] = {value: interpolate(String(value.value), null), file, line: lineOf(value)}
        else notes.push(`environment ${k} is passed from where compose runs`)
      }
    } else if (isSeq(environment)) {
      for (const i of environment.items.map((x) => merged.deref(x))) {
        if (!isScalar(i)) continue
        const s = String(i.value)
        const eq = s.indexOf('=')
        if (eq > 0) env[s.slice(0, eq)] = {value: interpolate(s.slice(eq + 1), null), file, line: lineOf(i as Node)}
        else notes.push(`environment ${s} is passed from where compose runs`)
      }
    }
    const build = field('build')
    let buildDir: string | undefined
    if (isScalar(build)) buildDir = String(build.value)
    else if (isMap(build)) buildDir = String(build.get('context') ?? '.')
    if (buildDir !== undefined && !/^[a-z]+:\/\//.test(buildDir)) buildDir = buildDir.startsWith('/') ? buildDir : `${dir}/${buildDir}`.replace(/\/\.?$/, '')
    else buildDir = undefined
    out.push({name, line: lineOf(pair.key as Node), words: all, wordsLine: (cmd ?? ep)!.line, unresolved, env, ...(buildDir ? {buildDir} : {}), notes})
  }
  return {value: out, errors}
}
