// Findings' declarative fixes → text edits on the original files, keeping comments,
// indentation and line endings. An edit that cannot be made safely becomes a note instead:
// a fixer that guesses is worse than none.
import {posix} from 'node:path'
import {append} from '../append.js'
import {parseNginxText} from '../parsers/nginx/parser.js'
import type {NginxDirective} from '../parsers/nginx/types.js'
import {parseSysctlConf} from '../parsers/sysctl/index.js'
import type {Finding, FixAction} from '../rules/types.js'
import {lineStarts} from '../text/lines.js'
import {hasLineBreak} from '../text/trim.js'

export const DROP_IN = '90-conntune.conf'

export interface FixPlan {
  /** path → new text (a path absent from `before` is a new file). */
  after: Map<string, string>
  before: Map<string, string>
  /** Fixes that need a person: why, and where. */
  notes: string[]
}

type SetAction = Extract<FixAction, {kind: 'set'}>

function eol(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n'
}

function indentOf(text: string, offset: number): string {
  const start = text.lastIndexOf('\n', offset - 1) + 1
  return /^[ \t]*/.exec(text.slice(start))![0]
}

/** One parse of an nginx file, with its directives found by line and its blocks by position. */
class NginxIndex {
  readonly starts: number[]
  private readonly byLine = new Map<number, NginxDirective[]>()
  private readonly blocks = new Map<string, NginxDirective>()

  constructor(readonly text: string, file: string) {
    this.starts = lineStarts(text)
    // Pre-order, as a depth-first search would meet them: the first match is the one it found.
    const walk = (ds: NginxDirective[]): void => {
      for (const d of ds) {
        const list = this.byLine.get(d.line)
        if (list) list.push(d)
        else this.byLine.set(d.line, [d])
        if (d.block) {
          const at = `${d.line}:${d.col}`
          if (!this.blocks.has(at)) this.blocks.set(at, d)
          walk(d.block)
        }
      }
    }
    walk(parseNginxText(text, file, {spans: true}).value.parsed)
  }

  onLine(line: number, pred: (d: NginxDirective) => boolean): NginxDirective | undefined {
    return this.byLine.get(line)?.find(pred)
  }

  blockAt(line: number, col: number): NginxDirective | undefined {
    return this.blocks.get(`${line}:${col}`)
  }
}

/** An nginx edit as a splice of the text it was planned on, and the line it is about. */
interface Splice {
  start: number
  end: number
  insert: string
  line: number
}

/** nginx: rewrite the directive on that line, or add it right after its block's `{`. */
function planNginx(ix: NginxIndex, file: string, a: SetAction): Splice | {note: string} {
  const text = ix.text
  const [written, ...fixedArgs] = a.name.split(' ')
  // A map entry's key may be quoted as written ('' for an empty source); the parser unquotes it.
  const directive = written.replace(/^(['"])(.*)\1$/, '$2')
  const statement = `${a.name} ${a.value};`
  if (a.line !== null) {
    const d = ix.onLine(a.line, (x) => x.directive === directive && fixedArgs.every((f, i) => (x.args[i] ?? '').toLowerCase() === f.toLowerCase()))
    if (!d?.source) return {note: `${file}:${a.line}: no ${a.name} directive found to change to ${a.value}`}
    return {start: d.source.start, end: d.source.end, insert: statement, line: a.line}
  }
  const at = a.insertAt!
  const block = ix.blockAt(at.line, at.col)
  if (!block?.source) {
    // A conf.d snippet checked on its own has no http{} line: its top level is http context.
    if (at.context === 'http' && at.line === 1) return {start: 0, end: 0, insert: `${statement}${eol(text)}`, line: 1}
    return {note: `${file}:${at.line}: cannot find the ${at.context} block to add "${statement}" to`}
  }
  // The span records where the statement's `{` is.
  const brace = (ix.starts[block.source.termLine - 1] ?? text.length) + block.source.termCol - 1
  const outer = indentOf(text, block.source.start)
  const indent = `${outer}    `
  const nl = eol(text)
  // `server { listen 80; }` on one line: what followed the brace moves to its own line.
  let after = brace + 1
  while (text[after] === ' ' || text[after] === '\t') after++
  const restOfLine = after < text.length && /\S/.test(text[after])
  return restOfLine
    ? {start: brace + 1, end: after, insert: `${nl}${indent}${statement}${nl}${indent}`, line: block.source.termLine}
    : {start: brace + 1, end: brace + 1, insert: `${nl}${indent}${statement}`, line: block.source.termLine}
}

/**
 * Every nginx edit of one file, planned on one parse and spliced in one pass: a parse and a copy
 * of the file per edit made n edits O(n × file) (2 000 added lines: 6 s). The result is what
 * making them one by one, bottom-up, on the text the one before left gives; when two edits are
 * about one line (the later could see the earlier's change) they are made that way instead.
 */
export function editNginxFile(text: string, file: string, actions: Array<{ruleId: string; a: SetAction}>): {text: string; notes: string[]; changed: boolean} {
  const notes: string[] = []
  const ix = new NginxIndex(text, file)
  const splices: Splice[] = []
  const lines = new Set<number>()
  for (const {ruleId, a} of actions) {
    const r = planNginx(ix, file, a)
    if ('note' in r) {
      notes.push(`${ruleId}: ${r.note}`)
      continue
    }
    if (lines.has(r.line)) return editNginxOneByOne(text, file, actions)
    lines.add(r.line)
    splices.push(r)
  }
  // Later in the text first. Splices on different lines meet only when one rewrites a block
  // directive, whose span runs to its `}`: then one by one, as they would have been made.
  splices.sort((x, y) => y.start - x.start)
  const out: string[] = []
  let tail = text.length
  for (const sp of splices) {
    if (sp.end > tail) return editNginxOneByOne(text, file, actions)
    out.push(text.slice(sp.end, tail), sp.insert)
    tail = sp.start
  }
  out.push(text.slice(0, tail))
  return {text: out.reverse().join(''), notes, changed: splices.length > 0}
}

/** Each edit on a fresh parse of the text the one before left. */
export function editNginxOneByOne(text: string, file: string, actions: Array<{ruleId: string; a: SetAction}>): {text: string; notes: string[]; changed: boolean} {
  const notes: string[] = []
  let changed = false
  for (const {ruleId, a} of actions) {
    const r = planNginx(new NginxIndex(text, file), file, a)
    if ('note' in r) notes.push(`${ruleId}: ${r.note}`)
    else {
      text = text.slice(0, r.start) + r.insert + text.slice(r.end)
      changed = true
    }
  }
  return {text, notes, changed}
}

/**
 * A `name = value  # comment` line as the text up to the value (`head`: what the anchored
 * regex matches), the value, and the comment with the blanks before it — what
 * /^(HEAD)([^#]*?)(\s*#.*)?$/ gives, found by indexOf: that regex rescans a run of blanks
 * for every character of it, O(n²) on one crafted line. null where it would not match: a `#`
 * whose comment runs past a line break (`.` stops there).
 */
export function splitAssignment(line: string, head: RegExp): {head: string; value: string; comment: string} | null {
  const m = head.exec(line)
  if (!m) return null
  const rest = line.slice(m[0].length)
  const hash = rest.indexOf('#')
  if (hash === -1) return {head: m[0], value: rest, comment: ''}
  if (hasLineBreak(rest.slice(hash))) return null
  let start = hash
  while (start > 0 && /\s/.test(rest[start - 1])) start--
  return {head: m[0], value: rest.slice(0, start), comment: rest.slice(start)}
}

/** gunicorn.conf.py: rewrite `name = …` on that line, or append it. Command lines are left to people. */
function editGunicorn(lines: FileLines, file: string, a: SetAction): {note?: string} {
  if (!file.endsWith('.py')) return {note: `${file}${a.line ? `:${a.line}` : ''}: set gunicorn's ${a.name} to ${a.value} on the command line (--${a.name.replaceAll('_', '-')} ${a.value}); conntune does not rewrite command lines`}
  if (a.line !== null) {
    const old = lines.at(a.line - 1)
    const m = splitAssignment(old, new RegExp(`^\\s*${a.name}\\s*(?::[^=]+)?=\\s*`))
    if (!m) return {note: `${file}:${a.line}: "${old.trim()}" is not a plain \`${a.name} = …\` assignment; set ${a.name} = ${a.value} by hand`}
    lines.set(a.line - 1, `${m.head}${a.value}${m.comment}`)
    return {}
  }
  lines.appendLine(`${a.name} = ${a.value}`)
  return {}
}

/** lighttpd: rewrite `key = …` on that line, or append it to the main config. */
function editLighttpd(lines: FileLines, file: string, a: SetAction): {note?: string} {
  if (a.line !== null) {
    const old = lines.at(a.line - 1)
    const m = splitAssignment(old, new RegExp(`^\\s*${a.name.replaceAll('.', '\\.')}\\s*:?=\\s*`))
    if (!m) return {note: `${file}:${a.line}: set ${a.name} = ${a.value} by hand`}
    lines.set(a.line - 1, `${m.head}${a.value}${m.comment}`)
    return {}
  }
  lines.appendLine(`${a.name} = ${a.value}`)
  return {}
}

/**
 * A file's text while line edits are made to it. Splitting and joining the whole text at
 * every edit was quadratic in a file with an edit on every line. A replacement re-joins the
 * lines with the text's eol, so after the first one the text is its lines joined: they are
 * kept split until the end. An append adds to the text as it is, which is the lines' join
 * only once a replacement has been made. Anything else (a bare CR, a line break inside a
 * value) takes the text path, so the result is the text the edits one by one gave.
 */
class FileLines {
  private lines: string[] | null = null
  /** lines, joined with nl, is the text (a replacement was made); else text is. */
  private joined = false
  private nl = '\n'
  constructor(private text: string) {}

  private split(): string[] {
    if (this.lines === null) {
      this.nl = eol(this.text)
      this.lines = this.text.split(/\r?\n/)
      this.joined = false
    }
    return this.lines
  }

  at(i: number): string {
    return this.split()[i] ?? ''
  }

  set(i: number, line: string): void {
    const lines = this.split()
    const last = lines[lines.length - 1]
    if (i >= 0 && !/[\r\n]/.test(line) && !(i >= lines.length && last.endsWith('\r'))) {
      // Past the end, as `lines[i] = …` on the split text did: the gap joins as empty lines.
      while (lines.length < i) lines.push('')
      lines[i] = line
      this.joined = true
      return
    }
    lines[i] = line
    this.text = lines.join(this.nl)
    this.lines = null
  }

  /** `line` and an eol after the text, on a line of its own. */
  appendLine(line: string): void {
    const lines = this.lines
    if (lines !== null && this.joined && !/[\r\n]/.test(line) && !lines[lines.length - 1].endsWith('\r')) {
      // A text ending in a line break (or empty) splits with '' last: the line takes its place.
      if (lines[lines.length - 1] === '') lines[lines.length - 1] = line
      else lines.push(line)
      lines.push('')
      return
    }
    const text = this.toString()
    this.text = `${text}${text.endsWith('\n') || text === '' ? '' : eol(text)}${line}${eol(text)}`
  }

  toString(): string {
    if (this.lines !== null && this.joined) this.text = this.lines.join(this.nl)
    this.lines = null
    return this.text
  }
}

function kindOf(a: SetAction, file: string): 'nginx' | 'lighttpd' | 'gunicorn' {
  if (a.name.startsWith('server.')) return 'lighttpd'
  if (file.endsWith('.py') || /\.service$|Procfile|Dockerfile/.test(file) || ['keepalive', 'timeout', 'backlog', 'workers', 'threads', 'worker_class'].includes(a.name) && !/nginx/.test(file)) return 'gunicorn'
  return 'nginx'
}

/**
 * The plan for a set of findings over the files as read (`texts`: path → text). Kernel
 * settings go to one drop-in in the sysctl.d directory the files use (or /etc/sysctl.d), and
 * lines in files applied after it that set the same keys are removed, so the drop-in wins.
 */
export function planFixes(findings: Finding[], texts: Record<string, string>, opts: {prefer?: 'backend' | 'proxy'} = {}): FixPlan {
  const prefer = opts.prefer ?? 'backend'
  const before = new Map<string, string>()
  const after = new Map<string, string>()
  const notes: string[] = []
  const current = (f: string) => after.get(f) ?? texts[f]
  const change = (f: string, t: string) => {
    if (!before.has(f)) before.set(f, texts[f] ?? '')
    after.set(f, t)
  }
  const sysctl = new Map<string, string>()
  const deletions: Array<{file: string; line: number}> = []
  // Several findings (or locations) can ask for the same edit: make each once.
  const done = new Set<string>()
  const sets = new Map<string, Array<{ruleId: string; a: SetAction}>>()

  for (const f of findings) {
    for (const a of f.fix?.actions ?? []) {
      // A hop can be fixed on either side: only the preferred one is applied.
      if (a.kind === 'set' && a.prefer && a.prefer !== prefer) continue
      if (a.kind === 'sysctl') sysctl.set(a.key, a.value)
      else if (a.kind === 'delete-line') deletions.push({file: a.file, line: a.line})
      else {
        const key = `${a.name}\0${a.file}:${a.line}\0${a.insertAt?.file}:${a.insertAt?.line}:${a.insertAt?.col}`
        if (done.has(key) || (a.current !== null && a.current === a.value.replace(/^"(.*)"$/, '$1'))) continue
        done.add(key)
        const file = a.file ?? a.insertAt?.file ?? null
        if (file?.endsWith('.yaml')) {
          notes.push(`${f.ruleId}: set ${a.name} to ${a.value} on the backend itself (declared in ${file})`)
          continue
        }
        if (!file || current(file) === undefined) {
          notes.push(`${f.ruleId}: set ${a.name} to ${a.value}${file ? ` in ${file} (not read)` : ' — where it belongs cannot be told from the configuration read'}`)
          continue
        }
        if (!sets.has(file)) sets.set(file, [])
        sets.get(file)!.push({ruleId: f.ruleId, a})
      }
    }
  }
  // Bottom-up, so an insertion never moves a line a later edit points at.
  const at = (a: SetAction) => [a.line ?? a.insertAt!.line, a.line !== null ? 0 : a.insertAt!.col] as const
  for (const [file, list] of sets) {
    list.sort((x, y) => at(y.a)[0] - at(x.a)[0] || at(y.a)[1] - at(x.a)[1])
    // Line edits in a row share one split of the text; nginx edits in a row, one parse.
    let lines: FileLines | null = null
    let edited = false
    for (let k = 0; k < list.length; k++) {
      const {ruleId, a} = list[k]
      const kind = kindOf(a, file)
      if (kind === 'nginx') {
        if (lines && edited) change(file, lines.toString())
        lines = null
        edited = false
        let end = k + 1
        while (end < list.length && kindOf(list[end].a, file) === 'nginx') end++
        const r = editNginxFile(current(file)!, file, list.slice(k, end))
        append(notes, r.notes)
        if (r.changed) change(file, r.text)
        k = end - 1
        continue
      }
      lines ??= new FileLines(current(file)!)
      const r = kind === 'lighttpd' ? editLighttpd(lines, file, a) : editGunicorn(lines, file, a)
      if (r.note !== undefined) notes.push(`${ruleId}: ${r.note}`)
      else edited = true
    }
    if (lines && edited) change(file, lines.toString())
  }

  if (sysctl.size > 0) {
    const sysctlFiles = Object.keys(texts).filter((p) => /(^|\/)sysctl\.d\/[^/]+\.conf$/.test(p) || p.endsWith('/sysctl.conf'))
    const dir = sysctlFiles.map((p) => posix.dirname(p)).find((d) => d.endsWith('sysctl.d') && !d.startsWith('/usr') && !d.startsWith('/lib') && !d.startsWith('/run')) ?? '/etc/sysctl.d'
    const dropIn = posix.join(dir, DROP_IN)
    const existing = current(dropIn) ?? ''
    const kept = existing.split('\n').filter((l) => l.trim() && !sysctl.has(l.split('=')[0].trim()) && !l.startsWith('#'))
    const body = ['# Written by `conntune fix`: kernel settings its findings recommend (see each line).', ...kept, ...[...sysctl].map(([k, v]) => `${k} = ${v}`)].join('\n') + '\n'
    if (body !== existing) change(dropIn, body)
    // Lines applied after the drop-in (later names, /etc/sysctl.conf) that set the same keys would win.
    for (const p of sysctlFiles) {
      if (p === dropIn || (posix.basename(p) <= DROP_IN && !p.endsWith('/sysctl.conf'))) continue
      for (const e of parseSysctlConf(current(p) ?? '', p).value.entries) if (sysctl.has(e.key) && e.value !== sysctl.get(e.key)) deletions.push({file: p, line: e.line})
    }
  }

  const byFile = new Map<string, Set<number>>()
  for (const d of deletions) {
    if (current(d.file) === undefined) {
      notes.push(`delete line ${d.line} of ${d.file} (not read)`)
      continue
    }
    if (!byFile.has(d.file)) byFile.set(d.file, new Set())
    byFile.get(d.file)!.add(d.line)
  }
  for (const [file, lines] of byFile) {
    const text = current(file)!
    const nl = eol(text)
    change(file, text.split(/\r?\n/).filter((_, i) => !lines.has(i + 1)).join(nl))
  }
  return {before, after, notes}
}
