// V8 stores a string either one byte or two per character, and a string built from a two-byte
// one stays two-byte whatever it holds. Some of node's own paths (a key that went through the
// string table, then path.join) come out two-byte though they are ASCII; every directive's
// `file`, every origin ("set in location at FILE:LINE") and every finding naming the file then
// took twice the memory and encoded slower. Paths are made one-byte where they enter the parser.
const LATIN1 = /^[\0-\xff]*$/

/** The same characters, stored one byte each when they all fit in one. */
export function oneByte(s: string): string {
  return LATIN1.test(s) ? Buffer.from(s, 'latin1').toString('latin1') : s
}
