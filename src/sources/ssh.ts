// The SSH source: one `ssh` session per host runs the fixed collector script (`sh -s`, the
// script on stdin) and its output becomes a Snapshot. The system ssh binary does the
// connecting, so ~/.ssh/config aliases, ProxyJump, ProxyCommand, agents and known_hosts work
// as the user set them up. Argument arrays only; host-key checking is never turned off: what
// ssh resolves (`ssh -G`) is checked before each connection (ssh-hostkeys.ts).
import {posix} from 'node:path'
import {UserError} from '../errors.js'
import {escapeTerminal} from '../text/escape.js'
import type {Snapshot} from '../snapshot/types.js'
import {collectorScript} from './collector-script.js'
import {CollectorOutputError, parseCollectorOutput} from './collector-output.js'
import {MAX_HOST_OUTPUT_BYTES, MAX_STDERR_BYTES, mib, type OutputBudget} from './output-budget.js'
import {startSsh, type SshProcess} from './ssh-process.js'

export interface SshTarget {
  /** What ssh connects to: a name, an ~/.ssh/config alias or an address. */
  host: string
  user?: string
  port?: number
  /** Its identity in reports and snapshot files (the inventory name, or the --host spec). */
  label: string
  /** ssh -i (ansible_ssh_private_key_file). */
  identityFile?: string
  /** Run the collector through `sudo -n` on this host (ansible_become). */
  sudo?: boolean
  /** More ssh arguments from the inventory (ansible_ssh_common_args/extra_args), already checked. */
  extraArgs?: string[]
}

export interface SshOptions {
  toolVersion: string
  /** Run the collector as root through `sudo -n` (never prompts). */
  sudo?: boolean
  /** ssh -F FILE */
  sshConfig?: string
  /** ssh -o KEY=VALUE, in order */
  sshOptions?: string[]
  /** ConnectTimeout, seconds. */
  connectTimeout?: number
  /** The whole session, milliseconds. */
  timeoutMs?: number
  /** The ssh program (tests and benches may point at another build). */
  sshBinary?: string
  signal?: AbortSignal
  /** One host's raw output, at most (default MAX_HOST_OUTPUT_BYTES). */
  maxOutputBytes?: number
  /** Shared by the hosts collected at once (the fleet makes one). */
  budget?: OutputBudget
}

export const DEFAULT_CONNECT_TIMEOUT = 10
export const DEFAULT_HOST_TIMEOUT_MS = 120_000
export type SshFailureKind = 'unreachable' | 'host-key' | 'timeout' | 'failed' | 'bad-output'

/** A host that gave no snapshot: the kind, and ssh's (or the collector's) own words. */
export class SshError extends Error {
  constructor(
    readonly kind: SshFailureKind,
    readonly host: string,
    message: string,
  ) {
    super(message)
    this.name = 'SshError'
  }
}

export interface SshResult {
  snapshot: Snapshot
  /** Problems with the output (cut short, garbled); the snapshot marks what is missing. */
  problems: string[]
  /** ssh's stderr, for --verbose style reporting. */
  stderr: string
}

const HOST_SPEC = /^(?:([^@\s/]+)@)?(\[[0-9A-Fa-f:.]+\]|[^@\s:[\]/]+)(?::(\d{1,5}))?$/

/** `[user@]host[:port]` (an IPv6 address in brackets) → target; a UserError names what is wrong. */
export function parseHostSpec(spec: string, where = '--host'): SshTarget {
  const m = HOST_SPEC.exec(spec.trim())
  if (!m) throw new UserError(`${where} ${JSON.stringify(spec)}: expected [user@]host[:port]`)
  const [, user, rawHost, rawPort] = m
  const host = rawHost.startsWith('[') ? rawHost.slice(1, -1) : rawHost
  checkHost(host, where)
  const port = rawPort === undefined ? undefined : checkPort(rawPort, where)
  return {host, label: spec.trim(), ...(user ? {user} : {}), ...(port !== undefined ? {port} : {})}
}

export function checkHost(host: string, where: string): void {
  // ssh would read a leading "-" as an option; names never start with one.
  if (!host || host.startsWith('-') || /[\s\0]/.test(host)) throw new UserError(`${where}: invalid host name ${JSON.stringify(host)}`)
}

export function checkPort(raw: string | number, where: string): number {
  const n = typeof raw === 'number' ? raw : /^\d{1,5}$/.test(raw) ? Number(raw) : NaN
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new UserError(`${where}: invalid port ${JSON.stringify(String(raw))}`)
  return n
}

const OPTION = /^([A-Za-z][A-Za-z0-9]*)=(.*)$/s

/** An ssh_config value as ssh reads it: surrounding quotes and case do not matter. */
function plainValue(raw: string): string {
  const v = raw.trim()
  return (/^(["'])(.*)\1$/s.exec(v)?.[2] ?? v).trim().toLowerCase()
}

/**
 * --ssh-option KEY=VALUE, checked as text so an obvious attempt fails fast (exit 2) before any
 * host is touched. The real decision is hostKeyCheck() on what `ssh -G` resolves.
 */
export function checkSshOption(opt: string): void {
  const m = OPTION.exec(opt)
  if (!m || /[\n\0]/.test(m[2])) throw new UserError(`--ssh-option ${JSON.stringify(opt)}: expected KEY=VALUE (an ssh_config option)`)
  const key = m[1].toLowerCase()
  const value = plainValue(m[2])
  if (key === 'stricthostkeychecking' && (value === 'no' || value === 'off' || value === 'false')) {
    throw new UserError(`--ssh-option ${JSON.stringify(opt)}: conntune never turns off host-key checking; add the host's key to known_hosts (or use accept-new)`)
  }
  if (key === 'userknownhostsfile' && value.split(/\s+/).some((f) => f === 'none' || posix.normalize(f) === '/dev/null')) {
    throw new UserError(`--ssh-option ${JSON.stringify(opt)}: conntune never turns off host-key checking; point UserKnownHostsFile at a real known_hosts file`)
  }
  // A command that prints keys decides trust by itself; from the command line that is a bypass.
  if (key === 'knownhostscommand') throw new UserError(`--ssh-option ${JSON.stringify(opt)}: conntune does not take KnownHostsCommand from the command line; set it in ssh_config if you rely on it`)
}

/**
 * ssh_config options that run a program, load a library, read another config or create files
 * on this machine: an inventory may not set them (ssh_config files, which the user chose, may).
 */
const RUNS_LOCALLY = new Set(['proxycommand', 'localcommand', 'permitlocalcommand', 'knownhostscommand', 'pkcs11provider', 'securitykeyprovider', 'include', 'match', 'controlpath', 'controlmaster', 'controlpersist', 'remotecommand', 'identityagent'])

/**
 * Inventory ssh arguments (ansible_ssh_common_args, ansible_ssh_extra_args), split as shell
 * words the way Ansible does (shlex), into an argument array. Only options that choose how to
 * reach the host are taken; each -o goes through checkSshOption, and the whole resolved
 * configuration through hostKeyCheck like any other.
 */
export function inventorySshArgs(words: string[], where: string): string[] {
  const out: string[] = []
  const WITH_VALUE = new Set(['-o', '-J', '-i'])
  for (let i = 0; i < words.length; i++) {
    const w = words[i]
    const m = /^(-[oJi])(.+)$/s.exec(w)
    const flag = m ? m[1] : w
    if (WITH_VALUE.has(flag)) {
      const value = m ? m[2] : words[++i]
      if (value === undefined || value.startsWith('-') || /[\0\n]/.test(value)) throw new UserError(`${where}: ${flag} needs a value`)
      if (flag === '-o') {
        try {
          checkSshOption(value)
        } catch (error) {
          throw new UserError(`${where}: ${(error as Error).message.replace(/^--ssh-option /, '-o ')}`)
        }
        const key = value.slice(0, value.indexOf('=')).toLowerCase()
        if (RUNS_LOCALLY.has(key)) throw new UserError(`${where}: -o ${value.slice(0, value.indexOf('='))}=…: nothing in an inventory is run on this machine; use ProxyJump (-J), or set it in an ssh_config given with --ssh-config`)
      }
      out.push(flag, value)
    } else if (w === '-C' || w === '-4' || w === '-6') out.push(w)
    else throw new UserError(`${where}: conntune passes only -o, -J, -i, -C, -4 and -6 to ssh; not ${JSON.stringify(w.slice(0, 40))}`)
  }
  return out
}

/** ssh's options for one host, shared by the session and the `ssh -G` check. */
function optionArgs(target: SshTarget, opts: Omit<SshOptions, 'toolVersion'>): string[] {
  checkHost(target.host, target.label)
  const args = ['-o', 'BatchMode=yes', '-o', `ConnectTimeout=${opts.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT}`]
  if (opts.sshConfig) args.push('-F', opts.sshConfig)
  for (const o of opts.sshOptions ?? []) {
    checkSshOption(o)
    args.push('-o', o)
  }
  // After --ssh-option: ssh keeps the first value it is given, so the command line wins.
  for (const a of target.extraArgs ?? []) args.push(a)
  if (target.identityFile) args.push('-i', target.identityFile)
  if (target.port !== undefined) args.push('-p', String(checkPort(target.port, target.label)))
  if (target.user) args.push('-l', target.user)
  return args
}

/** The ssh argument array for one host (the script goes on stdin). */
export function sshArgs(target: SshTarget, opts: Omit<SshOptions, 'toolVersion'>): string[] {
  // "--": nothing after it is an option, whatever the host is called.
  return ['-T', ...optionArgs(target, opts), '--', target.host, opts.sudo || target.sudo ? 'sudo -n sh -s' : 'sh -s']
}

/** `ssh -G`: prints the configuration ssh would use for this host; connects to nothing. */
export function sshConfigArgs(target: SshTarget, opts: Omit<SshOptions, 'toolVersion'>): string[] {
  return ['-G', ...optionArgs(target, opts), '--', target.host]
}

/**
 * Refuses (SshError 'host-key') a host for which ssh, as configured by -F, -o and the user's
 * ssh_config, would not check host keys (ssh-hostkeys.ts says what "off" means).
 */
export async function hostKeyCheck(target: SshTarget, opts: Omit<SshOptions, 'toolVersion'>): Promise<void> {
  const args = sshConfigArgs(target, opts)
  const {parseSshG, hostKeyCheckingOff} = await import('./ssh-hostkeys.js')
  const sub = startSsh(opts.sshBinary ?? 'ssh', args, {timeoutMs: 30_000, maxStderrBytes: SSH_G_BYTES, ...(opts.signal ? {signal: opts.signal} : {})})
  const out: Buffer[] = []
  let size = 0
  sub.stdout.on('data', (chunk: Buffer) => {
    size += chunk.length
    if (size > SSH_G_BYTES) sub.kill()
    else out.push(chunk)
  })
  const r = await sub.done
  const who = target.label
  if (r.spawnError) throw new SshError('failed', who, `cannot run ${opts.sshBinary ?? 'ssh'}: ${r.spawnError}`)
  const cfg = r.exitCode === 0 && size <= SSH_G_BYTES ? parseSshG(Buffer.concat(out).toString('utf8')) : null
  if (!cfg) {
    const why = lastLine(r.stderr)
    throw new SshError('failed', who, `ssh -G could not resolve the configuration${why ? `: ${why}` : ''}`)
  }
  const off = hostKeyCheckingOff(cfg)
  if (off) throw new SshError('host-key', who, `not connecting: host-key checking would be off (${off}, as ssh -G resolves the ssh options and config); conntune never turns it off`)
}

/** What `ssh -G` may print (its answer is a few KiB). */
const SSH_G_BYTES = 1024 * 1024

/** ssh's last meaningful stderr line ("ssh: connect to host … Connection refused"). */
function lastLine(stderr: string): string {
  const lines = stderr
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !/^Warning: Permanently added/.test(l))
  return lines.at(-1) ?? ''
}

/** Runs the collector on one host over one ssh session. Throws SshError when there is no snapshot. */
export async function collectSsh(target: SshTarget, opts: SshOptions): Promise<SshResult> {
  const args = sshArgs(target, opts)
  await hostKeyCheck(target, opts)
  const timeoutMs = opts.timeoutMs ?? DEFAULT_HOST_TIMEOUT_MS
  const sub = startSsh(opts.sshBinary ?? 'ssh', args, {
    input: collectorScript(),
    timeoutMs,
    forceKillAfterMs: 2000,
    // stdout is read here, chunk by chunk against the caps.
    maxStderrBytes: MAX_STDERR_BYTES,
    ...(opts.signal ? {signal: opts.signal} : {}),
  })
  const cap = opts.maxOutputBytes ?? MAX_HOST_OUTPUT_BYTES
  const chunks: Buffer[] = []
  let size = 0
  let taken = 0
  let over: string | undefined
  sub.stdout.on('data', (chunk: Buffer) => {
    if (over !== undefined) return
    size += chunk.length
    if (size > cap) over = `collector output exceeded ${mib(cap)} MiB; stopped`
    else if (opts.budget && !opts.budget.take(chunk.length)) {
      over = `output of the hosts collected at once exceeded ${mib(opts.budget.limit)} MiB; stopped`
    }
    if (over === undefined) {
      taken += chunk.length
      chunks.push(chunk)
      return
    }
    // Give the memory back now, not when ssh has gone: the other hosts may need it.
    chunks.length = 0
    opts.budget?.release(taken)
    taken = 0
    sub.kill()
  })
  try {
    return await finish(target, opts, sub, chunks, () => over, timeoutMs)
  } finally {
    opts.budget?.release(taken)
  }
}

async function finish(target: SshTarget, opts: SshOptions, sub: SshProcess, chunks: Buffer[], over: () => string | undefined, timeoutMs: number): Promise<SshResult> {
  const r = await sub.done
  const who = target.label
  const stopped = over()
  if (stopped !== undefined) throw new SshError('bad-output', who, stopped)
  if (r.stderrOver) throw new SshError('bad-output', who, `ssh's error output exceeded ${mib(MAX_STDERR_BYTES)} MiB; stopped`)
  const stdout = Buffer.concat(chunks)
  chunks.length = 0
  const stderr = r.stderr
  if (r.timedOut) throw new SshError('timeout', who, `no answer within ${Math.round(timeoutMs / 1000)}s (ssh was stopped)`)
  if (r.canceled) throw new SshError('timeout', who, 'stopped')
  if (r.spawnError) throw new SshError('failed', who, `cannot run ${opts.sshBinary ?? 'ssh'}: ${r.spawnError}`)
  if (r.exitCode === 255) {
    const line = lastLine(stderr) || 'ssh failed (exit 255) without a message'
    throw new SshError(isHostKeyFailure(stderr) ? 'host-key' : 'unreachable', who, line)
  }
  let parsed
  try {
    parsed = parseCollectorOutput(stdout, {source: 'ssh', toolVersion: opts.toolVersion, fallbackName: target.label})
  } catch (error) {
    if (!(error instanceof CollectorOutputError)) throw error
    const why = lastLine(stderr)
    const status = r.signal ? `killed by ${r.signal}` : `exit ${r.exitCode}`
    throw new SshError('bad-output', who, why ? `the collector did not run (${status}): ${why}` : `${error.message} (${status})`)
  }
  // The name we were given is the identity: a host cannot rename itself, and two hosts that
  // share a hostname stay two hosts. What it calls itself is kept, escaped and bounded.
  parsed.snapshot.host = {name: target.label, ...(parsed.hostname ? {hostname: escapeTerminal(parsed.hostname.slice(0, 255))} : {})}
  const problems = [...parsed.errors]
  if (r.exitCode !== 0 && r.exitCode !== undefined) problems.push(`the remote shell exited ${r.exitCode}${lastLine(stderr) ? `: ${lastLine(stderr)}` : ''}`)
  return {snapshot: parsed.snapshot, problems, stderr}
}

/**
 * Does ssh's stderr say the host key failed? `/…|No .* host key is known/i` on a line, found
 * without that regex, which is O(n²) on a crafted line of many "No "s (the server's banner
 * reaches stderr).
 */
export function isHostKeyFailure(stderr: string): boolean {
  if (/Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED/i.test(stderr)) return true
  return stderr.split(/[\n\r\u2028\u2029]/).some((line) => {
    const lower = line.toLowerCase()
    const no = lower.indexOf('no ')
    return no !== -1 && lower.lastIndexOf(' host key is known') >= no + 3
  })
}
