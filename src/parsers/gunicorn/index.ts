// gunicorn configuration, read without running anything: gunicorn.conf.py (statically),
// command lines (argparse rules), GUNICORN_CMD_ARGS, the environment, and where those come
// from (systemd units, Procfiles, Dockerfiles).
import type {FileReader, ParseResult} from '../types.js'
import {configLocation, parseGunicornArgv} from './argv.js'
import {shlexSplit} from './shell-words.js'
import {resolveGunicorn, type GunicornConfig, type ResolveInput} from './settings.js'
import type {GunicornInvocation} from './sources.js'
import {normalisePath} from './validators.js'

export {parseGunicornConfPy, type GunicornConfPy, type ConfBinding, type ConfAssignment, type ConfUnresolved} from './conf-py.js'
export {parseGunicornArgv, configLocation, type GunicornArgv, type ArgvSetting, type ArgvOptions} from './argv.js'
export {resolveGunicorn, effectiveWorkerClass, type GunicornConfig, type GunicornSetting, type SettingOrigin, type WorkerInfo, type ResolveInput} from './settings.js'
export {gunicornFromSystemdUnit, gunicornFromProcfile, gunicornFromDockerfile, unitDropIns, type GunicornInvocation, type EnvEntry, type SourceOptions} from './sources.js'
export {findGunicorn, type FoundGunicorn, type FoundShell} from './command.js'
export {shlexSplit, parseShell} from './shell-words.js'
export {settingsFor, SETTINGS, CURRENT_RELEASE, DEBIAN_RELEASE, type SettingSpec} from './settings-table.js'
export {tokenizePython, type PyComment} from './py-tokenizer.js'
export {toJs, type PyValue} from './py-values.js'

export const MAX_CONFIG_BYTES = 4 * 1024 * 1024

/** The config file gunicorn would load for an invocation (absolute when the cwd is known). */
export function configPathFor(inv: GunicornInvocation, version?: string): {path: string; from: 'argv' | 'cmd_args' | 'default'} | {module: string} {
  const argv = parseGunicornArgv(inv.argv.words, {file: inv.argv.file, line: inv.argv.line, version}).value
  const cmd = inv.env['GUNICORN_CMD_ARGS']
  const split = cmd ? shlexSplit(cmd.value) : undefined
  const cmdArgs = split && 'words' in split ? parseGunicornArgv(split.words, {file: cmd!.file, line: cmd!.line, version}).value : undefined
  const loc = configLocation(argv, cmdArgs)
  if (loc.value.startsWith('python:')) return {module: loc.value.slice(7)}
  const rel = loc.value.startsWith('file:') ? loc.value.slice(5) : loc.value
  const path = rel.startsWith('/') || !inv.cwd || inv.cwd.startsWith('~') ? rel : normalisePath(`${inv.cwd}/${rel}`)
  return {path, from: loc.from}
}

/**
 * Resolves an invocation found in a unit/Procfile/Dockerfile: reads its config file through
 * the reader (the default ./gunicorn.conf.py only if it exists) and applies the precedence.
 */
export function resolveInvocation(inv: GunicornInvocation, opts: {reader?: FileReader; version?: string} = {}): ParseResult<GunicornConfig> {
  const input: ResolveInput = {argv: inv.argv, env: inv.env, envComplete: inv.envComplete, ...(inv.cwd ? {cwd: inv.cwd} : {}), ...(opts.version ? {version: opts.version} : {})}
  const where = configPathFor(inv, opts.version)
  if ('path' in where && opts.reader) {
    const r = opts.reader.read(where.path)
    if ('text' in r) {
      input.configFile = r.text.length > MAX_CONFIG_BYTES ? {path: where.path, error: `larger than ${MAX_CONFIG_BYTES} bytes`} : {path: where.path, text: r.text}
    } else {
      input.configFile = {path: where.path, error: r.error, ...(r.code ? {code: r.code} : {})}
    }
  }
  const result = resolveGunicorn(input)
  if ('path' in where && !opts.reader && where.from === 'default') {
    result.value.sources.push(`${where.path} would be loaded if it exists (not checked)`)
  }
  result.value.sources.unshift(`${inv.source}: ${inv.file}:${inv.line} (${[...inv.wrappers, inv.program].join(' → ')})`)
  return result
}
