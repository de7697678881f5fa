// What a crafted config, file name or remote host can put in front of a person. Terminals act
// on ESC/CSI/OSC sequences (clear the screen, retitle the window, OSC 52 writes the clipboard)
// and on C1 controls; bidi overrides make the text read differently from its bytes. Each is
// shown as a visible escape (\x1b, \u202e) so the reader sees that something is there.

// C0 but LF, DEL, C1, and the bidi embeddings/overrides/isolates.
const UNSAFE_KEEP_LF = /[\x00-\x09\x0B-\x1F\x7F-\x9F\u202A-\u202E\u2066-\u2069]/g
const UNSAFE = /[\x00-\x1F\x7F-\x9F\u202A-\u202E\u2066-\u2069]/g

function visible(c: string): string {
  const n = c.charCodeAt(0)
  if (c === '\n') return '\\n'
  if (c === '\r') return '\\r'
  if (c === '\t') return '\\t'
  return n <= 0xff ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`
}

/** `s` with every control and bidi character escaped; LF kept only when the text may span lines. */
export function escapeTerminal(s: string, opts: {multiline?: boolean} = {}): string {
  const re = opts.multiline ? UNSAFE_KEEP_LF : UNSAFE
  re.lastIndex = 0
  if (!re.test(s)) return s
  re.lastIndex = 0
  return s.replace(re, visible)
}
