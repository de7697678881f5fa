// lighttpd 1.4's configuration grammar, transcribed rule for rule from src/configparser.y.
// Rule order and terminal order matter: lighttpd's LEMON parser picks its default reductions
// from them, and those decide which tokens lighttpd 1.4.69 silently drops on bad input.

/** Terminals in the order they first appear in configparser.y (LEMON numbers them so). */
export const TERMINALS = [
  '$', 'EOL', 'ASSIGN', 'FORCE_ASSIGN', 'APPEND', 'LKEY', 'PLUS', 'STRING', 'INTEGER', 'LPARAN',
  'RPARAN', 'COMMA', 'ARRAY_ASSIGN', 'GLOBAL', 'LCURLY', 'RCURLY', 'ELSE', 'DOLLAR', 'SRVVARNAME',
  'LBRACKET', 'RBRACKET', 'EQ', 'MATCH', 'NE', 'NOMATCH', 'PREFIX', 'SUFFIX', 'INCLUDE', 'INCLUDE_SHELL',
] as const

export type Terminal = (typeof TERMINALS)[number]
/** A real token; '$' only marks the end of input. */
export type TokenKind = Exclude<Terminal, '$'>

export interface Rule {
  lhs: string
  rhs: string[]
}

function r(text: string): Rule {
  const [lhs, rhs] = text.split('::=').map((s) => s.trim())
  return {lhs, rhs: rhs === '' ? [] : rhs.split(/\s+/)}
}

/** Index in this list = rule number in the generated configparser.c. */
export const RULES: readonly Rule[] = [
  r('input ::= metalines'),
  r('metalines ::= metalines metaline'),
  r('metalines ::='),
  r('metaline ::= varline'),
  r('metaline ::= global'),
  r('metaline ::= condlines EOL'),
  r('metaline ::= include'),
  r('metaline ::= include_shell'),
  r('metaline ::= EOL'),
  r('varline ::= key ASSIGN expression'),
  r('varline ::= key FORCE_ASSIGN expression'),
  r('varline ::= key APPEND expression'),
  r('key ::= LKEY'),
  r('expression ::= expression PLUS value'),
  r('expression ::= value'),
  r('value ::= key'),
  r('value ::= STRING'),
  r('value ::= INTEGER'),
  r('value ::= array'),
  r('array ::= LPARAN RPARAN'),
  r('array ::= LPARAN aelements RPARAN'),
  r('aelements ::= aelements COMMA aelement'),
  r('aelements ::= aelements COMMA'),
  r('aelements ::= aelement'),
  r('aelement ::= expression'),
  r('aelement ::= stringop ARRAY_ASSIGN expression'),
  r('eols ::= EOL'),
  r('eols ::='),
  r('globalstart ::= GLOBAL'),
  r('global ::= globalstart LCURLY metalines RCURLY'),
  r('condlines ::= condlines eols ELSE condline'),
  r('condlines ::= condlines eols ELSE cond_else'),
  r('condlines ::= condline'),
  r('condline ::= context LCURLY metalines RCURLY'),
  r('cond_else ::= context_else LCURLY metalines RCURLY'),
  r('context ::= DOLLAR SRVVARNAME LBRACKET stringop RBRACKET cond expression'),
  r('context_else ::='),
  r('cond ::= EQ'),
  r('cond ::= MATCH'),
  r('cond ::= NE'),
  r('cond ::= NOMATCH'),
  r('cond ::= PREFIX'),
  r('cond ::= SUFFIX'),
  r('stringop ::= expression'),
  r('include ::= INCLUDE stringop'),
  r('include_shell ::= INCLUDE_SHELL stringop'),
]

export const START_SYMBOL = 'input'

/** Rule numbers the parser's semantic actions switch on. */
export const R = {
  varlineAssign: 9, varlineForce: 10, varlineAppend: 11, key: 12, plus: 13, exprValue: 14,
  valueKey: 15, valueString: 16, valueInteger: 17, valueArray: 18, arrayEmpty: 19, arrayItems: 20,
  aelementsMore: 21, aelementsComma: 22, aelementsOne: 23, aelementValue: 24, aelementKeyed: 25,
  globalStart: 28, global: 29, chainCond: 30, chainElse: 31, condlinesOne: 32, condline: 33,
  condElse: 34, context: 35, contextElse: 36, condEq: 37, condMatch: 38, condNe: 39, condNomatch: 40,
  condPrefix: 41, condSuffix: 42, stringop: 43, include: 44, includeShell: 45,
} as const
