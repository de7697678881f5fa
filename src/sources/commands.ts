// The servers' own view of their configuration: `nginx -T` prints every file nginx loaded,
// `nginx -V` the version and --conf-path, `lighttpd -v` the version. Only on the live host
// (an image under --root is never executed), bounded in time and output, argument arrays only.
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

export async function runCommands(): Promise<Record<string, CapturedCommand>> {
  const out: Record<string, CapturedCommand> = {}
  const wanted = Object.entries(COMMANDS).filter(([, c]) => findProgram(c.program))
  if (wanted.length === 0) return out
  const {execa} = await import('execa')
  await Promise.all(
    wanted.map(async ([name, c]) => {
      const r = await execa(findProgram(c.program)!, [...c.args], {
        reject: false,
        timeout: CAPTURE_LIMITS.commandSeconds * 1000,
        maxBuffer: CAPTURE_LIMITS.commandBytes,
        stdin: 'ignore',
        stripFinalNewline: false,
        encoding: 'utf8',
      })
      if (r.timedOut) out[name] = {error: `timed out after ${CAPTURE_LIMITS.commandSeconds}s`}
      else if (r.isMaxBuffer) out[name] = {error: `output larger than ${CAPTURE_LIMITS.commandBytes} bytes`}
      else if (r.failed && r.exitCode === undefined) out[name] = {error: (r.shortMessage ?? 'failed to run').split('\n')[0]}
      else out[name] = {exitCode: r.exitCode ?? 0, stdout: String(r.stdout), stderr: String(r.stderr)}
    }),
  )
  return out
}

/** nginx -V prints "--conf-path=/etc/nginx/nginx.conf" among its configure arguments. */
export function nginxConfPath(v: CapturedCommand | undefined): string | undefined {
  return v?.stderr ? /--conf-path=(\S+)/.exec(v.stderr)?.[1] : undefined
}
