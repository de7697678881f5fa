import {escapeForHumans} from '../../src/report/escape.js'
import {escapeTerminal} from '../../src/text/escape.js'

describe('escapeTerminal', () => {
  it('shows C0, DEL, C1 and bidi controls as visible escapes', () => {
    expect(escapeTerminal('a\x1b]52;c;aGk=\x07b')).toBe('a\\x1b]52;c;aGk=\\x07b')
    expect(escapeTerminal('\x7f\x9b2J\u202eevil\u2066')).toBe('\\x7f\\x9b2J\\u202eevil\\u2066')
    expect(escapeTerminal('one\ntwo\r\tthree')).toBe('one\\ntwo\\r\\tthree')
  })

  it('keeps LF only in multi-line text, and leaves ordinary text (UTF-8 included) alone', () => {
    expect(escapeTerminal('one\ntwo\x1b', {multiline: true})).toBe('one\ntwo\\x1b')
    const plain = 'server_name café.example — ok'
    expect(escapeTerminal(plain)).toBe(plain)
  })
})

describe('escapeForHumans', () => {
  it('escapes every string of plain data, LF kept only in message and summary', () => {
    const data = {hosts: [{name: 'h\x1b[2J', problems: [{file: 'a\nb', message: 'x\ny\x07'}]}], fix: {summary: 'p\nq'}, n: 3}
    expect(escapeForHumans(data)).toEqual({hosts: [{name: 'h\\x1b[2J', problems: [{file: 'a\\nb', message: 'x\ny\\x07'}]}], fix: {summary: 'p\nq'}, n: 3})
    expect(data.hosts[0]!.name).toBe('h\x1b[2J') // the input is not changed
  })
})
