// Turns the collector script's framed output (src/sources/collector.sh) into the Snapshot a
// local collect makes. Output cut short or garbled keeps what was read; everything the host
// should have reported and did not is recorded as an error, so the audit says it is incomplete.
import {SNAPSHOT_FORMAT, SNAPSHOT_VERSION, type CapturedCommand, type CapturedFile, type Snapshot} from '../snapshot/types.js'
import {cappedListing, PROC_FILES, SYSCTL_KEYS} from '../snapshot/kernel-keys.js'
import {LOG_LIMITS} from '../snapshot/config-locations.js'
import {snapshotLogTargets} from '../snapshot/nginx-texts.js'
import type {CapturedLog} from '../snapshot/types.js'

export const COLLECTOR_MAGIC = 'conntune-collector '
const FORMAT_VERSION = 1

export class CollectorOutputError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'CollectorOutputError'
  }
}

export interface ParsedCollectorOutput {
  snapshot: Snapshot
  /** What was wrong with the output (cut short, garbled); empty when it was whole. */
  errors: string[]
  /** The output ended with its END section. */
  complete: boolean
  /** Every log the collector read, by "KIND PATH" (the snapshot keeps those nginx's config names). */
  logsRead: Record<string, CapturedLog>
  /** What the host calls itself (/proc/sys/kernel/hostname), as sent: an attribute, never an identity. */
  hostname: string | null
}

export interface ParseOptions {
  source: 'ssh' | 'script'
  toolVersion: string
  /** Used when the output does not name the host (no readable /proc/sys/kernel/hostname). */
  fallbackName?: string
  collectedAt?: string
}

const enc = (b: Buffer) => b.toString('utf8')

/** Is this (the start of a file) collector output rather than a JSON snapshot? */
export function looksLikeCollectorOutput(data: Buffer | string): boolean {
  const head = (typeof data === 'string' ? Buffer.from(data.slice(0, 65536)) : data.subarray(0, 65536)).toString('latin1')
  return /(?:^|\n)conntune-collector \d+ --conntune-\S+\r?\n/.test(head)
}

/**
 * Output that went through a terminal (`ansible -m script` runs it on a pty; so do `ssh -t`
 * and `script`) has every "\n" turned into "\r\n" (the tty's onlcr). Bodies are raw bytes
 * with lengths checked against their LIMIT, so the translation is undone exactly, not
 * tolerated: onlcr puts "\r" before every "\n", so each "\r\n" in the output is one "\n"
 * of the original (an original "\r\n" arrives as "\r\r\n" and comes back). It is detected
 * by the header line, which the collector ends with a bare "\n"; after that header every
 * "\n" must have its "\r", or the output is not one translation and is refused as garbled.
 */
export function undoTerminalNewlines(data: Buffer): {data: Buffer; translated: boolean; error?: string} {
  const head = data.subarray(0, 65536).toString('latin1')
  const m = /(?:^|\n)conntune-collector \d+ --conntune-[A-Za-z0-9._-]{8,200}(\r?)\n/.exec(head)
  if (!m || m[1] !== '\r') return {data, translated: false}
  const parts: Buffer[] = []
  let from = 0
  for (let nl = data.indexOf(0x0a); nl >= 0; nl = data.indexOf(0x0a, nl + 1)) {
    if (nl === 0 || data[nl - 1] !== 0x0d) {
      if (nl > m.index) return {data, translated: true, error: `the output went through a terminal ("\\r\\n" line ends) but has a bare "\\n" at offset ${nl}: not one translation`}
      continue
    }
    parts.push(data.subarray(from, nl - 1))
    from = nl
  }
  // Cut right after a translated "\r": that "\r" was half of a "\n".
  const end = data.length > from && data[data.length - 1] === 0x0d ? data.length - 1 : data.length
  parts.push(data.subarray(from, end))
  return {data: Buffer.concat(parts), translated: true}
}

interface Section {
  kind: string
  args: string
  body: Buffer
}

const MAX_LIMIT = Number.MAX_SAFE_INTEGER

/** "STATUS LIMIT NAME" → parts; the name is the rest of the line and may hold spaces. */
function splitArgs(args: string, parts: number): string[] | null {
  const out: string[] = []
  let rest = args
  for (let i = 0; i < parts - 1; i++) {
    const sp = rest.indexOf(' ')
    if (sp <= 0) return null
    out.push(rest.slice(0, sp))
    rest = rest.slice(sp + 1)
  }
  if (rest.length === 0) return null
  out.push(rest)
  return out
}

function limitOf(s: string): number | null {
  if (!/^\d{1,16}$/.test(s)) return null
  const n = Number(s)
  return n <= MAX_LIMIT ? n : null
}

/** A bounded file body → CapturedFile, as RootFs.readFile records it (binary refused, cut at the bound). */
function fileFrom(status: string, limit: number, body: Buffer): CapturedFile {
  if (status !== 'ok') return {error: status}
  const truncated = body.length > limit
  const data = truncated ? body.subarray(0, limit) : body
  if (data.includes(0)) return {error: 'binary'}
  return {text: enc(data), ...(truncated ? {truncated} : {})}
}

const LOG_ERRORS: Record<string, string> = {ENOTREG: 'not a regular file', binary: 'binary (NUL bytes)'}

/** A LOG section → CapturedLog, as src/sources/logs.ts readLog records it. */
function logFrom(status: string, kind: 'error' | 'access', [bytes, matched, cut]: number[], body: Buffer): CapturedLog {
  if (status === 'binary') return {kind, error: LOG_ERRORS.binary, bytes}
  if (status !== 'ok') return {kind, error: LOG_ERRORS[status] ?? status}
  if (body.includes(0)) return {kind, error: LOG_ERRORS.binary, bytes}
  const text = enc(body)
  const lines = (text.endsWith('\n') ? text.slice(0, -1) : text)
    .split('\n')
    .filter((l, i, all) => !(all.length === 1 && l === ''))
    .slice(-LOG_LIMITS.lines)
    .map((l) => (l.length > LOG_LIMITS.lineChars ? l.slice(0, LOG_LIMITS.lineChars) : l))
  // The file may grow between the collector's count and its read of the lines.
  return {kind, lines, matched: Math.max(matched, lines.length), bytes, ...(cut === 1 ? {truncated: true} : {})}
}

/**
 * The logs nginx's parsed config names (as the local source picks them), filled from what the
 * collector read. Its word-split grep of the config can find paths nginx does not use (those
 * are dropped here) and miss some it does (those say so).
 */
function logsFor(snap: Pick<Snapshot, 'files' | 'commands'>, read: Map<string, CapturedLog>, utcOffset: string, missing: string): Snapshot['logs'] | undefined {
  const {targets} = snapshotLogTargets(snap)
  if (targets.length === 0) return undefined
  const files: Record<string, CapturedLog> = {}
  for (const t of targets.slice(0, LOG_LIMITS.files)) {
    files[t.path] = read.get(`${t.kind} ${t.path}`) ?? {kind: t.kind, error: `${missing} (the collector finds log paths by a word split of the config lines, which missed this one)`}
  }
  return {utcOffset, files}
}

/** Splits the output into sections; stops at the first malformed one. */
function sections(data: Buffer): {sections: Section[]; ended: boolean; lastPartial: boolean; errors: string[]; version: number} {
  const text = data.toString('latin1')
  const m = /(?:^|\n)conntune-collector (\d+) (--conntune-[A-Za-z0-9._-]{8,200})\n/.exec(text)
  if (!m) throw new CollectorOutputError('not conntune collector output (no "conntune-collector" header line)')
  const version = Number(m[1])
  if (version > FORMAT_VERSION) throw new CollectorOutputError(`collector output format ${version} is newer than this conntune reads (${FORMAT_VERSION}); upgrade conntune`)
  const sep = Buffer.from(`\n${m[2]} `, 'latin1')
  // latin1 maps bytes 1:1, so string offsets are byte offsets.
  let pos = m.index + m[0].length
  const out: Section[] = []
  const errors: string[] = []
  let ended = false
  // The last body ran to the end of the data: it was cut wherever the output stopped.
  let lastPartial = false
  let start = data.indexOf(sep, pos)
  if (start !== pos) {
    errors.push(start < 0 ? 'the output has a header line and nothing after it' : `unexpected bytes after the header line (offset ${pos})`)
    if (start < 0) return {sections: out, ended, lastPartial, errors, version}
  }
  while (start >= 0) {
    const hdrStart = start + sep.length
    const eol = data.indexOf(0x0a, hdrStart)
    if (eol < 0) {
      // "END" without its final newline is still the end; anything else was cut inside a header.
      if (data.subarray(hdrStart).toString('latin1') === 'END') ended = true
      else errors.push('the output ends inside a section header')
      break
    }
    const header = data.subarray(hdrStart, eol).toString('utf8')
    const next = data.indexOf(sep, eol + 1)
    const body = data.subarray(eol + 1, next < 0 ? data.length : next)
    const sp = header.indexOf(' ')
    const kind = sp < 0 ? header : header.slice(0, sp)
    const args = sp < 0 ? '' : header.slice(sp + 1)
    if (!/^[A-Z]{2,10}$/.test(kind)) {
      errors.push(`garbled section header "${header.slice(0, 80)}"`)
      break
    }
    if (kind === 'END') {
      ended = true
      break
    }
    out.push({kind, args, body})
    if (next < 0) lastPartial = true
    start = next
  }
  if (!ended && errors.length === 0) errors.push('the output was cut short (no END section)')
  return {sections: out, ended, lastPartial, errors, version}
}

/** Parses collector output; throws CollectorOutputError only when it is not collector output at all. */
export function parseCollectorOutput(input: Buffer | string, opts: ParseOptions): ParsedCollectorOutput {
  const raw = typeof input === 'string' ? Buffer.from(input, 'utf8') : input
  const undone = undoTerminalNewlines(raw)
  if (undone.error) throw new CollectorOutputError(undone.error)
  const data = undone.data
  const split = sections(data)
  const errors = [...split.errors]
  const complete = split.ended && errors.length === 0
  const kernel: Record<string, CapturedFile> = {}
  const sysctl: Snapshot['sysctl'] = {}
  const proc: Snapshot['proc'] = {}
  const files: Snapshot['files'] = {}
  const dirs: Snapshot['dirs'] = {}
  const commands: Record<string, CapturedCommand & {limit?: number; rc?: string}> = {}
  let timeoutSeconds: number | null = null
  let utcOffset: string | null = null
  // "KIND PATH" → what the collector kept of that log.
  const logs = new Map<string, CapturedLog>()
  // Which entry the last section filled: when the output is cut, that body is partial.
  let last: {set: (f: CapturedFile) => void} | null = null

  const bad = (s: Section) => {
    errors.push(`garbled ${s.kind} section "${s.args.slice(0, 80)}"`)
  }

  for (const s of split.sections) {
    last = null
    switch (s.kind) {
      case 'META': {
        const m = /^timeout (\d+)$/.exec(s.args)
        if (m) timeoutSeconds = Number(m[1])
        const z = /^utcoffset ([+-]\d{4})$/.exec(s.args)
        if (z) utcOffset = z[1]
        break
      }
      case 'LOG': {
        const a = splitArgs(s.args, 6)
        const nums = a ? a.slice(2, 5).map(limitOf) : []
        if (!a || (a[1] !== 'error' && a[1] !== 'access') || nums.some((n) => n === null) || !a[5].startsWith('/')) {
          bad(s)
          break
        }
        const [status, kind, , , , path] = a as [string, 'error' | 'access', string, string, string, string]
        const key = `${kind} ${path}`
        logs.set(key, logFrom(status, kind, nums as number[], s.body))
        last = {set: (f) => logs.set(key, {kind, error: f.error ?? 'EIO'})}
        break
      }
      case 'KERNEL': {
        const a = splitArgs(s.args, 2)
        if (!a) {
          bad(s)
          break
        }
        kernel[a[1]] = fileFrom(a[0], 4096, s.body)
        last = {set: (f) => (kernel[a[1]] = f)}
        break
      }
      case 'SYSCTL': {
        const a = splitArgs(s.args, 2)
        if (!a) {
          bad(s)
          break
        }
        const [status, key] = a
        if (status === 'ENOENT') sysctl[key] = {absent: true}
        else if (status !== 'ok') sysctl[key] = {error: status}
        else if (s.body.includes(0)) sysctl[key] = {error: 'binary'}
        else sysctl[key] = {value: enc(s.body).trim()}
        last = {set: (f) => (sysctl[key] = {error: f.error ?? 'EIO'})}
        break
      }
      case 'SYSCTLS': {
        // "/proc/sys/net/ipv4/tcp_fin_timeout:60" lines, as grep -H prints them.
        const lines = new Map<string, string[]>()
        for (const line of enc(s.body).split('\n')) {
          const m = /^\/proc\/sys\/([^:]+):(.*)$/.exec(line)
          if (!m) continue
          const key = m[1].replaceAll('/', '.')
          // Appended in place: a crafted body repeating one key must stay linear.
          const seen = lines.get(key)
          if (seen) seen.push(m[2])
          else lines.set(key, [m[2]])
        }
        for (const [key, values] of lines) sysctl[key] = values.join('\n').includes('\0') ? {error: 'binary'} : {value: values.join('\n').trim()}
        const lastKey = [...lines.keys()].pop()
        if (lastKey) last = {set: (f) => (sysctl[lastKey] = {error: f.error ?? 'EIO'})}
        break
      }
      case 'PROC':
      case 'FILE': {
        const a = splitArgs(s.args, 3)
        const limit = a ? limitOf(a[1]) : null
        if (!a || limit === null || (s.kind === 'FILE' && !a[2].startsWith('/'))) {
          bad(s)
          break
        }
        const target = s.kind === 'PROC' ? proc : files
        const name = a[2]
        target[name] = fileFrom(a[0], limit, s.body)
        last = {set: (f) => (target[name] = f)}
        break
      }
      case 'FAIL': {
        const f = files[s.args] ?? proc[s.args]
        if (f) {
          delete f.text
          delete f.truncated
          f.error = 'EIO'
        }
        break
      }
      case 'LINK': {
        const f = files[s.args] ?? proc[s.args]
        const target = enc(s.body)
        if (f && target.startsWith('/') && target !== s.args) f.link = target
        break
      }
      case 'DIR': {
        const a = splitArgs(s.args, 2)
        if (!a || !a[1].startsWith('/')) {
          bad(s)
          break
        }
        if (a[0] !== 'ok') dirs[a[1]] = {error: a[0]}
        else {
          const names = enc(s.body)
            .split('\n')
            .filter((n) => n.length > 0 && n !== '.' && n !== '..' && !n.includes('/'))
            .sort()
          dirs[a[1]] = cappedListing(names)
        }
        const dir = a[1]
        last = {set: (f) => (dirs[dir] = {error: f.error ?? 'EIO'})}
        break
      }
      case 'CMD': {
        const a = splitArgs(s.args, 2)
        const limit = a ? limitOf(a[0]) : null
        if (!a || limit === null) {
          bad(s)
          break
        }
        const name = a[1]
        commands[name] = {limit, stdout: enc(s.body.subarray(0, limit)), ...(s.body.length > limit ? {error: `output larger than ${limit} bytes`} : {})}
        last = {set: (f) => (commands[name] = {error: `collector output ended inside it${f.error ? ` (${f.error})` : ''}`})}
        break
      }
      case 'CMDERR': {
        const c = commands[s.args]
        if (!c) bad(s)
        else c.stderr = enc(s.body)
        break
      }
      case 'CMDRC': {
        const c = commands[s.args]
        if (!c) bad(s)
        else c.rc = enc(s.body).trim()
        break
      }
      case 'CMDSKIP': {
        commands[s.args] = {error: `not run: it would create ${enc(s.body)} (nginx has not run on this host); the files are read instead`}
        break
      }
      default:
        // A newer collector may add kinds; an older reader keeps what it understands.
        break
    }
  }
  if (split.lastPartial && last) last.set({error: 'collector output ended inside it'})

  const cmds: Record<string, CapturedCommand> = {}
  for (const [name, c] of Object.entries(commands)) {
    if (c.error) cmds[name] = {error: c.error}
    else if (c.rc === undefined) cmds[name] = {error: 'collector output has no exit status for it'}
    else if (!/^\d+$/.test(c.rc)) cmds[name] = {error: `exit status "${c.rc.slice(0, 20)}" is not a number`}
    else if (timeoutSeconds !== null && c.rc === '124') cmds[name] = {error: `timed out after ${timeoutSeconds}s`}
    else cmds[name] = {exitCode: Number(c.rc), stdout: c.stdout ?? '', stderr: c.stderr ?? ''}
  }

  // What every collector run reports; a missing one means the output was cut or garbled.
  const missing = complete ? 'not in the collector output' : 'not in the collector output (it was cut short or garbled)'
  for (const key of SYSCTL_KEYS) if (!sysctl[key]) sysctl[key] = {error: missing}
  for (const p of PROC_FILES) if (!proc[p]) proc[p] = {error: missing}

  const snapshotLogs = logs.size > 0 || utcOffset !== null ? logsFor({files, commands: cmds}, logs, utcOffset ?? '+0000', missing) : undefined

  const release = kernel.osrelease
  const hostname = kernel.hostname?.text?.trim() || null
  const name = hostname || opts.fallbackName || 'localhost'
  return {
    snapshot: {
      format: SNAPSHOT_FORMAT,
      version: SNAPSHOT_VERSION,
      collector: {tool: 'conntune', version: opts.toolVersion, source: opts.source},
      collectedAt: opts.collectedAt ?? new Date().toISOString(),
      host: {name},
      kernel: release?.text !== undefined ? {release: release.text.trim()} : {release: null, error: release?.error ?? missing},
      sysctl,
      proc,
      files,
      dirs,
      ...(Object.keys(cmds).length > 0 ? {commands: cmds} : {}),
      ...(snapshotLogs ? {logs: snapshotLogs} : {}),
    },
    errors,
    complete,
    logsRead: Object.fromEntries(logs),
    hostname,
  }
}
