// File names for `collect -o DIR`, one per host: what the name says, made safe for a file
// name (no "/", no leading dot, bounded), and distinct even when two names sanitise alike
// ("a/b" and "a_b") or differ only in case (case-insensitive file systems).
const MAX_STEM = 120

export function snapshotFileNames(names: string[]): string[] {
  const used = new Set<string>()
  return names.map((name) => {
    const stem = name.replace(/[^A-Za-z0-9._@-]+/g, '_').replace(/^\.+/, (dots) => '_'.repeat(dots.length)).slice(0, MAX_STEM) || '_'
    let file = `${stem}.json`
    for (let n = 2; used.has(file.toLowerCase()); n++) file = `${stem}-${n}.json`
    used.add(file.toLowerCase())
    return file
  })
}
