// gunicorn's command line, read the way its argparse parser reads it (Python 3.11's argparse,
// as in Debian 12): long options by unique prefix, `--flag=value`, `-w4`, bundled short
// flags (`-Dw4`), `--` ending options, and the first run of positionals as the app. The same
// parser reads GUNICORN_CMD_ARGS after shlex.split.
import {ParseError, type ParseResult} from '../types.js'
import {autoInt, pyInt10} from './validators.js'
import {settingsFor, type SettingSpec} from './settings-table.js'

export interface ArgvSetting {
  name: string
  /** After argparse's type conversion: string, number, boolean, or a list for append options */
  value: string | number | boolean | string[] | null
  /** The option string as written (e.g. "-w", "--keep-alive") */
  flag: string
  /** Index of the word holding the option */
  index: number
  /** Index of the word holding its value, when separate */
  valueIndex?: number
  /** Why the value is not known (e.g. an unexpanded $PORT) */
  unresolved?: string
}

export interface GunicornArgv {
  /** The application (first positional): "module:variable" */
  app?: {value: string; index: number; unresolved?: string}
  positionals: Array<{value: string; index: number}>
  /** By setting name; later options replace earlier ones, append options accumulate */
  settings: Record<string, ArgvSetting>
  /** Every option in order */
  options: ArgvSetting[]
  /** Unknown options and ignored positionals: gunicorn would exit, or a newer release knows them */
  warnings: ParseError[]
  /** -h/--help or -v/--version: gunicorn prints and exits, running nothing */
  exits?: 'help' | 'version'
}

export interface ArgvOptions {
  file: string
  line: number
  /** 1-based column of each word in the source line, when known */
  cols?: number[]
  /** gunicorn release (selects the option table); current release when absent */
  version?: string
  /** Words whose text is not fully known (unexpanded variables) */
  unresolved?: Array<{index: number; reason: string}>
  /** Words beyond this many are not read */
  maxWords?: number
}

type Action = SettingSpec | 'help' | 'version'

interface Classified {
  kind: 'A' | 'O' | '-'
  action?: Action | null
  optionString?: string
  explicit?: string
}

const NEGATIVE_NUMBER = /^-\d+$|^-\d*\.\d+$/

function optionTable(version?: string): Map<string, Action> {
  const m = new Map<string, Action>([['-h', 'help'], ['--help', 'help'], ['-v', 'version'], ['--version', 'version']])
  for (const spec of settingsFor(version).values()) for (const o of spec.cli ?? []) m.set(o, spec)
  return m
}

function takesArgument(a: Action): 0 | 1 | '?' {
  if (a === 'help' || a === 'version') return 0
  if (a.action === 'store_true' || a.action === 'store_const') return 0
  if (a.nargs === '?') return '?'
  return 1
}

export function parseGunicornArgv(words: string[], opts: ArgvOptions): ParseResult<GunicornArgv> {
  const errors: ParseError[] = []
  const value: GunicornArgv = {positionals: [], settings: Object.create(null) as Record<string, ArgvSetting>, options: [], warnings: []}
  const table = optionTable(opts.version)
  const max = opts.maxWords ?? 10_000
  const at = (index: number) => ({file: opts.file, line: opts.line, col: opts.cols?.[index] ?? 1})
  if (words.length > max) {
    errors.push(new ParseError('limit', at(max), `more than ${max} command-line words; the rest is not read`))
    words = words.slice(0, max)
  }
  const unresolvedAt = new Map((opts.unresolved ?? []).map((u) => [u.index, u.reason]))

  // First pass: classify each word as argparse does (_parse_optional).
  const cls: Classified[] = []
  let dd = false
  for (let i = 0; i < words.length; i++) {
    const w = words[i]
    if (dd) { cls.push({kind: 'A'}); continue }
    if (w === '--') { dd = true; cls.push({kind: '-'}); continue }
    const c = classify(w, table)
    if (c.ambiguous) {
      errors.push(new ParseError('syntax', at(i), `ambiguous option: ${w} could match ${c.ambiguous.join(', ')} (gunicorn exits with a usage error)`))
      cls.push({kind: 'O', action: null, optionString: w})
      continue
    }
    cls.push(c.cls)
  }

  const record = (spec: SettingSpec, v: ArgvSetting['value'], flag: string, index: number, valueIndex?: number): void => {
    const s: ArgvSetting = {name: spec.name, value: v, flag, index}
    if (valueIndex !== undefined) s.valueIndex = valueIndex
    const why = unresolvedAt.get(valueIndex ?? index)
    if (why) s.unresolved = why
    value.options.push(s)
    if (spec.action === 'append') {
      const prev = value.settings[spec.name]
      const list = prev && Array.isArray(prev.value) ? [...prev.value] : []
      list.push(String(v))
      value.settings[spec.name] = {...s, value: list, unresolved: s.unresolved ?? prev?.unresolved}
    } else {
      value.settings[spec.name] = s
    }
  }

  const convert = (spec: SettingSpec, text: string, flag: string, index: number): ArgvSetting['value'] | undefined => {
    if (spec.type === 'int' || spec.type === 'auto_int') {
      const n = spec.type === 'int' ? pyInt10(text) : autoInt(text)
      // An unexpanded word ($WORKERS) stays text; its setting carries the reason.
      if (n === null && unresolvedAt.has(index)) return text
      if (n === null) {
        errors.push(new ParseError('syntax', at(index), `argument ${(spec.cli ?? [flag]).join('/')}: invalid ${spec.type} value: '${text}' (gunicorn exits with a usage error)`))
        return undefined
      }
      return Number.isSafeInteger(Number(n)) ? Number(n) : n.toString()
    }
    return text
  }

  let argsTaken = false
  let i = 0
  while (i < words.length) {
    const c = cls[i]
    if (c.kind === '-') { i++; continue }
    if (c.kind === 'A') {
      const chunk: Array<{value: string; index: number}> = []
      while (i < words.length && cls[i].kind !== 'O') {
        if (cls[i].kind === 'A') chunk.push({value: words[i], index: i})
        i++
      }
      if (!argsTaken) {
        value.positionals = chunk
        argsTaken = true
      } else {
        value.warnings.push(new ParseError('unresolved', at(chunk[0].index), `unrecognized arguments: ${chunk.map((x) => x.value).join(' ')} (gunicorn takes positionals only before its first option after them, and exits with a usage error)`))
      }
      continue
    }
    // An option.
    const flag = c.optionString ?? words[i]
    if (!c.action) {
      if (errors.some((e) => e.message.startsWith(`ambiguous option: ${words[i]} `))) { i++; continue }
      // Unknown here; perhaps an option of another release. Guess whether it takes a value.
      const next = cls[i + 1]
      const takes = c.explicit === undefined && next?.kind === 'A' && !looksLikeApp(words[i + 1])
      value.warnings.push(new ParseError('unresolved', at(i), `unknown gunicorn option ${words[i]}${takes ? ` (assumed to take the value '${words[i + 1]}')` : ''}; gunicorn ${opts.version ?? 'of the current release'} exits with 'unrecognized arguments'`))
      i += takes ? 2 : 1
      continue
    }
    let action: Action = c.action
    let explicit = c.explicit
    let optionString = flag
    let consumed = 1
    // Bundled short flags: -Dw4 is -D then -w4.
    for (;;) {
      const n = takesArgument(action)
      if (n === 0) {
        if (explicit !== undefined && explicit !== '' && optionString[1] !== '-') {
          applyFlag(action, optionString, i)
          const nextOpt = optionString[0] + explicit[0]
          const nextAction = table.get(nextOpt)
          if (!nextAction) {
            errors.push(new ParseError('syntax', at(i), `argument ${optionString}: ignored explicit argument '${explicit}' (gunicorn exits with a usage error)`))
            break
          }
          action = nextAction
          optionString = nextOpt
          explicit = explicit.length > 1 ? explicit.slice(1) : undefined
          continue
        }
        if (explicit !== undefined) {
          errors.push(new ParseError('syntax', at(i), `argument ${optionString}: ignored explicit argument '${explicit}' (gunicorn exits with a usage error)`))
          break
        }
        applyFlag(action, optionString, i)
        break
      }
      const spec = action as SettingSpec
      if (explicit !== undefined) {
        const v = convert(spec, explicit, optionString, i)
        if (v !== undefined) record(spec, v, optionString, i)
        break
      }
      if (cls[i + 1]?.kind === 'A') {
        const v = convert(spec, words[i + 1], optionString, i + 1)
        if (v !== undefined) record(spec, v, optionString, i, i + 1)
        consumed = 2
        break
      }
      if (n === '?') {
        record(spec, spec.const as string, optionString, i)
        break
      }
      errors.push(new ParseError('syntax', at(i), `argument ${(spec.cli ?? [optionString]).join('/')}: expected one argument (gunicorn exits with a usage error)`))
      break
    }
    i += consumed
  }

  function applyFlag(action: Action, optionString: string, index: number): void {
    if (action === 'help' || action === 'version') {
      value.exits ??= action
      return
    }
    const v = action.action === 'store_const' ? (action.const as boolean) : true
    record(action, v, optionString, index)
  }

  if (value.positionals.length > 0) {
    const first = value.positionals[0]
    value.app = {value: first.value, index: first.index}
    const why = unresolvedAt.get(first.index)
    if (why) value.app.unresolved = why
  }
  if (value.exits) {
    value.warnings.push(new ParseError('unresolved', at(0), `${value.exits === 'help' ? '-h/--help' : '-v/--version'} makes gunicorn print and exit without serving`))
  }
  return {value, errors}
}

function looksLikeApp(w: string | undefined): boolean {
  return w !== undefined && /^[A-Za-z_][\w.]*(:[\w.()'", =-]*)?$/.test(w) && w.includes(':')
}

/** argparse's _parse_optional for one word. */
function classify(w: string, table: Map<string, Action>): {cls: Classified; ambiguous?: undefined} | {ambiguous: string[]; cls?: undefined} {
  if (!w || w[0] !== '-') return {cls: {kind: 'A'}}
  const exact = table.get(w)
  if (exact) return {cls: {kind: 'O', action: exact, optionString: w}}
  if (w.length === 1) return {cls: {kind: 'A'}}
  if (w.includes('=')) {
    const eq = w.indexOf('=')
    const a = table.get(w.slice(0, eq))
    if (a) return {cls: {kind: 'O', action: a, optionString: w.slice(0, eq), explicit: w.slice(eq + 1)}}
  }
  const matches: Array<{action: Action; optionString: string; explicit?: string}> = []
  if (w[1] === '-') {
    const eq = w.indexOf('=')
    const prefix = eq === -1 ? w : w.slice(0, eq)
    const explicit = eq === -1 ? undefined : w.slice(eq + 1)
    for (const [o, a] of table) if (o.startsWith(prefix)) matches.push({action: a, optionString: o, explicit})
  } else {
    const short = w.slice(0, 2)
    for (const [o, a] of table) {
      if (o === short) matches.push({action: a, optionString: o, explicit: w.slice(2)})
      else if (o.startsWith(w)) matches.push({action: a, optionString: o})
    }
  }
  if (matches.length > 1) return {ambiguous: matches.map((m) => m.optionString)}
  if (matches.length === 1) return {cls: {kind: 'O', ...matches[0]}}
  if (NEGATIVE_NUMBER.test(w)) return {cls: {kind: 'A'}}
  if (w.includes(' ')) return {cls: {kind: 'A'}}
  return {cls: {kind: 'O', action: null, optionString: w}}
}

/** Where gunicorn will look for its config file, per the rules in app/base.py. */
export function configLocation(argv: GunicornArgv | undefined, cmdArgs: GunicornArgv | undefined): {value: string; from: 'argv' | 'cmd_args' | 'default'; setting?: ArgvSetting} {
  const a = argv?.settings['config']
  if (a && typeof a.value === 'string') return {value: a.value, from: 'argv', setting: a}
  const e = cmdArgs?.settings['config']
  if (e && typeof e.value === 'string') return {value: e.value, from: 'cmd_args', setting: e}
  return {value: 'gunicorn.conf.py', from: 'default'}
}
