// A message that quotes another message (a variable unknown because another one is) grows
// with every link of the chain: n chained assignments held O(n²) characters of reasons. The
// outermost words say which name, the innermost why: keep both ends, drop the middle.

/** Longest text kept whole, in UTF-16 units. */
export const ELIDE_AT = 400
const HEAD = 150
const MARK = ' ... '

/** `s` itself when short; else its first and last characters around " ... ", ELIDE_AT long. */
export function elideMiddle(s: string): string {
  if (s.length <= ELIDE_AT) return s
  let head = HEAD
  let tail = s.length - (ELIDE_AT - HEAD - MARK.length)
  // Never split a surrogate pair: half of one is not text.
  if (isHigh(s.charCodeAt(head - 1))) head--
  if (isLow(s.charCodeAt(tail))) tail++
  return s.slice(0, head) + MARK + s.slice(tail)
}

const isHigh = (c: number): boolean => c >= 0xd800 && c <= 0xdbff
const isLow = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff
