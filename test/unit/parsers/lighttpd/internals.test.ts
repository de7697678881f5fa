import {canonicalCondition, checkField, negatedOp, simplifyRegex} from '../../../../src/parsers/lighttpd/conditions.js'
import {RULES, TERMINALS, type Terminal} from '../../../../src/parsers/lighttpd/grammar.js'
import {baseDir, expandBraces, hasGlobMeta, resolveInclude} from '../../../../src/parsers/lighttpd/includes.js'
import {buildTables, lighttpdTables} from '../../../../src/parsers/lighttpd/lalr.js'
import {LALR_TABLES} from '../../../../src/parsers/lighttpd/lalr-tables.js'
import {asciiLower, mergeValues, parseInteger, toStringop} from '../../../../src/parsers/lighttpd/values.js'

describe('simplifyRegex (configparser_simplify_regex)', () => {
  it.each([
    ['^/api/', '=^', '/api/'], ['\\.php$', '=$', '.php'], ['^/exact$', '==', '/exact'], ['.php$', '=~', '.php$'],
    ['^/a.b', '=~', '^/a.b'], ['^/a(b)', '=~', '^/a(b)'], ['plain', '=~', 'plain'], ['', '=~', ''], ['^$', '==', ''],
    ['x$', '=$', 'x'], ['\\.tar\\.gz$', '=~', '\\.tar\\.gz$'], ['^www\\.(.*)', '=~', '^www\\.(.*)'],
  ])('%s → %s %s', (pattern, op, out) => {
    expect(simplifyRegex(pattern)).toEqual({op, pattern: out})
  })

  it('is not applied to $SERVER["socket"] or to other operators', () => {
    expect(canonicalCondition('SERVER', 'socket', '=~', '^:80$')).toEqual({op: '=~', pattern: '^:80$'})
    expect(canonicalCondition('HTTP', 'url', '!~', '^/a')).toEqual({op: '!~', pattern: '^/a'})
  })

  it('negates operators the way lighttpd names an else block', () => {
    expect((['==', '!=', '=~', '!~', '=^', '=$'] as const).map(negatedOp)).toEqual(['!=', '==', '!~', '=~', '!^', '!$'])
  })

  it('knows the fields', () => {
    expect(checkField('HTTP', 'remote-ip')).toBeNull()
    expect(checkField('REQUEST_HEADER', 'Anything')).toBeNull()
    expect(checkField('PHYSICAL', 'path')).toMatch(/unknown condition field/)
  })
})

describe('values', () => {
  it('lowercases ASCII only', () => {
    expect(asciiLower('Server.PORT-Ä')).toBe('server.port-Ä')
  })

  it('parses integers as a C long stored in an int', () => {
    expect([parseInteger('0'), parseInteger('4294967297'), parseInteger('9223372036854775807')]).toEqual([{value: 0}, {value: 1}, {value: -1}])
    expect(parseInteger('9223372036854775808').error).toMatch(/too large/)
  })

  it('keeps unresolved values unresolved through +', () => {
    expect(mergeValues({type: 'unresolved', reason: 'r'}, {type: 'string', value: 'x'}).value).toEqual({type: 'unresolved', reason: 'r'})
    expect(mergeValues({type: 'string', value: 'x'}, {type: 'unresolved', reason: 'q'}).value).toEqual({type: 'unresolved', reason: 'q'})
  })

  it('turns integers into names, and refuses arrays', () => {
    expect(toStringop({type: 'integer', value: 8})).toEqual({value: '8'})
    expect(toStringop({type: 'array', items: []}).error).toMatch(/operand must be string/)
  })
})

describe('include paths', () => {
  it('takes the -f directory as base, except for /, ./ and ../', () => {
    expect(baseDir('/etc/lighttpd/lighttpd.conf')).toBe('/etc/lighttpd/')
    expect(baseDir('lighttpd.conf')).toBe('')
    expect(resolveInclude('conf.d/*.conf', '/etc/lighttpd/', undefined, true)).toBe('/etc/lighttpd/conf.d/*.conf')
    expect(resolveInclude('/abs.conf', '/etc/lighttpd/', '/run', true)).toBe('/abs.conf')
    expect(resolveInclude('./x.conf', '/etc/lighttpd/', '/run', true)).toBe('/run/x.conf')
    expect(resolveInclude('../x.conf', '/etc/lighttpd/', '/run/a', true)).toBe('/run/x.conf')
    expect(resolveInclude('x.conf', '', '/run', false)).toBe('/run/x.conf')
    expect(resolveInclude('x.conf', '', undefined, false)).toBe('x.conf')
    expect(resolveInclude('conf//a/../b.conf', 'conf/', undefined, false)).toBe('conf/conf/b.conf')
  })

  it('expands braces, nested, in written order, leaving unbalanced ones alone', () => {
    expect(expandBraces('a{b,c{d,e}}f')).toEqual(['abf', 'acdf', 'acef'])
    expect(expandBraces('{z,a}.conf')).toEqual(['z.conf', 'a.conf'])
    expect(expandBraces('a{b.conf')).toEqual(['a{b.conf'])
    expect(expandBraces('{a,b}{c,d}')).toEqual(['ac', 'ad', 'bc', 'bd'])
  })

  it('uses lighttpd\'s test for glob characters', () => {
    expect(['a*', 'a?', 'a[', 'a]', 'a{', 'a}', 'plain.conf'].map(hasGlobMeta)).toEqual([true, true, true, true, true, true, false])
  })
})

describe('LALR tables', () => {
  it('build without conflicts from configparser.y\'s rules', () => {
    const t = lighttpdTables()
    expect(RULES).toHaveLength(46)
    expect(TERMINALS[0]).toBe('$')
    expect(t.stateCount).toBe(73)
    expect(lighttpdTables()).toBe(t)
  })

  it('are shipped as the grammar builds them (scripts/gen-lalr.js)', () => {
    const built = buildTables(RULES)
    expect(built.defaults).toHaveLength(73)
    expect(LALR_TABLES).toEqual(built)
  })

  /** Feeds terminals; returns the rules reduced for the last one and what happened to it. */
  function drive(terms: Terminal[]): {reduced: string[]; last: string} {
    const t = lighttpdTables()
    const stack = [0]
    let reduced: string[] = []
    let last = ''
    for (const term of terms) {
      reduced = []
      for (;;) {
        const a = t.action(stack[stack.length - 1], term)
        if (a.type === 'reduce') {
          const rule = RULES[a.rule]
          stack.length -= rule.rhs.length
          stack.push(t.goto(stack[stack.length - 1], rule.lhs))
          reduced.push(`${rule.lhs} ::= ${rule.rhs.join(' ')}`.trim())
          continue
        }
        if (a.type === 'shift') stack.push(a.state)
        last = a.type
        break
      }
    }
    return {reduced, last}
  }

  it('reduce by default first, then drop the token: `x = "a" "b"` keeps x = "a"', () => {
    expect(drive(['LKEY', 'ASSIGN', 'STRING', 'STRING'])).toEqual({
      reduced: ['value ::= STRING', 'expression ::= value', 'varline ::= key ASSIGN expression', 'metaline ::= varline', 'metalines ::= metalines metaline'],
      last: 'error',
    })
  })

  it('after else, an unexpected token makes the branch a bare else (why "else if" is one in 1.4.69)', () => {
    const r = drive(['DOLLAR', 'SRVVARNAME', 'LBRACKET', 'STRING', 'RBRACKET', 'EQ', 'STRING', 'LCURLY', 'RCURLY', 'ELSE', 'LKEY'])
    expect(r).toEqual({reduced: ['context_else ::='], last: 'error'})
  })
})
