// Word splitting for the places a gunicorn command line hides in: Python's shlex.split (how
// gunicorn reads GUNICORN_CMD_ARGS) and POSIX sh (Procfile lines, Dockerfile shell form,
// `sh -c "..."` in unit files). Nothing is executed: parameter expansions use the known
// environment, and anything else ($(...), unknown variables) is kept and marked unresolved.

/** Python's shlex.split(text) (POSIX mode, no comments). */
export function shlexSplit(text: string): {words: string[]} | {error: string} {
  const words: string[] = []
  let cur = ''
  let inWord = false
  let i = 0
  while (i < text.length) {
    const c = text[i]
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      if (inWord) { words.push(cur); cur = ''; inWord = false }
      i++
      continue
    }
    inWord = true
    if (c === '\\') {
      if (i + 1 >= text.length) return {error: 'No escaped character'}
      cur += text[i + 1]
      i += 2
      continue
    }
    if (c === "'") {
      const end = text.indexOf("'", i + 1)
      if (end === -1) return {error: 'No closing quotation'}
      cur += text.slice(i + 1, end)
      i = end + 1
      continue
    }
    if (c === '"') {
      i++
      for (;;) {
        if (i >= text.length) return {error: 'No closing quotation'}
        const d = text[i]
        if (d === '"') { i++; break }
        if (d === '\\' && i + 1 < text.length && (text[i + 1] === '"' || text[i + 1] === '\\')) {
          cur += text[i + 1]
          i += 2
          continue
        }
        if (d === '\\' && i + 1 >= text.length) return {error: 'No closing quotation'}
        cur += d
        i++
      }
      continue
    }
    cur += c
    i++
  }
  if (inWord) words.push(cur)
  return {words}
}

export interface EnvValue {
  value: string
  file?: string
  line?: number
}

/** A variable's value; null when it is known to be unset, undefined when it is not known. */
export type EnvLookup = (name: string) => string | null | undefined

export interface ShellCommand {
  words: string[]
  /** Column (1-based, in the script) where each word starts */
  cols: number[]
  /** Words whose text could not be fully expanded, with the reason */
  unresolved: Map<number, string>
  /** NAME=value words before the command name (the command's own environment) */
  assignments: Array<{name: string; value: string; unresolved?: string}>
  /** Line of the script the command starts on (1-based) */
  line: number
  /** The operator that joined this command to the previous one */
  joinedBy: '' | ';' | '&&' | '||' | '|' | '&' | '\n'
}

export interface ShellParse {
  commands: ShellCommand[]
  errors: Array<{line: number; col: number; message: string}>
}

const KEYWORDS = new Set(['if', 'then', 'elif', 'else', 'fi', 'do', 'done', 'while', 'until', 'case', 'esac', '{', '}', '!', 'time'])

interface Field {
  text: string
  unresolved?: string
  /** Set when the field came only from expansions that may be empty */
  quoted: boolean
}

/** Splits a POSIX sh script into simple commands, expanding parameters it knows. */
export function parseShell(script: string, env: EnvLookup, maxChars = 1024 * 1024): ShellParse {
  const out: ShellParse = {commands: [], errors: []}
  const text = script.length > maxChars ? script.slice(0, maxChars) : script
  let i = 0
  let line = 1
  let lineStart = 0
  let cmd: ShellCommand = newCommand(1, '')
  let fields: Field[] = []
  let cur: Field | null = null
  let curCol = 1
  let redirectPending = false

  function newCommand(l: number, joinedBy: ShellCommand['joinedBy']): ShellCommand {
    return {words: [], cols: [], unresolved: new Map(), assignments: [], line: l, joinedBy}
  }
  const startField = (): Field => {
    if (!cur) { cur = {text: '', quoted: false}; curCol = i - lineStart + 1 }
    return cur
  }
  const endField = (): void => {
    if (cur) fields.push(cur)
    cur = null
    for (const f of fields) pushWord(f, curCol)
    fields = []
  }
  function pushWord(f: Field, col: number): void {
    if (redirectPending) { redirectPending = false; return }
    if (!f.quoted && f.text === '' && !f.unresolved) return
    if (cmd.words.length === 0) {
      const m = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(f.text)
      if (m) {
        cmd.assignments.push({name: m[1], value: f.text.slice(m[0].length), ...(f.unresolved ? {unresolved: f.unresolved} : {})})
        return
      }
      if (KEYWORDS.has(f.text) && !f.quoted) return
    }
    if (f.unresolved) cmd.unresolved.set(cmd.words.length, f.unresolved)
    cmd.words.push(f.text)
    cmd.cols.push(col)
  }
  const endCommand = (joinedBy: ShellCommand['joinedBy']): void => {
    endField()
    if (cmd.words.length > 0 || cmd.assignments.length > 0) out.commands.push(cmd)
    cmd = newCommand(line, joinedBy)
  }
  const addText = (s: string, quoted: boolean): void => {
    const f = startField()
    f.text += s
    if (quoted) f.quoted = true
  }
  const markUnresolved = (why: string): void => {
    const f = startField()
    f.unresolved ??= why
  }
  /** Adds an unquoted expansion's value, splitting it into fields on whitespace. */
  const addSplit = (value: string): void => {
    const parts = value.split(/[ \t\n]+/)
    parts.forEach((p, k) => {
      if (k > 0) {
        if (cur) fields.push(cur)
        cur = null
        startField()
      }
      if (p) addText(p, false)
    })
    if (cur && cur.text === '' && !cur.quoted) cur = null
  }

  function expansion(quoted: boolean): void {
    // text[i] === '$'
    const rest = text.slice(i + 1, i + 512)
    if (rest.startsWith('((')) {
      const end = findClose(text, i + 1, '(', ')')
      addText(text.slice(i, end), quoted)
      markUnresolved('arithmetic expansion $((...))')
      i = end
      return
    }
    if (rest.startsWith('(')) {
      const end = findClose(text, i + 1, '(', ')')
      addText(text.slice(i, end), quoted)
      markUnresolved(`command substitution ${text.slice(i, Math.min(end, i + 40))}`)
      i = end
      return
    }
    if (rest.startsWith('{')) {
      const end = findClose(text, i + 1, '{', '}')
      const inner = text.slice(i + 2, end - 1)
      const m = /^([A-Za-z_][A-Za-z0-9_]*|[0-9@*#?$!-])(?:(:?[-=+?])([\s\S]*))?$/.exec(inner)
      const raw = text.slice(i, end)
      i = end
      if (!m) { addText(raw, quoted); markUnresolved(`parameter expansion ${raw}`); return }
      const [, name, op, word] = m
      const v = /^[A-Za-z_]/.test(name) ? env(name) ?? undefined : undefined
      if (op === undefined) return substitute(name, v, raw, quoted)
      const emptyCounts = op.startsWith(':')
      const set = v !== undefined && !(emptyCounts && v === '')
      if (op.endsWith('-') || op.endsWith('=')) {
        if (set) return substitute(name, v, raw, quoted)
        if (v === undefined && !isKnownUnset(name)) {
          addText(word, quoted)
          markUnresolved(`\${${name}} is not known here; its default '${word}' was assumed`)
          return
        }
        return quoted ? addText(word, true) : addSplit(word)
      }
      if (op.endsWith('+')) {
        if (v === undefined && !isKnownUnset(name)) { addText(raw, quoted); markUnresolved(`\${${name}} is not known here`); return }
        return set ? (quoted ? addText(word, true) : addSplit(word)) : undefined
      }
      addText(raw, quoted)
      markUnresolved(`parameter expansion ${raw}`)
      return
    }
    const m = /^([A-Za-z_][A-Za-z0-9_]*|[0-9@*#?$!-])/.exec(rest)
    if (!m) { addText('$', quoted); i++; return }
    const raw = '$' + m[1]
    i += raw.length
    const v = /^[A-Za-z_]/.test(m[1]) ? env(m[1]) ?? undefined : undefined
    substitute(m[1], v, raw, quoted)
  }
  function isKnownUnset(name: string): boolean {
    return env(name) === null
  }
  function substitute(name: string, v: string | undefined, raw: string, quoted: boolean): void {
    if (v === undefined) {
      if (isKnownUnset(name)) { if (quoted) startField().quoted = true; return }
      addText(raw, quoted)
      markUnresolved(/^[A-Za-z_]/.test(name) ? `$${name} is not known here (set at run time)` : `special parameter ${raw}`)
      return
    }
    if (quoted) addText(v, true)
    else addSplit(v)
  }

  while (i < text.length) {
    const c = text[i]
    if (c === '\n') {
      endCommand('\n')
      line++
      lineStart = i + 1
      i++
      cmd.line = line
      continue
    }
    if (c === ' ' || c === '\t') { endField(); i++; continue }
    if (c === '#' && !cur && fields.length === 0) {
      while (i < text.length && text[i] !== '\n') i++
      continue
    }
    if (c === '\\') {
      if (text[i + 1] === '\n') { i += 2; line++; lineStart = i; continue }
      if (i + 1 < text.length) addText(text[i + 1], true)
      i += 2
      continue
    }
    if (c === "'") {
      const end = text.indexOf("'", i + 1)
      if (end === -1) {
        out.errors.push({line, col: i - lineStart + 1, message: 'unterminated single quote'})
        addText(text.slice(i + 1), true)
        i = text.length
        continue
      }
      addText(text.slice(i + 1, end), true)
      for (let k = i; k < end; k++) if (text[k] === '\n') { line++; lineStart = k + 1 }
      i = end + 1
      continue
    }
    if (c === '"') {
      startField().quoted = true
      i++
      let closed = false
      while (i < text.length) {
        const d = text[i]
        if (d === '"') { i++; closed = true; break }
        if (d === '\\' && i + 1 < text.length && '$`"\\\n'.includes(text[i + 1])) {
          if (text[i + 1] !== '\n') addText(text[i + 1], true)
          i += 2
          continue
        }
        if (d === '$') { expansion(true); continue }
        if (d === '`') {
          const end = text.indexOf('`', i + 1)
          const stop = end === -1 ? text.length : end + 1
          addText(text.slice(i, stop), true)
          markUnresolved('command substitution `...`')
          i = stop
          continue
        }
        if (d === '\n') { line++; lineStart = i + 1 }
        addText(d, true)
        i++
      }
      if (!closed) out.errors.push({line, col: i - lineStart + 1, message: 'unterminated double quote'})
      continue
    }
    if (c === '$') { expansion(false); continue }
    if (c === '`') {
      const end = text.indexOf('`', i + 1)
      const stop = end === -1 ? text.length : end + 1
      addText(text.slice(i, stop), false)
      markUnresolved('command substitution `...`')
      i = stop
      continue
    }
    const op = /^(&&|\|\||;;|;|&|\||\(|\))/.exec(text.slice(i, i + 2))
    if (op) {
      const o = op[1]
      endCommand(o === '(' || o === ')' || o === ';;' ? ';' : (o as ShellCommand['joinedBy']))
      i += o.length
      continue
    }
    const redir = /^(\d*)(>>|>&|<&|<>|>\||<<-?|>|<|&>>?)/.exec(text.slice(i, i + 8))
    if (redir && (redir[1] === '' || !cur)) {
      // A redirection: drop it and its target word (`2>&1` carries its target inline).
      endField()
      i += redir[0].length
      if (/^[0-9-]/.test(text[i] ?? '') && /&$/.test(redir[2])) {
        while (i < text.length && /[0-9-]/.test(text[i])) i++
      } else {
        redirectPending = true
      }
      continue
    }
    addText(c, false)
    i++
  }
  endCommand('\n')
  return out
}

function findClose(text: string, openAt: number, open: string, close: string): number {
  let depth = 0
  for (let k = openAt; k < text.length; k++) {
    const c = text[k]
    if (c === '\\') { k++; continue }
    if (c === "'" && open === '(') {
      const e = text.indexOf("'", k + 1)
      if (e !== -1) k = e
      continue
    }
    if (c === open) depth++
    else if (c === close) {
      depth--
      if (depth === 0) return k + 1
    }
  }
  return text.length
}
