// A logical line being joined from physical lines that end in an escape character (systemd's
// and Docker's backslash continuation). Testing and trimming the end of the joined string
// with a regular expression rescans all of it at every line, so a value continued over n
// lines cost O(n²); here the text is kept as pieces and only its end is looked at.
//
// The result is exactly that of the string loop
//   while (/E\s*$/.test(s)) s = s.replace(/E\s*$/, joiner) + next
// including its corner cases: whitespace after the escape still continues, and when the next
// line is blank the escape before it (if any) counts, as the regex sees the joined string.

const SPACE = /\s/

export class ContinuedLine {
  private readonly parts: string[]
  /** How much of each part is still in the line: trimming the end never copies a part. */
  private readonly ends: number[]
  /** Where continues() found the escape: [part, offset], consumed by join(). */
  private found: [number, number] | null = null

  constructor(first: string, private readonly escape: string, private readonly joiner: string) {
    this.parts = [first]
    this.ends = [first.length]
  }

  /** Whether the text so far ends with the escape character, whitespace after it allowed. */
  continues(): boolean {
    this.found = null
    for (let p = this.parts.length - 1; p >= 0; p--) {
      const s = this.parts[p]
      for (let i = this.ends[p] - 1; i >= 0; i--) {
        if (SPACE.test(s[i])) continue
        if (s[i] === this.escape) this.found = [p, i]
        return this.found !== null
      }
    }
    return false
  }

  /**
   * Drops the escape found by continues() and the whitespace after it, then adds the joiner
   * and the next line. The whitespace dropped is what continues() scanned, so the scanning
   * of a whole run of lines stays linear.
   */
  join(next: string): void {
    if (!this.found) throw new Error('ContinuedLine.join() without a continuation')
    const [p, i] = this.found
    this.found = null
    this.parts.length = p + 1
    this.ends.length = p + 1
    this.ends[p] = i
    for (const s of this.joiner ? [this.joiner, next] : [next]) {
      this.parts.push(s)
      this.ends.push(s.length)
    }
  }

  text(): string {
    // Most instructions and settings fit on one line: no copy for them.
    if (this.parts.length === 1 && this.ends[0] === this.parts[0].length) return this.parts[0]
    return this.parts.map((s, p) => (this.ends[p] === s.length ? s : s.slice(0, this.ends[p]))).join('')
  }
}
