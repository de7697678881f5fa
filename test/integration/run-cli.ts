// Spawns the built CLI exactly as users run it.
import {spawnSync} from 'node:child_process'
import {fileURLToPath} from 'node:url'

export const REPO = fileURLToPath(new URL('../../', import.meta.url))
export const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url))
export const HOSTS = fileURLToPath(new URL('../fixtures/hosts/', import.meta.url))

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

export function conntune(args: string[], opts: {uid?: number; gid?: number; env?: Record<string, string>} = {}): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    cwd: REPO,
    env: {...process.env, NO_COLOR: '1', ...opts.env},
    uid: opts.uid,
    gid: opts.gid,
    maxBuffer: 256 * 1024 * 1024,
  })
  return {code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr}
}

export function json(r: CliResult): any {
  try {
    return JSON.parse(r.stdout)
  } catch {
    throw new Error(`not JSON (exit ${r.code}): ${r.stdout.slice(0, 300)} ${r.stderr.slice(0, 300)}`)
  }
}

/** A user error is one line on stderr, never a stack trace. */
export function expectOneLineError(r: CliResult, code: number, pattern: RegExp): void {
  expect({code: r.code, stderr: r.stderr}).toEqual({code, stderr: expect.stringMatching(pattern)})
  expect(r.stderr.trim().split('\n')).toHaveLength(1)
  expect(r.stderr).not.toMatch(/\n\s+at /)
}
