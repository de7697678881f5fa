// Version comparison for defaults that changed between releases (kernel, nginx, lighttpd).

function versionParts(v: string): number[] {
  return v.split(/[.-]/).map((p) => Number.parseInt(p, 10)).map((n) => (Number.isNaN(n) ? 0 : n))
}

/** True when `version` is known and ≥ `min`; an unknown ("") version is never at least anything. */
export function versionAtLeast(version: string, min: string): boolean {
  if (!version) return false
  const a = versionParts(version)
  const b = versionParts(min)
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0
    const y = b[i] ?? 0
    if (x !== y) return x > y
  }
  return true
}
