// Where gunicorn command lines come from: systemd units (with drop-ins and environment
// files), Procfiles and Dockerfiles. Each yields invocations: gunicorn's own arguments, the
// environment it starts with, and its working directory, all with file:line.
import {ParseError, type FileReader, type ParseResult} from '../types.js'
import {findGunicorn, type FoundGunicorn} from './command.js'
import {readCompose} from './compose.js'
import {effectiveCommand, readDockerfile} from './dockerfile.js'
import {parseShell, type EnvLookup} from './shell-words.js'
import {parseEnvFile, parseEnvironmentValue, parseExecValue, parseUnitFile, type UnitEntry} from './systemd.js'
import {normalisePath} from './validators.js'
import {append} from '../../append.js'
import {hasLineBreak} from '../../text/trim.js'

export type EnvEntry = {value: string; file: string; line: number}

export interface GunicornInvocation {
  source: 'systemd' | 'procfile' | 'dockerfile' | 'compose' | 'script'
  file: string
  line: number
  /** How gunicorn is started ("/srv/venv/bin/gunicorn", "python3 -m gunicorn") */
  program: string
  /** Commands wrapping it, outermost first ("poetry run", "/bin/sh -c") */
  wrappers: string[]
  /** gunicorn's arguments (after the program), ready for resolveGunicorn */
  argv: {words: string[]; file: string; line: number; cols?: number[]; unresolved?: Array<{index: number; reason: string}>}
  env: Record<string, EnvEntry>
  /** False when variables not in env may be set at run time */
  envComplete: boolean
  /** Working directory of the process, when known */
  cwd?: string
  /** Procfile process type, Dockerfile stage name */
  name?: string
  notes: string[]
}

export interface SourceOptions {
  /** Reads EnvironmentFile= files and drop-ins */
  reader?: FileReader
}

const MAX_WORDS = 10_000

function nullEnv(): Record<string, EnvEntry> {
  return Object.create(null) as Record<string, EnvEntry>
}

// ---------------------------------------------------------------------------------------------
// systemd

const DROPIN_DIRS = ['/etc/systemd/system', '/run/systemd/system', '/usr/local/lib/systemd/system', '/usr/lib/systemd/system', '/lib/systemd/system']

/** Drop-in files for a unit, in the order systemd applies them. */
export function unitDropIns(unitPath: string, reader: FileReader): string[] {
  const name = unitPath.slice(unitPath.lastIndexOf('/') + 1)
  const names = [name]
  const at = name.indexOf('@')
  if (at > 0 && name.indexOf('.', at) > at + 1) names.push(name.slice(0, at + 1) + name.slice(name.lastIndexOf('.')))
  const dirs = new Set<string>([`${unitPath}.d`])
  for (const d of DROPIN_DIRS) for (const n of names) dirs.add(`${d}/${n}.d`)
  const byName = new Map<string, string>()
  // Earlier directories win for the same file name (/etc over /run over /usr/lib).
  for (const dir of dirs) {
    for (const f of reader.glob(`${dir}/*.conf`)) {
      const base = f.slice(f.lastIndexOf('/') + 1)
      if (!byName.has(base)) byName.set(base, f)
    }
  }
  return [...byName.keys()].sort().map((k) => byName.get(k)!)
}

export function gunicornFromSystemdUnit(text: string, file: string, opts: SourceOptions = {}): ParseResult<GunicornInvocation[]> {
  const errors: ParseError[] = []
  const entries: UnitEntry[] = []
  const unit = parseUnitFile(text, file)
  for (const e of unit.errors) errors.push(new ParseError('syntax', {file, line: e.line, col: e.col}, e.message))
  append(entries, unit.entries)
  if (opts.reader) {
    for (const d of unitDropIns(file, opts.reader)) {
      const r = opts.reader.read(d)
      if ('error' in r) { errors.push(new ParseError('io', {file: d, line: 1, col: 1}, r.error)); continue }
      const p = parseUnitFile(r.text, d)
      for (const e of p.errors) errors.push(new ParseError('syntax', {file: d, line: e.line, col: e.col}, e.message))
      append(entries, p.entries)
    }
  }
  const service = entries.filter((e) => e.section === 'Service')
  let environment: Array<{name: string; value: string; file: string; line: number}> = []
  let envFiles: UnitEntry[] = []
  let execStart: UnitEntry[] = []
  let workdir: UnitEntry | undefined
  let type = 'simple'
  const passEnv: string[] = []
  for (const e of service) {
    switch (e.key) {
      case 'Environment':
        if (e.value === '') { environment = []; break }
        {
          const r = parseEnvironmentValue(e.value)
          if (r.error) errors.push(new ParseError('syntax', {file: e.file, line: e.line, col: e.col}, `Environment=: ${r.error}`))
          for (const [name, value] of r.vars) environment.push({name, value, file: e.file, line: e.line})
        }
        break
      case 'EnvironmentFile':
        if (e.value === '') envFiles = []
        else envFiles.push(e)
        break
      case 'ExecStart':
        if (e.value === '') execStart = []
        else execStart.push(e)
        break
      case 'WorkingDirectory':
        workdir = e.value === '' ? undefined : e
        break
      case 'Type':
        type = e.value
        break
      case 'PassEnvironment':
        append(passEnv, e.value.split(/\s+/).filter(Boolean))
        break
    }
  }
  const env = nullEnv()
  for (const v of environment) env[v.name] = {value: v.value, file: v.file, line: v.line}
  let envComplete = passEnv.length === 0
  const notes: string[] = []
  if (passEnv.length) notes.push(`PassEnvironment= ${passEnv.join(' ')}: values come from the service manager`)
  // EnvironmentFile= settings override Environment= (systemd.exec(5)).
  for (const ef of envFiles) {
    const optional = ef.value.startsWith('-')
    const path = optional ? ef.value.slice(1) : ef.value
    if (!opts.reader) {
      envComplete = false
      notes.push(`EnvironmentFile=${ef.value} not read (no file access)`)
      continue
    }
    const paths = /[*?[]/.test(path) ? opts.reader.glob(path) : [path]
    for (const p of paths) {
      const r = opts.reader.read(p)
      if ('error' in r) {
        if (optional && r.code === 'ENOENT') continue
        envComplete = false
        errors.push(new ParseError('include', {file: ef.file, line: ef.line, col: ef.col}, `EnvironmentFile=${p}: ${r.error}${optional ? '' : ' (systemd refuses to start the service)'}`))
        continue
      }
      const parsed = parseEnvFile(r.text)
      for (const e of parsed.errors) errors.push(new ParseError('syntax', {file: p, line: e.line, col: 1}, e.message))
      for (const v of parsed.vars) env[v.name] = {value: v.value, file: p, line: v.line}
    }
  }
  const lookup: EnvLookup = (n) => (env[n] ? env[n].value : envComplete ? null : undefined)
  let cwd = workdir ? workdir.value.replace(/^-/, '') : '/'
  if (cwd === '~') { cwd = '~'; notes.push('WorkingDirectory=~: the home directory of User=') }
  if (/%[a-zA-Z]/.test(cwd)) notes.push(`WorkingDirectory=${cwd} contains a systemd specifier`)
  if (!workdir) notes.push('no WorkingDirectory=: system services start in /')
  if (execStart.length > 1 && type !== 'oneshot') {
    errors.push(new ParseError('syntax', {file: execStart[1].file, line: execStart[1].line, col: 1}, 'more than one ExecStart= is only allowed for Type=oneshot (systemd refuses the unit)'))
  }

  const out: GunicornInvocation[] = []
  for (const es of execStart) {
    const parsed = parseExecValue(es.value, lookup)
    if (parsed.error) {
      errors.push(new ParseError('syntax', {file: es.file, line: es.line, col: es.col}, `ExecStart=: ${parsed.error}`))
      continue
    }
    for (const cmd of parsed.commands) {
      const words = cmd.prefixes.includes('@') ? [cmd.path, ...cmd.argv.slice(1)] : cmd.argv
      const cols = cmd.offsets.map((o) => es.col + o)
      const base: Omit<GunicornInvocation, 'program' | 'wrappers' | 'argv'> = {
        source: 'systemd', file: es.file, line: es.line, env: {...env}, envComplete, cwd, notes: [...notes],
      }
      append(out, fromWords(words, cols, cmd.unresolved, base, errors))
    }
  }
  return {value: out, errors}
}

// ---------------------------------------------------------------------------------------------
// Shared: words of a command → invocations (following sh -c scripts)

function fromWords(
  words: string[], cols: number[], unresolved: Map<number, string>,
  base: Omit<GunicornInvocation, 'program' | 'wrappers' | 'argv'>, errors: ParseError[], depth = 0,
): GunicornInvocation[] {
  const found = findGunicorn(words.slice(0, MAX_WORDS))
  if (!found) return []
  const env = applyWrapperEnv(base.env, found, base.file, base.line)
  const cwd = found.cwd ? joinCwd(base.cwd, found.cwd) : base.cwd
  const notes = [...base.notes, ...found.notes]
  if (found.kind === 'gunicorn') {
    const argWords = words.slice(found.argsStart)
    const argUnresolved: Array<{index: number; reason: string}> = []
    for (const [i, why] of unresolved) if (i >= found.argsStart) argUnresolved.push({index: i - found.argsStart, reason: why})
    return [{
      ...base, env, cwd, notes, program: found.program, wrappers: found.wrappers,
      argv: {words: argWords, file: base.file, line: base.line, cols: cols.slice(found.argsStart), ...(argUnresolved.length ? {unresolved: argUnresolved} : {})},
    }]
  }
  if (depth >= 4) {
    notes.push('shell nesting too deep; not followed')
    return []
  }
  if (unresolved.has(found.index)) notes.push(`the shell script is not fully known: ${unresolved.get(found.index)}`)
  const scriptCol = cols[found.index] ?? 1
  return fromShellScript(found.script, scriptCol, {...base, env, cwd, notes}, [...found.wrappers, `${found.shell} -c`], errors, depth + 1)
}

function applyWrapperEnv(env: Record<string, EnvEntry>, found: {env: Record<string, string>; envCleared?: boolean; envUnset: string[]}, file: string, line: number): Record<string, EnvEntry> {
  const out = found.envCleared ? nullEnv() : Object.assign(nullEnv(), env)
  for (const n of found.envUnset) delete out[n]
  for (const [k, v] of Object.entries(found.env)) out[k] = {value: v, file, line}
  return out
}

function joinCwd(cwd: string | undefined, dir: string): string {
  if (dir.startsWith('/')) return normalisePath(dir)
  return normalisePath(`${cwd ?? '/'}/${dir}`)
}

function fromShellScript(
  script: string, scriptCol: number, base: Omit<GunicornInvocation, 'program' | 'wrappers' | 'argv'>,
  wrappers: string[], errors: ParseError[], depth: number,
): GunicornInvocation[] {
  let env = Object.assign(nullEnv(), base.env)
  let cwd = base.cwd
  let envComplete = base.envComplete
  const notes = [...base.notes]
  const lookup: EnvLookup = (n) => (env[n] ? env[n].value : envComplete ? null : undefined)
  const parsed = parseShell(script, lookup)
  for (const e of parsed.errors) errors.push(new ParseError('syntax', {file: base.file, line: base.line + e.line - 1, col: e.line === 1 ? scriptCol + e.col - 1 : e.col}, `shell: ${e.message}`))
  const out: GunicornInvocation[] = []
  for (const cmd of parsed.commands) {
    const line = base.line + cmd.line - 1
    const name = cmd.words[0]
    if (!name) {
      // Bare assignments set shell variables (exported only if already in the environment).
      for (const a of cmd.assignments) env[a.name] = {value: a.value, file: base.file, line}
      continue
    }
    if (name === 'cd') {
      const dir = cmd.words[1]
      if (dir && !cmd.unresolved.has(1) && dir !== '-') cwd = joinCwd(cwd, dir)
      else { cwd = undefined; notes.push(`cd ${dir ?? ''}: working directory not known`) }
      continue
    }
    if (name === 'export') {
      for (const w of cmd.words.slice(1)) {
        const m = /^([A-Za-z_][A-Za-z0-9_]*)=([\s\S]*)$/.exec(w)
        if (m) env[m[1]] = {value: m[2], file: base.file, line}
      }
      continue
    }
    if (name === '.' || name === 'source') {
      envComplete = false
      notes.push(`'${name} ${cmd.words[1] ?? ''}' may change the environment; not followed`)
      continue
    }
    const cmdEnv = Object.assign(nullEnv(), env)
    for (const a of cmd.assignments) cmdEnv[a.name] = {value: a.value, file: base.file, line}
    const cols = cmd.cols.map((c) => (cmd.line === 1 ? scriptCol + c - 1 : c))
    const found = fromWords(cmd.words, cols, cmd.unresolved, {...base, line, env: cmdEnv, envComplete, cwd, notes: [...notes]}, errors, depth)
    for (const f of found) f.wrappers = [...wrappers, ...f.wrappers]
    append(out, found)
  }
  return out
}

// ---------------------------------------------------------------------------------------------
// Procfile

export function gunicornFromProcfile(text: string, file: string, opts: {env?: Record<string, EnvEntry>} = {}): ParseResult<GunicornInvocation[]> {
  const errors: ParseError[] = []
  const out: GunicornInvocation[] = []
  const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/')) || '/' : '.'
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/)
  lines.forEach((raw, n) => {
    if (/^\s*(#|$)/.test(raw)) return
    // /^(NAME):[ \t]*(.*)$/, linear: `.` stops at \r, and backing off before one rescans the line.
    const m = hasLineBreak(raw) ? null : /^([A-Za-z0-9_-]+):[ \t]*([^]*)$/.exec(raw)
    if (!m) {
      errors.push(new ParseError('syntax', {file, line: n + 1, col: 1}, 'not a Procfile line ("name: command")'))
      return
    }
    const col = raw.indexOf(m[2]) + 1
    const base: Omit<GunicornInvocation, 'program' | 'wrappers' | 'argv'> = {
      source: 'procfile', file, line: n + 1, env: Object.assign(nullEnv(), opts.env ?? {}), envComplete: false, cwd: dir, name: m[1],
      notes: ['the platform sets PORT (and often WEB_CONCURRENCY) at run time'],
    }
    append(out, fromShellScript(m[2], col, base, [], errors, 1))
  })
  return {value: out, errors}
}

// ---------------------------------------------------------------------------------------------
// Dockerfile

export function gunicornFromDockerfile(text: string, file: string, opts: {stage?: string} = {}): ParseResult<GunicornInvocation[]> {
  const errors: ParseError[] = []
  const parsed = readDockerfile(text)
  for (const e of parsed.errors) errors.push(new ParseError('syntax', {file, line: e.line, col: e.col}, e.message))
  const wanted = opts.stage?.toLowerCase()
  const stage = wanted ? parsed.stages.find((s) => s.name === wanted) : parsed.stages[parsed.stages.length - 1]
  if (!stage) return {value: [], errors}
  const cmd = effectiveCommand(stage)
  if (!cmd) return {value: [], errors}
  const env = nullEnv()
  for (const [k, v] of stage.env) env[k] = {value: v.value, file, line: v.line}
  const notes = ['docker run -e / compose may add environment variables at run time']
  if (!stage.workdir) notes.push('no WORKDIR in this Dockerfile: / unless the base image sets one')
  const base: Omit<GunicornInvocation, 'program' | 'wrappers' | 'argv'> = {
    source: 'dockerfile', file, line: cmd.line, env, envComplete: false, cwd: stage.workdir ?? '/', notes, ...(stage.name ? {name: stage.name} : {}),
  }
  const cols = cmd.argv.map(() => 1)
  return {value: fromWords(cmd.argv, cols, new Map(), base, errors), errors}
}

export type {FoundGunicorn}

// ---------------------------------------------------------------------------------------------
// Compose files and shell entry-point scripts

export function gunicornFromCompose(text: string, file: string, opts: SourceOptions = {}): ParseResult<GunicornInvocation[]> {
  const parsed = readCompose(text, file, opts)
  const errors: ParseError[] = [...parsed.errors]
  const out: GunicornInvocation[] = []
  for (const svc of parsed.value) {
    const notes = [...svc.notes, 'the image may add environment variables (Dockerfile ENV) at run time']
    // The working directory is the image's WORKDIR; the build context is the usual guess.
    if (svc.buildDir) notes.push(`working directory assumed to hold the build context ${svc.buildDir}`)
    const base: Omit<GunicornInvocation, 'program' | 'wrappers' | 'argv'> = {
      source: 'compose', file, line: svc.wordsLine, env: svc.env, envComplete: false, name: svc.name, notes,
      ...(svc.buildDir ? {cwd: svc.buildDir} : {}),
    }
    append(out, fromWords(svc.words, svc.words.map(() => 1), svc.unresolved, base, errors))
  }
  return {value: out, errors}
}

/** docker-entrypoint.sh and the like: the script's commands, following `exec gunicorn ...`. */
export function gunicornFromScript(text: string, file: string): ParseResult<GunicornInvocation[]> {
  const errors: ParseError[] = []
  const body = text.replace(/^#![^\n]*\n/, '\n')
  const base: Omit<GunicornInvocation, 'program' | 'wrappers' | 'argv'> = {
    source: 'script', file, line: 1, env: nullEnv(), envComplete: false, notes: ['the container or unit that runs the script may set environment variables'],
  }
  return {value: fromShellScript(body, 1, base, [file], errors, 1), errors}
}
