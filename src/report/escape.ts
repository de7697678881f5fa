// Text from a host (file names, versions, reasons) shown on a terminal or in a CI log: a
// crafted name must not move the cursor, recolour the screen or reverse the text around it.
// C0/C1 controls and DEL become \xHH, bidirectional overrides and isolates \u{HHHH}.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g

export function escapeControl(s: string): string {
  return s.replace(UNSAFE, (c) => {
    if (c === '\t') return '\\t'
    if (c === '\n') return '\\n'
    if (c === '\r') return '\\r'
    const code = c.codePointAt(0)!
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`
  })
}
