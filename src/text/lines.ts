// Line numbers from offsets, for texts with many positions to name: the line starts are found
// once, then each lookup is a binary search (counting newlines per position is quadratic on a
// crafted file with thousands of them).

/** Offsets where each line of `text` starts (lines end at "\n"; a "\r" before it is dropped). */
export function lineStarts(text: string): number[] {
  const starts = [0]
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1)
  return starts
}

/** Line `n` (1-based) of `text`, as `text.split(/\r?\n/)[n - 1]` would give it, or ''. */
export function lineAt(text: string, starts: number[], n: number): string {
  if (n < 1 || n > starts.length) return ''
  const start = starts[n - 1]
  let end = n < starts.length ? starts[n] - 1 : text.length
  if (end > start && text.charCodeAt(end - 1) === 13 && n < starts.length) end--
  return text.slice(start, end)
}

/** The 1-based line of `offset`: `text.slice(0, offset).split('\n').length`, without the scan. */
export function lineOfOffset(starts: number[], offset: number): number {
  let lo = 0
  let hi = starts.length - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if (starts[mid] <= offset) lo = mid
    else hi = mid - 1
  }
  return lo + 1
}

/** offset → line for one text, its line starts found on the first call. */
export function lineNumberer(text: string): (offset: number) => number {
  let starts: number[] | undefined
  return (offset) => lineOfOffset((starts ??= lineStarts(text)), offset)
}
