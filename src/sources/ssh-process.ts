// One ssh process: node's spawn with what the SSH source needs around it (a timeout that
// kills, then kills hard; cancellation; stderr kept up to a bound; stdout left to the caller
// as a stream). Not execa: at a fleet's concurrency its per-spawn overhead (≈ 2 ms of node CPU,
// two spawns per host) competed with the ssh sessions for the same cores.
import {spawn} from 'node:child_process'
import type {Readable} from 'node:stream'

export interface SshProcessOptions {
  /** Written to stdin, which is then closed; without it stdin is /dev/null. */
  input?: string
  timeoutMs: number
  /** After the timeout's SIGTERM, SIGKILL this much later if it is still there. */
  forceKillAfterMs?: number
  maxStderrBytes: number
  signal?: AbortSignal
}

export interface SshProcessResult {
  exitCode?: number
  signal?: NodeJS.Signals
  timedOut: boolean
  canceled: boolean
  /** The spawn itself failed (ENOENT, EACCES): the errno code. */
  spawnError?: string
  stderr: string
  stderrOver: boolean
}

export interface SshProcess {
  stdout: Readable
  /** SIGTERM, then SIGKILL if it is still there after forceKillAfterMs (as the timeout does). */
  kill(): void
  done: Promise<SshProcessResult>
}

export function startSsh(program: string, args: string[], opts: SshProcessOptions): SshProcess {
  const child = spawn(program, args, {
    stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    // ssh must not ask anything on a terminal: BatchMode says so, and no stdin is a TTY here.
    env: {...process.env, SSH_ASKPASS_REQUIRE: 'never'},
    windowsHide: true,
  })
  let timedOut = false
  let canceled = false
  let hard: NodeJS.Timeout | undefined
  const stop = () => {
    child.kill('SIGTERM')
    hard ??= setTimeout(() => child.kill('SIGKILL'), opts.forceKillAfterMs ?? 2000)
    hard.unref()
  }
  const timer = setTimeout(() => {
    timedOut = true
    stop()
  }, opts.timeoutMs)
  const onAbort = () => {
    canceled = true
    stop()
  }
  opts.signal?.addEventListener('abort', onAbort, {once: true})
  if (opts.signal?.aborted) onAbort()

  const errChunks: Buffer[] = []
  let errSize = 0
  let stderrOver = false
  child.stderr!.on('data', (chunk: Buffer) => {
    if (stderrOver) return
    errSize += chunk.length
    if (errSize > opts.maxStderrBytes) {
      stderrOver = true
      errChunks.length = 0
      stop()
    } else errChunks.push(chunk)
  })
  if (child.stdin) {
    // A host that exits before reading the whole script closes the pipe: not an error here.
    child.stdin.on('error', () => {})
    child.stdin.end(opts.input)
  }

  const done = new Promise<SshProcessResult>((resolve) => {
    let spawnError: string | undefined
    child.on('error', (e: NodeJS.ErrnoException) => {
      spawnError = e.code ?? e.message
      // A failed spawn emits no 'close' when nothing was ever opened.
      if (child.pid === undefined) settle(null, null)
    })
    let settled = false
    const settle = (code: number | null, sig: NodeJS.Signals | null) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      if (hard) clearTimeout(hard)
      opts.signal?.removeEventListener('abort', onAbort)
      resolve({
        ...(code !== null ? {exitCode: code} : {}),
        ...(sig ? {signal: sig} : {}),
        timedOut,
        canceled,
        ...(spawnError ? {spawnError} : {}),
        stderr: Buffer.concat(errChunks).toString('utf8'),
        stderrOver,
      })
    }
    // 'close': the process is gone and its pipes are drained, so stdout's data has all arrived.
    child.on('close', settle)
  })
  return {stdout: child.stdout!, kill: stop, done}
}
