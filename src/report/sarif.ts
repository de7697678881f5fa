// SARIF 2.1.0, for code scanning (GitHub, Azure DevOps, IDE viewers). One run: the driver
// describes every rule that ran (title, rationale, help, documentation link), each finding
// is a result at file:line:col inside the checkout (or a stable conntune/HOST/ path, see
// HOST_PREFIX; sysctl keys and ports keep logical locations too), with a stable partial fingerprint so viewers track it across line moves.
// Only line deletions become SARIF `fixes`; sysctl changes have no file to edit yet, so they
// are described in the result's properties. Valid against the OASIS schema (tests check).
import {isAbsolute, relative, resolve, sep} from 'node:path'
import {pathToFileURL} from 'node:url'
import type {Severity} from '../model/types.js'
import type {AuditResult} from '../pipeline/audit.js'
import {IGNORE_EXPIRED} from '../pipeline/project.js'
import {IGNORE_WITHOUT_REASON} from '../rules/ignores.js'
import {ruleHelpUri} from '../rules/docs-url.js'

export {ruleHelpUri}
import type {Finding, LoadedRule} from '../rules/types.js'
import type {ReportContext} from './index.js'

const REPO = 'https://github.com/conntune/conntune'

const SARIF_SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json'
const SRCROOT = '%SRCROOT%'
/** partialFingerprints key: bump the version if fingerprintOf() ever changes meaning. */
export const FINGERPRINT_KEY = 'conntune/v1'

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {error: 'error', warning: 'warning', info: 'note'}

interface RuleDoc {
  id: string
  title: string
  severity: Severity
  rationale: string
  references: Array<{title: string; url: string}>
  helpUri?: string
  tags: string[]
}

/**
 * Findings the pipeline itself reports about ignores: no rule file describes them, so
 * viewers would show a bare id. Described here, once.
 */
export const META_RULES: RuleDoc[] = [
  {
    id: IGNORE_WITHOUT_REASON,
    title: 'An inline ignore gives no reason',
    severity: 'warning',
    rationale:
      'An inline "conntune: ignore RULE-ID -- reason" comment must say why the finding is accepted. Without a reason the ignore is not applied: the finding it meant to cover is still reported, and so is this one. The reason is what lets a reviewer judge later whether the exception still holds.',
    references: [],
    helpUri: ruleHelpUri(IGNORE_WITHOUT_REASON),
    tags: ['conntune', 'ignores'],
  },
  {
    id: IGNORE_EXPIRED,
    title: 'An ignore in .conntune.yaml has expired',
    severity: 'warning',
    rationale:
      'An ignore in .conntune.yaml may carry an expiry date. After it the ignore stops applying, the findings it covered are reported again, and this finding asks for a review: fix the cause, or renew the ignore with a new date and reason.',
    references: [],
    helpUri: ruleHelpUri(IGNORE_EXPIRED),
    tags: ['conntune', 'ignores'],
  },
]

/** YAML block text is wrapped for reading in an editor; viewers wrap it themselves. */
export function unwrap(text: string): string {
  return text
    .trim()
    .split(/\n\s*\n/)
    // Each line break with the blanks around it becomes a space (a paragraph holds no blank line
    // now). Not /\s*\n\s*/g, which rescans every run of blanks without a line break: O(n²).
    .map((p) => p.split('\n').map((l, i, all) => {
      const start = i > 0 ? l.trimStart() : l
      return i < all.length - 1 ? start.trimEnd() : start
    }).join(' '))
    .join('\n\n')
}

function pascalCase(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('')
}

function docOf(rule: LoadedRule): RuleDoc {
  const area = rule.id.split('-')[0] ?? rule.id
  return {
    id: rule.id,
    title: rule.title,
    severity: rule.severity,
    rationale: unwrap(rule.rationale),
    references: rule.references,
    // Only shipped rules have a page; a user's own rule (--rules DIR) has none to link.
    ...(rule.builtin ? {helpUri: ruleHelpUri(rule.id)} : {}),
    tags: ['conntune', area === 'hop' ? 'request-path' : area],
  }
}

function descriptor(doc: RuleDoc) {
  const refsText = doc.references.map((r) => `- ${r.title}: ${r.url}`).join('\n')
  const refsMd = doc.references.map((r) => `- [${r.title}](${r.url})`).join('\n')
  const text = [doc.title, doc.rationale, refsText && `References:\n${refsText}`, doc.helpUri && `Documentation: ${doc.helpUri}`].filter(Boolean).join('\n\n')
  const markdown = [`**${doc.title}**`, doc.rationale, refsMd && `References:\n\n${refsMd}`, doc.helpUri && `[Documentation](${doc.helpUri})`].filter(Boolean).join('\n\n')
  return {
    id: doc.id,
    name: pascalCase(doc.id),
    shortDescription: {text: doc.title},
    fullDescription: {text: doc.rationale},
    help: {text, markdown},
    ...(doc.helpUri ? {helpUri: doc.helpUri} : {}),
    defaultConfiguration: {level: LEVEL[doc.severity]},
    properties: {tags: doc.tags},
  }
}

/** "a/b c/ü.conf" → "a/b%20c/%C3%BC.conf": a URI reference, segment by segment. */
function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/')
}

/**
 * Where a result lives that has no file inside the checkout: code scanning (GitHub) rejects a
 * whole upload when a result lacks a physical location or names an absolute URI. Such a place
 * gets a stable relative path under `conntune/HOST/`: the host's own absolute path for a file
 * outside the checkout (`conntune/web1/etc/nginx/nginx.conf`), the kernel's path for a sysctl
 * key (`conntune/web1/proc/sys/net/ipv4/tcp_tw_reuse`), `conntune/web1/sockets` for ports.
 */
export const HOST_PREFIX = 'conntune'

function segments(path: string): string[] {
  // "." and ".." would climb out of the checkout once a viewer resolves the URI.
  return path.split('/').filter((s) => s !== '' && s !== '.').map((s) => (s === '..' ? '%2E%2E' : encodeURIComponent(s)))
}

function hostPath(host: string, path: string[]): {uri: string; uriBaseId: string} {
  return {uri: [HOST_PREFIX, encodeURIComponent(host).replace(/^\.\.?$/, (d) => d.replace(/\./g, '%2E')), ...path].join('/'), uriBaseId: SRCROOT}
}

function insideRel(file: string, baseDir: string): string | null {
  const rel = relative(baseDir, resolve(baseDir, file))
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel) ? rel.split(sep).join('/') : null
}

/** A file as an artifactLocation: relative to %SRCROOT% inside the base dir, else under conntune/HOST/. */
export function artifactLocation(file: string, baseDir: string, host: string): {uri: string; uriBaseId: string} {
  const rel = insideRel(file, baseDir)
  return rel !== null ? {uri: encodePath(rel), uriBaseId: SRCROOT} : hostPath(host, segments(resolve(baseDir, file)))
}

function region(line?: number, col?: number) {
  return line ? {region: {startLine: line, ...(col ? {startColumn: col} : {})}} : {}
}

function locationOf(f: Finding, baseDir: string) {
  const loc = f.location
  const logical = loc.sysctl
    ? [{name: loc.sysctl, fullyQualifiedName: `${f.host}/sysctl/${loc.sysctl}`, kind: 'variable'}]
    : !loc.file
      ? [{name: loc.text, fullyQualifiedName: `${f.host}/${loc.text}`, kind: 'resource'}]
      : []
  const physical = loc.file
    ? {artifactLocation: artifactLocation(loc.file, baseDir, f.host), ...region(loc.line, loc.col)}
    : {artifactLocation: hostPath(f.host, loc.sysctl ? ['proc', 'sys', ...segments(loc.sysctl.replace(/\./g, '/'))] : ['sockets'])}
  // "file", "file:line" or "file:line:col" say nothing the region does not.
  const plain = loc.file ? [loc.file, `${loc.file}:${loc.line}`, `${loc.file}:${loc.line}:${loc.col}`] : []
  return {
    physicalLocation: physical,
    ...(logical.length > 0 ? {logicalLocations: logical} : {}),
    // The text says more than file:line where a setting is missing ("... not set in location /").
    ...(!plain.includes(loc.text) ? {message: {text: loc.text}} : {}),
  }
}

function fixesOf(f: Finding, baseDir: string) {
  const deletions = (f.fix?.actions ?? []).flatMap((a) => (a.kind === 'delete-line' ? [a] : []))
  if (deletions.length === 0) return {}
  const byFile = new Map<string, number[]>()
  // A fix is offered only for files in the checkout: a viewer applies it there.
  // Appended in place: copying the list at every deletion was quadratic in a file's deletions.
  for (const d of deletions) {
    if (insideRel(d.file, baseDir) === null) continue
    const lines = byFile.get(d.file)
    if (lines) lines.push(d.line)
    else byFile.set(d.file, [d.line])
  }
  if (byFile.size === 0) return {}
  const artifactChanges = [...byFile].map(([file, lines]) => ({
    artifactLocation: artifactLocation(file, baseDir, f.host),
    // The whole line with its line break: from column 1 of it to column 1 of the next.
    replacements: [...new Set(lines)].sort((a, b) => b - a).map((line) => ({deletedRegion: {startLine: line, startColumn: 1, endLine: line + 1, endColumn: 1}})),
  }))
  return {fixes: [{description: {text: f.fix!.summary}, artifactChanges}]}
}

function propertiesOf(f: Finding) {
  const sysctl = (f.fix?.actions ?? []).flatMap((a) => (a.kind === 'sysctl' ? [{key: a.key, value: a.value}] : []))
  return {
    host: f.host,
    severity: f.severity,
    evidence: f.evidence,
    ...(f.fix ? {fix: {summary: f.fix.summary, ...(sysctl.length > 0 ? {sysctl} : {})}} : {}),
    ...(f.references.length > 0 ? {references: f.references} : {}),
  }
}

export function toSarif(result: AuditResult, ctx: ReportContext): object {
  const docs: RuleDoc[] = ctx.rules.map(docOf)
  const known = new Set(docs.map((d) => d.id))
  for (const m of META_RULES) if (!known.has(m.id)) docs.push(m)
  // A finding from a rule nobody described still needs a descriptor for ruleIndex to point at.
  // A set, not a scan of docs per finding: findings from as many undescribed rules made that quadratic.
  const described = new Set(docs.map((d) => d.id))
  for (const f of result.findings) {
    if (described.has(f.ruleId)) continue
    described.add(f.ruleId)
    docs.push({id: f.ruleId, title: f.title, severity: f.severity, rationale: f.title, references: [], tags: ['conntune']})
  }
  const index = new Map(docs.map((d, i) => [d.id, i]))

  const results = result.findings.map((f) => ({
    ruleId: f.ruleId,
    ruleIndex: index.get(f.ruleId)!,
    level: LEVEL[f.severity],
    message: {text: f.message},
    locations: [locationOf(f, ctx.baseDir)],
    ...(f.fingerprint ? {partialFingerprints: {[FINGERPRINT_KEY]: f.fingerprint}} : {}),
    ...fixesOf(f, ctx.baseDir),
    properties: propertiesOf(f),
  }))

  // Unreadable inputs and rules that threw are about the run, not the code: notifications.
  const notifications = [
    ...result.hosts.flatMap((h) =>
      h.problems.map((p) => ({
        level: 'warning',
        message: {text: `${h.name}: ${p.message}`},
        locations: [{physicalLocation: {artifactLocation: artifactLocation(p.file, ctx.baseDir, h.name), ...region(p.line, p.col)}}],
        properties: {host: h.name},
      })),
    ),
    ...result.ruleFailures.map((r) => ({
      level: 'error',
      message: {text: `rule ${r.ruleId} failed on ${r.host}: ${r.message}`},
      ...(index.has(r.ruleId) ? {associatedRule: {id: r.ruleId, index: index.get(r.ruleId)!}} : {}),
      properties: {host: r.host, ruleFile: r.file},
    })),
  ]

  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: ctx.tool.name,
            version: ctx.tool.version,
            semanticVersion: ctx.tool.version,
            informationUri: REPO,
            rules: docs.map(descriptor),
          },
        },
        originalUriBaseIds: {[SRCROOT]: {uri: pathToFileURL(ctx.baseDir.endsWith('/') ? ctx.baseDir : `${ctx.baseDir}/`).href}},
        invocations: [
          {
            executionSuccessful: result.ruleFailures.length === 0,
            exitCode: result.exitCode,
            ...(notifications.length > 0 ? {toolExecutionNotifications: notifications} : {}),
          },
        ],
        // Columns are JavaScript string offsets.
        columnKind: 'utf16CodeUnits',
        results,
        properties: {
          failOn: result.failOn,
          summary: result.summary,
          hosts: result.hosts.map((h) => ({name: h.name, source: h.source, kernel: h.kernel, role: h.role, complete: h.problems.length === 0, suppressed: h.suppressed})),
          byRule: result.byRule,
        },
      },
    ],
  }
}

export function renderSarif(result: AuditResult, ctx: ReportContext): string {
  return JSON.stringify(toSarif(result, ctx), null, 2) + '\n'
}
