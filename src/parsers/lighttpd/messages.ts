// What we tell people when lighttpd's parser would drop a token or give up at the end of a
// file: name the token, and for the common slips say what lighttpd made of it.
import type {Token} from './tokenizer.js'

const LEGACY_KEYWORDS = new Set(['if', 'elif', 'elsif', 'elseif'])

/** A token the parser cannot use here; `prev` is the token before it. */
export function discardMessage(t: Token, prev: Token | undefined, inArray: boolean): string {
  let hint = ''
  if (t.kind === 'STRING' && prev && ['STRING', 'INTEGER', 'RPARAN'].includes(prev.kind)) {
    hint = inArray ? '; separate array items with ","' : '; join strings with "+"'
  } else if (t.kind === 'DOLLAR' && prev?.kind === 'LKEY' && LEGACY_KEYWORDS.has(prev.text)) {
    hint = `; "${prev.text}" before a condition needs lighttpd 1.4.74, older versions read "${prev.text} = ..." as a variable`
  } else if (t.kind === 'LKEY' && t.text === 'if' && prev?.kind === 'ELSE') {
    hint = '; "else if" needs lighttpd 1.4.74, older versions make the block a bare else'
  } else if (t.kind === 'EOL' && prev?.kind === 'ELSE') {
    hint = '; the condition must follow "else" on the same line, otherwise the block is a bare else'
  } else if (t.kind === 'RCURLY') {
    hint = '; no block is open here'
  } else if (t.kind === 'LKEY' && prev?.kind === 'LKEY') {
    hint = '; missing "=" or "+"?'
  }
  return `unexpected ${describe(t)}${hint} (lighttpd 1.4.69 skips it silently)`
}

/** The parse cannot finish; `openedAt` is the line of the innermost unclosed block, if any. */
export function endOfFileMessage(openedAt: number | undefined): string {
  return openedAt === undefined
    ? 'the file ends inside an unfinished statement'
    : `missing "}": the block opened at line ${openedAt} is still open at the end of the file`
}

function describe(t: Token): string {
  const short = (s: string): string => (s.length > 40 ? `${s.slice(0, 37)}...` : s)
  switch (t.kind) {
    case 'STRING': return `string "${short(t.text)}"`
    case 'LKEY': return `name "${short(t.text)}"`
    case 'INTEGER': return `number ${short(t.text)}`
    case 'EOL': return t.simulated ? 'text after "}" on the same line' : 'end of line'
    default: return `"${t.text}"`
  }
}
