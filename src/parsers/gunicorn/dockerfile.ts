// Reads what a Dockerfile's final stage runs: ENV/ARG, WORKDIR, SHELL, ENTRYPOINT and CMD
// (exec form or shell form), combined as Docker does. Handles line continuations with the
// escape directive, comments, heredocs (their bodies are skipped) and stages built FROM an
// earlier stage.
import {ContinuedLine} from './continued-line.js'
import {StageEnv} from './stage-env.js'
import {replaceBeforeLastBrace, trimTrailing} from '../../text/trim.js'

export interface DockerInstruction {
  keyword: string
  args: string
  line: number
  /** 1-based column where args start */
  col: number
}

export interface DockerStage {
  name?: string
  from: string
  line: number
  env: StageEnv
  args: Map<string, string | undefined>
  workdir?: string
  shell: string[]
  entrypoint?: {argv: string[]; form: 'exec' | 'shell'; line: number; raw: string}
  cmd?: {argv: string[]; form: 'exec' | 'shell'; line: number; raw: string}
  cmdSet: boolean
}

export interface DockerParse {
  instructions: DockerInstruction[]
  stages: DockerStage[]
  errors: Array<{line: number; col: number; message: string}>
}

export function readDockerfile(text: string): DockerParse {
  const out: DockerParse = {instructions: [], stages: [], errors: []}
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/)
  let escape = '\\'
  let n = 0
  // Parser directives: only at the very top, before any other line.
  for (; n < lines.length; n++) {
    const m = /^#\s*([a-zA-Z]+)\s*=\s*(\S+)\s*$/.exec(lines[n])
    if (!m) break
    if (m[1].toLowerCase() === 'escape' && (m[2] === '`' || m[2] === '\\')) escape = m[2]
  }
  for (; n < lines.length; n++) {
    const first = lines[n]
    if (/^\s*(#|$)/.test(first)) continue
    const startLine = n + 1
    // The escape character at the end joins the next line as is; comment and empty lines in
    // between are skipped, except the file's last line.
    const cont = new ContinuedLine(first, escape, '')
    while (cont.continues() && n + 1 < lines.length) {
      n++
      while (n < lines.length && /^\s*(#.*)?$/.test(lines[n]) && n + 1 < lines.length) n++
      cont.join(lines[n])
    }
    const joined = cont.text()
    const m = /^\s*([A-Za-z]+)(\s+|$)/.exec(joined)
    if (!m) {
      out.errors.push({line: startLine, col: 1, message: 'not an instruction'})
      continue
    }
    const keyword = m[1].toUpperCase()
    const args = joined.slice(m[0].length).trim()
    out.instructions.push({keyword, args, line: startLine, col: m[0].length + 1})
    // Heredoc bodies (RUN <<EOF ... EOF) are not instructions.
    if (keyword === 'RUN' || keyword === 'COPY' || keyword === 'ADD') {
      const docs = [...args.matchAll(/<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_]*)\2/g)]
      for (const d of docs) {
        const strip = d[1] === '-'
        const word = d[3]
        n++
        while (n < lines.length && (strip ? lines[n].replace(/^\t+/, '') : lines[n]) !== word) n++
      }
    }
  }
  buildStages(out)
  return out
}

function buildStages(out: DockerParse): void {
  let stage: DockerStage | null = null
  const globalArgs = new Map<string, string | undefined>()
  // Stage names, lowercased as Docker compares them: the first stage of a name is the one a
  // later FROM builds on.
  const named = new Map<string, DockerStage>()
  for (const ins of out.instructions) {
    if (ins.keyword === 'FROM') {
      const words = ins.args.split(/\s+/).filter((w) => !w.startsWith('--'))
      const image = words[0] ?? ''
      const asAt = words.findIndex((w) => w.toLowerCase() === 'as')
      const name = asAt !== -1 ? words[asAt + 1]?.toLowerCase() : undefined
      const base = named.get(image.toLowerCase())
      // The base's env and shell are shared, not copied: a base is complete by now, and SHELL
      // replaces the array rather than changing it.
      stage = base
        ? {...base, name, from: image, line: ins.line, env: new StageEnv(base.env), args: new Map(), cmdSet: false}
        : {name, from: image, line: ins.line, env: new StageEnv(), args: new Map(), shell: ['/bin/sh', '-c'], cmdSet: false}
      out.stages.push(stage)
      if (name && !named.has(name)) named.set(name, stage)
      continue
    }
    if (!stage) {
      if (ins.keyword === 'ARG') for (const [k, v] of parseKeyValues(ins.args, () => undefined)) globalArgs.set(k, v)
      continue
    }
    const st: DockerStage = stage
    const lookup = (name: string): string | undefined => st.env.get(name)?.value ?? st.args.get(name) ?? undefined
    switch (ins.keyword) {
      case 'ENV':
        for (const [k, v] of parseKeyValues(ins.args, lookup)) st.env.set(k, {value: v ?? '', line: ins.line})
        break
      case 'ARG':
        for (const [k, v] of parseKeyValues(ins.args, lookup)) st.args.set(k, v ?? globalArgs.get(k))
        break
      case 'WORKDIR': {
        const dir = substitute(unquote(ins.args), lookup)
        st.workdir = dir.startsWith('/') ? dir : `${trimTrailing(st.workdir ?? '/', '/')}/${dir}`
        break
      }
      case 'SHELL': {
        const arr = jsonArray(ins.args)
        if (arr) st.shell = arr
        else out.errors.push({line: ins.line, col: ins.col, message: 'SHELL requires the JSON (exec) form'})
        break
      }
      case 'CMD':
      case 'ENTRYPOINT': {
        const arr = jsonArray(ins.args)
        const value = arr
          ? {argv: arr, form: 'exec' as const, line: ins.line, raw: ins.args}
          : {argv: [...st.shell, ins.args], form: 'shell' as const, line: ins.line, raw: ins.args}
        if (ins.keyword === 'CMD') {
          st.cmd = value
          st.cmdSet = true
        } else {
          st.entrypoint = value
          // ENTRYPOINT drops a CMD inherited from the base, but not one set in this stage.
          if (!st.cmdSet) st.cmd = undefined
        }
        break
      }
    }
  }
}

/** What `docker run IMAGE` executes for a stage: ENTRYPOINT and CMD combined. */
export function effectiveCommand(stage: DockerStage): {argv: string[]; line: number; form: 'exec' | 'shell'; from: 'entrypoint' | 'cmd' | 'both'} | null {
  const ep = stage.entrypoint
  const cmd = stage.cmd
  if (ep) {
    if (ep.form === 'shell' || !cmd) return {argv: ep.argv, line: ep.line, form: ep.form, from: 'entrypoint'}
    return {argv: [...ep.argv, ...cmd.argv], line: cmd.line, form: cmd.form, from: 'both'}
  }
  if (cmd) return {argv: cmd.argv, line: cmd.line, form: cmd.form, from: 'cmd'}
  return null
}

function jsonArray(args: string): string[] | null {
  if (!args.startsWith('[')) return null
  try {
    const v: unknown = JSON.parse(args)
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v
  } catch {
    // Not JSON: Docker treats it as the shell form.
  }
  return null
}

function unquote(s: string): string {
  const t = s.trim()
  if (t.length >= 2 && (t[0] === '"' || t[0] === "'") && t[t.length - 1] === t[0]) return t.slice(1, -1)
  return t
}

/** Docker's variable substitution in ENV/ARG/WORKDIR: $VAR, ${VAR}, ${VAR:-x}, ${VAR:+x}. */
export function substitute(s: string, lookup: (name: string) => string | undefined): string {
  return replaceBeforeLastBrace(s, /\\\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::([-+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, /\\\$|\$([A-Za-z_][A-Za-z0-9_]*)/g, (all, braced, op, word, bare) => {
    if (all === '\\$') return '$'
    const name = braced ?? bare!
    const v = lookup(name)
    if (op === '-') return v ? v : word ?? ''
    if (op === '+') return v ? word ?? '' : ''
    return v ?? ''
  })
}

/** ENV/ARG arguments: `K=V K2="v 2"`, or the legacy `K the rest of the line`. */
function parseKeyValues(args: string, lookup: (name: string) => string | undefined): Array<[string, string | undefined]> {
  const out: Array<[string, string | undefined]> = []
  const firstWord = /^\S+/.exec(args)?.[0] ?? ''
  if (!firstWord.includes('=')) {
    const m = /^(\S+)(?:\s+([\s\S]*))?$/.exec(args)
    if (m) out.push([m[1], m[2] !== undefined ? substitute(m[2], lookup) : undefined])
    return out
  }
  let i = 0
  while (i < args.length) {
    while (i < args.length && /\s/.test(args[i])) i++
    if (i >= args.length) break
    let word = ''
    let raw = ''
    let quote: string | null = null
    for (; i < args.length; i++) {
      const c = args[i]
      if (!quote && /\s/.test(c)) break
      if (c === '\\' && i + 1 < args.length && quote !== "'") { word += args[i + 1]; raw += c + args[i + 1]; i++; continue }
      if (quote) {
        if (c === quote) { quote = null; continue }
        word += quote === "'" && c === '$' ? '\\$' : c
        continue
      }
      if (c === '"' || c === "'") { quote = c; continue }
      word += c
    }
    void raw
    const eq = word.indexOf('=')
    if (eq === -1) { out.push([word, undefined]); continue }
    out.push([word.slice(0, eq), substitute(word.slice(eq + 1), lookup)])
  }
  return out
}
