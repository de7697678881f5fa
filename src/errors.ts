// User-facing failures. Each renders as one line naming what and where; the exit code says
// which kind it was (README "Exit codes"). Stack traces are for DEBUG=conntune* only.

export const EXIT = {
  ok: 0,
  findings: 1,
  invalid: 2,
  incomplete: 3,
} as const

export class UserError extends Error {
  readonly exitCode: number
  constructor(message: string, exitCode: number = EXIT.invalid) {
    super(message)
    this.name = 'UserError'
    this.exitCode = exitCode
  }
}

/** "path:line:col: message" with the parts that are known. */
export function where(file: string, line?: number, col?: number): string {
  let s = file
  if (line !== undefined) s += `:${line}`
  if (line !== undefined && col !== undefined) s += `:${col}`
  return s
}
