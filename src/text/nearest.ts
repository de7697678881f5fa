// "Did you mean …?": the known name closest to a misspelt one (nginx directives, commands,
// flags). Levenshtein distance, bounded so a long list stays cheap and a wild guess gets no
// suggestion rather than a random one.

/** Levenshtein distance, stopping early past `max`. */
export function distance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1
  let prev = Array.from({length: b.length + 1}, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const cur = [i]
    let best = i
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
      if (cur[j] < best) best = cur[j]
    }
    if (best > max) return max + 1
    prev = cur
  }
  return prev[b.length]
}

/** The closest name within 2 edits (3 for names over 10 characters), or null. */
export function nearest(name: string, names: Iterable<string>): string | null {
  const max = name.length > 10 ? 3 : 2
  let best: string | null = null
  let bestD = max + 1
  for (const n of names) {
    const d = distance(name, n, max)
    if (d < bestD) [best, bestD] = [n, d]
  }
  return best
}
