// The command line of `audit` and `check`, read without oclif for the common case: flags given
// as --name VALUE, --name=VALUE, -c VALUE or --name, and paths. The flag table is written at
// build time from the commands' oclif definitions (scripts/build.js), so there is one source of
// truth. Anything this parser is not certain oclif would read the same way (a flag it does not
// know, --help, --json, --, a value that starts with a dash, a bad value, a constraint) returns
// null, and oclif parses the line as always, with its own errors.

export interface FastFlag {
  type: 'boolean' | 'option'
  char?: string
  multiple?: boolean
  /** `--format json deploy/`: one value per occurrence (oclif's multipleNonGreedy). */
  nonGreedy?: boolean
  options?: string[]
  default?: string | number | boolean
  integer?: {min?: number; max?: number}
  exclusive?: string[]
  /** Something this parser does not decide (a custom parse, dependsOn, …): never fast when given. */
  unsupported?: boolean
}

export interface FastCommand {
  /** false: extra positionals are the command's argv (check's paths). */
  strict: boolean
  args: Array<{name: string; required: boolean}>
  flags: Record<string, FastFlag>
  /** A constraint on the whole line (a required flag, exactlyOne, an env-fed flag): never fast. */
  unsupported?: boolean
}

export interface FastParse {
  flags: Record<string, unknown>
  /** The positional arguments, in order. */
  argv: string[]
}

export function parseFastArgv(argv: readonly string[], cmd: FastCommand): FastParse | null {
  if (cmd.unsupported) return null
  const byChar = new Map<string, string>()
  for (const [name, f] of Object.entries(cmd.flags)) if (f.char) byChar.set(f.char, name)
  const flags: Record<string, unknown> = {}
  const positional: string[] = []
  // oclif gives the last option flag seen, when it is a greedy multiple one, every later word.
  let current: FastFlag | undefined
  for (let i = 0; i < argv.length; i++) {
    const tok = argv[i]!
    let name: string | undefined
    let inline: string | undefined
    if (tok.startsWith('--')) {
      const eq = tok.indexOf('=')
      name = eq < 0 ? tok.slice(2) : tok.slice(2, eq)
      if (eq >= 0) inline = tok.slice(eq + 1)
    } else if (tok.startsWith('-')) {
      if (tok.length !== 2) return null
      name = byChar.get(tok[1]!)
    } else {
      if (tok === '' || (current?.multiple && !current.nonGreedy)) return null
      positional.push(tok)
      continue
    }
    if (!name || !Object.hasOwn(cmd.flags, name)) return null
    const f = cmd.flags[name]!
    if (f.unsupported || (!f.multiple && Object.hasOwn(flags, name))) return null
    if (f.type === 'boolean') {
      if (inline !== undefined) return null
      flags[name] = true
      continue
    }
    current = f
    const raw = inline ?? argv[++i]
    if (raw === undefined || raw === '' || raw.startsWith('-')) return null
    const value = f.integer ? integer(raw, f.integer) : raw
    if (value === null || (f.options && !f.options.includes(raw))) return null
    if (!f.multiple) {
      flags[name] = value
      continue
    }
    ;((flags[name] ??= []) as unknown[]).push(value)
  }
  for (const [name, f] of Object.entries(cmd.flags)) {
    if (Object.hasOwn(flags, name) && f.exclusive?.some((x) => Object.hasOwn(flags, x))) return null
  }
  if (cmd.strict && positional.length > cmd.args.length) return null
  if (cmd.args.some((a, i) => a.required && positional[i] === undefined)) return null
  for (const [name, f] of Object.entries(cmd.flags)) if (!Object.hasOwn(flags, name) && f.default !== undefined) flags[name] = f.default
  // oclif orders its argv by where each word first appears in the line (a repeated path joins
  // its first occurrence); the same sort gives the same list.
  // (oclif calls indexOf per comparison; pre-commit passes thousands of paths.)
  const first = new Map<string, number>()
  argv.forEach((t, i) => {
    if (!first.has(t)) first.set(t, i)
  })
  positional.sort((a, b) => first.get(a)! - first.get(b)!)
  return {flags, argv: positional}
}

/** oclif's integer flag: digits only, then its bounds. */
function integer(raw: string, bounds: {min?: number; max?: number}): number | null {
  if (!/^\d+$/.test(raw)) return null
  const n = Number.parseInt(raw, 10)
  if ((bounds.min !== undefined && n < bounds.min) || (bounds.max !== undefined && n > bounds.max)) return null
  return n
}
