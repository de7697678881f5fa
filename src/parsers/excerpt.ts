// What a message may quote of a line it could not read. Messages become PR annotations and
// CI logs, and the "config" may be anything a link or a glob reached (a private key, a
// token file): so at most a short, control-escaped excerpt, and nothing at all of content
// that is not text (non-UTF-8, control bytes, or a long base64/hex run such as key material).

/** Longest excerpt quoted, in characters (before escaping). */
export const EXCERPT_CHARS = 32

const HEX_RUN = /[0-9a-fA-F]{32,}/
// U+FFFD is what a non-UTF-8 byte decodes to; C0/C1 controls other than tab are not text.
const NOT_TEXT = /[\uFFFD\x00-\x08\x0B-\x1F\x7F-\x9F]/

/** Does this look like something other than configuration text (key material, binary)? */
export function isNonText(s: string): boolean {
  return NOT_TEXT.test(s) || HEX_RUN.test(s) || /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(s) || s.split(/[\s=:;,'"]+/).some(looksEncoded)
}

/** A base64-ish token: long, from that alphabet, with digits and both cases (paths and words rarely are). */
function looksEncoded(t: string): boolean {
  return t.length >= 24 && /^[A-Za-z0-9+/_-]+={0,2}$/.test(t) && /\d/.test(t) && /[a-z]/.test(t) && /[A-Z]/.test(t)
}

/** A short, printable excerpt of `s`, or "N bytes of non-text content". */
export function excerpt(s: string): string {
  if (isNonText(s)) return `${Buffer.byteLength(s, 'utf8')} bytes of non-text content`
  const chars = [...s]
  const cut = chars.length > EXCERPT_CHARS ? `${chars.slice(0, EXCERPT_CHARS - 3).join('')}...` : s
  return cut.replace(/\t/g, '\\t')
}
