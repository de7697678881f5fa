// A finding's identity across runs, for baselines and SARIF partialFingerprints: the rule,
// the host, the file, and the text of the line it points at — so moving a line keeps the
// fingerprint and changing its value does not. Findings without a file use what they point
// at ("sysctl net.ipv4.tcp_tw_reuse (runtime)", "listening port 8080").
// crypto.hash is one call, without a Hash object per finding: half the time of createHash here.
import {hash} from 'node:crypto'
import {lineAt, lineStarts} from '../text/lines.js'
import type {Finding} from './types.js'
import {stripHashComment} from '../text/trim.js'

type Subject = Pick<Finding, 'ruleId' | 'host' | 'location'>

/** Characters of a normalized line hashed as they are; a longer one is hashed once, then its digest. */
export const LONG_LINE = 4096

/**
 * Fingerprints for many findings over the same texts: each file's line offsets are found once,
 * so a file with thousands of findings is scanned once, not once per finding.
 */
export function fingerprinter(texts: Record<string, string>): (f: Subject, fileKey?: string) => string {
  const index = new Map<string, number[]>()
  // What each line contributes, found once: nginx takes a whole config on one line, and then
  // every finding would normalize and hash all of it (n servers: O(n²)).
  const lineKeys = new Map<string, string>()
  return (f, fileKey) => {
    const loc = f.location
    let subject: string
    if (loc.file && loc.line) {
      const cached = `${loc.line}\n${loc.file}`
      let key = lineKeys.get(cached)
      if (key === undefined) {
        const text = texts[loc.file] ?? ''
        let starts = index.get(loc.file)
        if (!starts) index.set(loc.file, (starts = lineStarts(text)))
        // Whitespace and a trailing comment do not change what a line sets.
        key = stripHashComment(lineAt(text, starts, loc.line)).replace(/\s+/g, ' ').trim()
        // A line longer than any hand-written one stands in by its own digest, so a finding
        // costs at most LONG_LINE characters of hashing.
        if (key.length > LONG_LINE) key = `sha256:${hash('sha256', key, 'hex')}`
        lineKeys.set(cached, key)
      }
      subject = `${fileKey ?? loc.file}\n${key}`
    } else {
      subject = loc.text.replace(/:\d+(:\d+)?/g, '')
    }
    return hash('sha256', `${f.ruleId}\n${f.host}\n${subject}`, 'hex').slice(0, 32)
  }
}

export function fingerprintOf(f: Subject, texts: Record<string, string>, fileKey?: string): string {
  return fingerprinter(texts)(f, fileKey)
}
