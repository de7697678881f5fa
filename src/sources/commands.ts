// The servers' own view of their configuration: `nginx -T` prints every file nginx loaded,
// `nginx -V` the version and --conf-path, `lighttpd -v` the version. Only on the live host
// (an image under --root is never executed), bounded in time and output, argument arrays only.
import {execFile} from 'node:child_process'
import {existsSync} from 'node:fs'
import {delimiter, join} from 'node:path'
import {CAPTURE_LIMITS, COMMANDS} from '../snapshot/config-locations.js'
import type {CapturedCommand} from '../snapshot/types.js'

// Services run as root with sbin on PATH; a user's shell often lacks it.
const EXTRA_PATH = ['/usr/local/sbin', '/usr/sbin', '/sbin']

export function findProgram(name: string, pathEnv = process.env.PATH ?? ''): string | null {
  for (const dir of [...pathEnv.split(delimiter).filter(Boolean), ...EXTRA_PATH]) {
    const p = join(dir, name)
    if (existsSync(p)) return p
  }
  return null
}

/**
 * `nginx -t`/`-T` creates the temp directories nginx was built with when they are missing
 * (ngx_create_paths), which would change a host where nginx never ran. Returns the first
 * one that does not exist, or null when -T changes nothing.
 */
export function nginxWouldCreate(v: CapturedCommand | undefined): string | null {
  // Word by word, from a word's start: /--http-[a-z-]+-temp-path=(\S+)/g tries every position
  // and is O(n²) on crafted output; nginx -V prints its options as words.
  for (const word of (v?.stderr ?? '').split(/\s+/)) {
    const m = /^--http-[a-z-]+-temp-path=(\S+)/.exec(word)
    if (m && !existsSync(m[1])) return m[1]
  }
  return null
}

// node's execFile, not execa: the same guarantees here (argument array, no shell, a timeout,
// an output bound) without execa's ~65 ms import on every audit of a host running nginx.
function runOne(c: {program: string; args: readonly string[]}): Promise<CapturedCommand> {
  return new Promise((resolve) => {
    execFile(
      findProgram(c.program)!,
      [...c.args],
      {timeout: CAPTURE_LIMITS.commandSeconds * 1000, maxBuffer: CAPTURE_LIMITS.commandBytes, encoding: 'utf8', windowsHide: true},
      (error, stdout, stderr) => {
        const e = error as (NodeJS.ErrnoException & {killed?: boolean; code?: number | string}) | null
        if (e?.killed) resolve({error: `timed out after ${CAPTURE_LIMITS.commandSeconds}s`})
        else if (e?.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') resolve({error: `output larger than ${CAPTURE_LIMITS.commandBytes} bytes`})
        else if (e && typeof e.code !== 'number') resolve({error: `${e.code ?? 'failed to run'}`})
        else resolve({exitCode: e ? Number(e.code) : 0, stdout, stderr})
      },
    ).stdin?.end()
  })
}

export async function runCommands(opts: {skipNginxDump?: boolean} = {}): Promise<Record<string, CapturedCommand>> {
  const out: Record<string, CapturedCommand> = {}
  const wanted = Object.entries(COMMANDS).filter(([, c]) => findProgram(c.program))
  if (wanted.length === 0) return out
  // -V first: it decides whether -T may run.
  const version = wanted.find(([name]) => name === 'nginx -V')
  if (version) out['nginx -V'] = await runOne(version[1])
  await Promise.all(
    wanted.filter(([name]) => name !== 'nginx -V').map(async ([name, c]) => {
      if (name === 'nginx -T') {
        if (opts.skipNginxDump) return
        const missing = nginxWouldCreate(out['nginx -V'])
        if (missing) {
          out[name] = {error: `not run: it would create ${missing} (nginx has not run on this host); the files are read instead`}
          return
        }
      }
      out[name] = await runOne(c)
    }),
  )
  return out
}

/** nginx -V prints "--conf-path=/etc/nginx/nginx.conf" among its configure arguments. */
export function nginxConfPath(v: CapturedCommand | undefined): string | undefined {
  return v?.stderr ? /--conf-path=(\S+)/.exec(v.stderr)?.[1] : undefined
}
