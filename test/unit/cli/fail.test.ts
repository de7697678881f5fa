// How a run that threw ends, on the oclif path and the fast one alike: one line and an exit code,
// the stack only under DEBUG=conntune*.
import {jest} from '@jest/globals'
import {UserError} from '../../../src/errors.js'
import {exitOnFailure} from '../../../src/cli/fail.js'

function end(error: Error, debug?: string): {code: number | undefined; err: string} {
  let err = ''
  const write = jest.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true))
  const exit = jest.spyOn(process, 'exit').mockImplementation(((code?: number) => {
    throw Object.assign(new Error('exit'), {code})
  }) as never)
  const saved = process.env.DEBUG
  if (debug === undefined) delete process.env.DEBUG
  else process.env.DEBUG = debug
  try {
    exitOnFailure(error)
    return {code: undefined, err}
  } catch (e) {
    return {code: (e as {code?: number}).code, err}
  } finally {
    write.mockRestore()
    exit.mockRestore()
    if (saved === undefined) delete process.env.DEBUG
    else process.env.DEBUG = saved
  }
}

describe('exitOnFailure', () => {
  it('a user error: its line, control characters escaped, and its exit code', () => {
    expect(end(new UserError('x.conf:3: bad \u001b[2J value', 3))).toEqual({code: 3, err: 'conntune: x.conf:3: bad \\x1b[2J value\n'})
  })

  it('anything else: one line naming it an internal error, exit 2, no stack', () => {
    const r = end(new TypeError('boom'))
    expect(r).toEqual({code: 2, err: 'conntune: internal error: boom (DEBUG=conntune* shows the stack)\n'})
  })

  it('with DEBUG=conntune*, the stack follows', () => {
    const r = end(new TypeError('boom'), 'x,conntune*')
    expect(r.code).toBe(2)
    expect(r.err).toMatch(/^conntune: internal error: boom\nTypeError: boom\n\s+at /)
  })
})
