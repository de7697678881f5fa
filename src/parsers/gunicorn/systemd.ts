// The parts of systemd's unit-file syntax that decide how gunicorn is started: sections,
// Key=Value lines with backslash continuation, ExecStart= quoting (C escapes, prefixes,
// $VAR/${VAR} substitution), Environment= assignments and EnvironmentFile= contents.
// See systemd.syntax(7), systemd.service(5) "Command lines", systemd.exec(5).
import {excerpt, isNonText} from '../excerpt.js'
import {ContinuedLine} from './continued-line.js'

export interface UnitEntry {
  section: string
  key: string
  value: string
  file: string
  line: number
  /** 1-based column where the value starts */
  col: number
}

export interface UnitParse {
  entries: UnitEntry[]
  errors: Array<{line: number; col: number; message: string}>
}

export function parseUnitFile(text: string, file: string): UnitParse {
  const out: UnitParse = {entries: [], errors: []}
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/)
  let section = ''
  for (let n = 0; n < lines.length; n++) {
    const startLine = n + 1
    const trimmed = lines[n].trimStart()
    if (trimmed === '' || trimmed[0] === '#' || trimmed[0] === ';') continue
    // A trailing backslash joins the next line (with a space); comment lines in between are skipped.
    const joined = new ContinuedLine(lines[n], '\\', ' ')
    while (joined.continues() && n + 1 < lines.length) {
      n++
      while (n < lines.length && /^\s*[#;]/.test(lines[n])) n++
      joined.join(n < lines.length ? lines[n] : '')
    }
    const raw = joined.text()
    const t = raw.trim()
    if (t.startsWith('[')) {
      const m = /^\[([^\]]+)\]$/.exec(t)
      if (!m) out.errors.push({line: startLine, col: 1, message: `invalid section header ${excerpt(t)}`})
      else section = m[1]
      continue
    }
    const eq = raw.indexOf('=')
    if (eq === -1) {
      out.errors.push({line: startLine, col: 1, message: 'missing "=" (line ignored)'})
      continue
    }
    const key = raw.slice(0, eq).trim()
    const after = raw.slice(eq + 1)
    const lead = after.length - after.trimStart().length
    out.entries.push({section, key, value: after.trim(), file, line: startLine, col: eq + 2 + lead})
  }
  return out
}

export interface ExecWord {
  text: string
  /** Offset of the word in the value */
  offset: number
  /** Set when any part of the word was quoted */
  quoted: boolean
}

const C_ESCAPES: Record<string, string> = {a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"', "'": "'", s: ' ', ';': ';'}

/** systemd's extract_first_word(..., EXTRACT_UNQUOTE|EXTRACT_CUNESCAPE) over a whole value. */
export function splitUnitWords(value: string): {words: ExecWord[]; error?: string} {
  const words: ExecWord[] = []
  let i = 0
  while (i < value.length) {
    while (i < value.length && /\s/.test(value[i])) i++
    if (i >= value.length) break
    const start = i
    let text = ''
    let quoted = false
    let quote: string | null = null
    for (; i < value.length; i++) {
      const c = value[i]
      if (!quote && /\s/.test(c)) break
      if (c === '\\') {
        const e = value[i + 1]
        if (e === undefined) return {words, error: 'trailing backslash'}
        if (C_ESCAPES[e] !== undefined) { text += C_ESCAPES[e]; i++; continue }
        let m: RegExpExecArray | null
        if (e === 'x' && (m = /^[0-9a-fA-F]{2}/.exec(value.slice(i + 2)))) { text += String.fromCharCode(parseInt(m[0], 16)); i += 3; continue }
        if (e === 'u' && (m = /^[0-9a-fA-F]{4}/.exec(value.slice(i + 2)))) { text += String.fromCodePoint(parseInt(m[0], 16)); i += 5; continue }
        if (e === 'U' && (m = /^[0-9a-fA-F]{8}/.exec(value.slice(i + 2)))) {
          const cp = parseInt(m[0], 16)
          if (cp > 0x10ffff) return {words, error: `invalid escape \\U${m[0]}`}
          text += String.fromCodePoint(cp)
          i += 9
          continue
        }
        if (/[0-7]/.test(e) && (m = /^[0-7]{3}/.exec(value.slice(i + 1)))) { text += String.fromCharCode(parseInt(m[0], 8)); i += 3; continue }
        return {words, error: `invalid escape \\${e}`}
      }
      if (quote) {
        if (c === quote) { quote = null; continue }
        text += c
        continue
      }
      if (c === '"' || c === "'") { quote = c; quoted = true; continue }
      text += c
    }
    if (quote) return {words, error: 'unterminated quote'}
    words.push({text, offset: start, quoted})
  }
  return {words}
}

export interface ExecCommand {
  /** Flags from the prefixes: '-' ignore failure, '@' argv[0] given, ':' no substitution, '+', '!', '!!' privileges */
  prefixes: string
  /** The program path (the first word without prefixes) */
  path: string
  /** argv as the process sees it (argv[0] first) */
  argv: string[]
  /** Offsets in the value of each argv word (argv[0] = path's word unless '@') */
  offsets: number[]
  /** Words whose value is not known, by argv index */
  unresolved: Map<number, string>
}

/**
 * Splits an ExecStart= value into commands (a lone ';' separates them) and applies the
 * prefixes and $VAR/${VAR} substitution from the unit's environment.
 */
export function parseExecValue(value: string, env: (name: string) => string | null | undefined): {commands: ExecCommand[]; error?: string} {
  const split = splitUnitWords(value)
  if (split.error) return {commands: [], error: split.error}
  const groups: ExecWord[][] = [[]]
  for (const w of split.words) {
    if (w.text === ';' && !w.quoted) groups.push([])
    else groups[groups.length - 1].push(w)
  }
  const commands: ExecCommand[] = []
  for (const g of groups) {
    if (g.length === 0) continue
    const first = g[0]
    const m = /^([-@:+!]*)/.exec(first.text)!
    const prefixes = m[1]
    const path = first.text.slice(prefixes.length)
    const rest = g.slice(1)
    const argvWords: ExecWord[] = prefixes.includes('@') ? rest : [{...first, text: path}, ...rest]
    const cmd: ExecCommand = {prefixes, path, argv: [], offsets: [], unresolved: new Map()}
    argvWords.forEach((w, k) => {
      const subst = !prefixes.includes(':') && k > 0
      if (subst && !w.quoted && /^\$[A-Za-z_][A-Za-z0-9_]*$/.test(w.text)) {
        // "$FOO" as a word of its own: split on whitespace into zero or more words.
        const name = w.text.slice(1)
        const v = env(name)
        if (v === undefined) {
          cmd.unresolved.set(cmd.argv.length, `$${name} is not known (not set by the unit's Environment=/EnvironmentFile= that could be read)`)
          cmd.argv.push(w.text)
          cmd.offsets.push(w.offset)
          return
        }
        for (const part of (v ?? '').split(/\s+/).filter(Boolean)) {
          cmd.argv.push(part)
          cmd.offsets.push(w.offset)
        }
        return
      }
      let text = w.text
      let why: string | undefined
      if (subst) {
        text = text.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (all, name: string | undefined) => {
          if (!name) return '$'
          const v = env(name)
          if (v === undefined) { why ??= `\${${name}} is not known (not set by the unit's Environment=/EnvironmentFile= that could be read)`; return all }
          return v ?? ''
        })
      }
      const spec = /%[a-zA-Z]/.exec(text)
      if (spec) why ??= `contains the systemd specifier ${spec[0]} (resolved per unit)`
      if (why) cmd.unresolved.set(cmd.argv.length, why)
      cmd.argv.push(text)
      cmd.offsets.push(w.offset)
    })
    commands.push(cmd)
  }
  return {commands}
}

/** Environment= value: one or more "KEY=value" words. */
export function parseEnvironmentValue(value: string): {vars: Array<[string, string]>; error?: string} {
  const split = splitUnitWords(value)
  const vars: Array<[string, string]> = []
  for (const w of split.words) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=([\s\S]*)$/.exec(w.text)
    if (m) vars.push([m[1], m[2]])
  }
  return {vars, error: split.error}
}

/** An EnvironmentFile= file (systemd's env-file parser: shell-like quoting, no expansion). */
export function parseEnvFile(text: string): {vars: Array<{name: string; value: string; line: number}>; errors: Array<{line: number; message: string}>} {
  const vars: Array<{name: string; value: string; line: number}> = []
  const errors: Array<{line: number; message: string}> = []
  const src = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n')
  let i = 0
  let line = 1
  while (i < src.length) {
    while (i < src.length && (src[i] === ' ' || src[i] === '\t')) i++
    const startLine = line
    if (src[i] === '\n') { i++; line++; continue }
    if (src[i] === '#' || src[i] === ';') {
      while (i < src.length && src[i] !== '\n') i++
      continue
    }
    let key = ''
    while (i < src.length && src[i] !== '=' && src[i] !== '\n') key += src[i++]
    if (src[i] !== '=') {
      if (key.trim()) errors.push({line: startLine, message: `no "=" in line: ${excerpt(key.trim())}`})
      continue
    }
    i++
    key = key.trim()
    while (i < src.length && (src[i] === ' ' || src[i] === '\t')) i++
    let value = ''
    let pendingSpace = ''
    while (i < src.length && src[i] !== '\n') {
      const c = src[i]
      if (c === '\\') {
        if (src[i + 1] === '\n') { i += 2; line++; continue }
        value += pendingSpace + (src[i + 1] ?? '')
        pendingSpace = ''
        i += 2
        continue
      }
      if (c === "'") {
        const end = src.indexOf("'", i + 1)
        const stop = end === -1 ? src.length : end
        const s = src.slice(i + 1, stop)
        line += s.split('\n').length - 1
        value += pendingSpace + s
        pendingSpace = ''
        i = stop + 1
        continue
      }
      if (c === '"') {
        i++
        let s = ''
        while (i < src.length && src[i] !== '"') {
          if (src[i] === '\\' && src[i + 1] === '\n') { i += 2; line++; continue }
          if (src[i] === '\\' && '"\\`$'.includes(src[i + 1] ?? '')) { s += src[i + 1]; i += 2; continue }
          if (src[i] === '\n') line++
          s += src[i++]
        }
        i++
        value += pendingSpace + s
        pendingSpace = ''
        continue
      }
      if (c === ' ' || c === '\t') { pendingSpace += c; i++; continue }
      value += pendingSpace + c
      pendingSpace = ''
      i++
    }
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) vars.push({name: key, value, line: startLine})
    else errors.push({line: startLine, message: `invalid variable name ${isNonText(key) ? excerpt(key) : `'${excerpt(key)}'`} (systemd ignores it)`})
  }
  return {vars, errors}
}
