// One ordering for everything conntune sorts: code points, as strcmp on UTF-8 and Python's
// sorted() order them. String#localeCompare follows the machine's locale (LANG=sv_SE puts "ä"
// after "z"; every locale puts "a" before "B"), which made reports differ between CI runners,
// ordered sysctl.d files differently from systemd, and cost ≈ 7 ms to load ICU's collator on
// the first call of every run.

/** Orders a and b by code point (UTF-8 byte order): -1, 0 or 1. */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i)
    let y = b.charCodeAt(i)
    if (x === y) continue
    // UTF-16 puts U+E000..U+FFFF above the surrogates that encode U+10000 and up; shifting
    // both ranges restores code point order.
    if (x >= 0xd800 && y >= 0xd800) {
      x += x >= 0xe000 ? -0x800 : 0x2000
      y += y >= 0xe000 ? -0x800 : 0x2000
    }
    return x < y ? -1 : 1
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1
}
