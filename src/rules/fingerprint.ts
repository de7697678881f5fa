// A finding's identity across runs, for baselines and SARIF partialFingerprints: the rule,
// the host, the file, and the text of the line it points at — so moving a line keeps the
// fingerprint and changing its value does not. Findings without a file use what they point
// at ("sysctl net.ipv4.tcp_tw_reuse (runtime)", "listening port 8080").
import {createHash} from 'node:crypto'
import type {Finding} from './types.js'

export function fingerprintOf(f: Pick<Finding, 'ruleId' | 'host' | 'location'>, texts: Record<string, string>, fileKey?: string): string {
  const loc = f.location
  let subject: string
  if (loc.file && loc.line) {
    const line = (texts[loc.file] ?? '').split(/\r?\n/)[loc.line - 1] ?? ''
    // Whitespace and a trailing comment do not change what a line sets.
    subject = `${fileKey ?? loc.file}\n${line.replace(/\s+#.*$/, '').replace(/\s+/g, ' ').trim()}`
  } else {
    subject = loc.text.replace(/:\d+(:\d+)?/g, '')
  }
  return createHash('sha256').update(`${f.ruleId}\n${f.host}\n${subject}`).digest('hex').slice(0, 32)
}
