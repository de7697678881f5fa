// The fast path's view of a command (cli/fast-argv.ts), taken from its oclif definitions at
// build time (scripts/build.js writes dist/fast-flags.json). Whatever a flag uses that the fast
// parser does not decide exactly as oclif does marks the flag, or the whole command, for oclif.
import {Args, Flags} from '@oclif/core'
import type {FastCommand, FastFlag} from './fast-argv.js'

// oclif makes a new parse function per flag: they are compared by their source.
const STRING_PARSE = String(Flags.string().parse)
const INTEGER_PARSE = String(Flags.integer().parse)
const ARG_PARSE = String(Args.string().parse)
const KNOWN = new Set(['name', 'char', 'description', 'summary', 'helpValue', 'helpGroup', 'hidden', 'default', 'multiple', 'multipleNonGreedy', 'options', 'exclusive', 'parse', 'input', 'type', 'allowNo', 'min', 'max', 'hasDynamicHelp', 'noCacheDefault', 'deprecateAliases'])
/** Constraints that apply when the flag is absent too. */
const WHOLE_LINE = new Set(['env', 'required', 'exactlyOne'])

interface CommandClass {
  strict?: boolean
  args?: Record<string, {required?: boolean; options?: unknown; default?: unknown; parse?: unknown}>
  flags?: Record<string, Record<string, unknown>>
  baseFlags?: Record<string, Record<string, unknown>>
}

export function fastCommand(C: CommandClass): FastCommand {
  const cmd: FastCommand = {strict: C.strict !== false, args: [], flags: {}}
  for (const [name, a] of Object.entries(C.args ?? {})) {
    if (a.options || a.default !== undefined || String(a.parse) !== ARG_PARSE) cmd.unsupported = true
    cmd.args.push({name, required: Boolean(a.required)})
  }
  for (const [name, f] of Object.entries({...C.baseFlags, ...C.flags})) {
    const out: FastFlag = {type: f.type as FastFlag['type']}
    if (typeof f.char === 'string') out.char = f.char
    if (f.multiple) out.multiple = true
    if (f.multipleNonGreedy) out.nonGreedy = true
    if (Array.isArray(f.options)) out.options = [...(f.options as string[])]
    if (Array.isArray(f.exclusive) && f.exclusive.length > 0) out.exclusive = [...(f.exclusive as string[])]
    if (typeof f.default === 'function') cmd.unsupported = true
    else if (f.default !== undefined) out.default = f.default as FastFlag['default']
    if (f.type === 'option' && String(f.parse) === INTEGER_PARSE) out.integer = {...(f.min !== undefined ? {min: f.min as number} : {}), ...(f.max !== undefined ? {max: f.max as number} : {})}
    else if (f.type === 'option' && String(f.parse) !== STRING_PARSE) out.unsupported = true
    else if (f.type !== 'option' && f.type !== 'boolean') out.unsupported = true
    // --json changes how oclif prints; --no-X is oclif's to read.
    if (name === 'json' || f.allowNo) out.unsupported = true
    for (const [k, v] of Object.entries(f)) {
      if (v === undefined || v === false) continue
      if (WHOLE_LINE.has(k)) cmd.unsupported = true
      else if (!KNOWN.has(k)) out.unsupported = true
    }
    cmd.flags[name] = out
  }
  return cmd
}
