import {ParseError} from '../../../src/parsers/types.js'

describe('ParseError', () => {
  it('renders as file:line:col: message', () => {
    const e = new ParseError('syntax', {file: '/etc/nginx/nginx.conf', line: 3, col: 7}, 'unexpected "}"')
    expect(String(e)).toBe('/etc/nginx/nginx.conf:3:7: unexpected "}"')
    expect(e.toJSON()).toEqual({kind: 'syntax', file: '/etc/nginx/nginx.conf', line: 3, col: 7, message: 'unexpected "}"'})
  })
})
