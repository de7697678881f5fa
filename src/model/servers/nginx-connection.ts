// What `proxy_set_header Connection X` sends for an ordinary request (no Upgrade header) when
// X is a variable from a map, geo or set — decided from the config where nginx would decide it
// the same way for every such request, and said to be undecidable where it would not.
// nginx: map (ngx_http_map_module: exact keys win over regexes; "" matches an empty source;
// no default means ""), geo (keyed on the client address), set (rewrite module, runs in order).
import type {NginxDirective} from '../../parsers/nginx/types.js'
import type {ConfigSetting} from './setting.js'

type Dir = NginxDirective

export interface VariableSource {
  kind: 'map' | 'geo'
  dir: Dir
  variable: string
  source: string
  hostnames: boolean
  defaultValue: {value: string; dir: Dir | null}
  entries: Array<{key: string; value: string; dir: Dir}>
  /**
   * What every location sending the variable asks of it, worked out once with the source: a
   * map of 20 000 host names sent by 20 000 locations was 400 million entry visits.
   */
  summary: SourceSummary
}

interface SourceSummary {
  /** The exact "" entry (what a request without the source's value gets), if any. */
  empty: {key: string; value: string; dir: Dir} | undefined
  /** Some key is a regex (it may match an empty value). */
  regexes: boolean
  /** Every value the map or geo can give, its default first. */
  values: Set<string>
  /** Those values quoted for a message: the first few of a large map, and how many more. */
  valuesText: string
}

// A message names this many of a map's values; each location's text would otherwise carry all of them.
const VALUES_SHOWN = 8

function summarize(src: Omit<VariableSource, 'summary'>): SourceSummary {
  const values = new Set([src.defaultValue.value])
  for (const e of src.entries) values.add(e.value)
  const shown = [...values].slice(0, VALUES_SHOWN).map(q).join(', ')
  const valuesText = values.size > VALUES_SHOWN ? `${shown}, … ${values.size - VALUES_SHOWN} more` : shown
  return {empty: src.entries.find((e) => e.key === ''), regexes: src.entries.some((e) => e.key.startsWith('~')), values, valuesText}
}

export interface ConnectionValue {
  /** The value sent on an ordinary request; null when the config cannot decide it. */
  value: string | null
  /** true: the backend closes after the response; null: undecidable. */
  closes: boolean | null
  /** How the value was decided, in words. */
  how: string
  /** The settings a fix changes to stop the close, and the value to write. */
  fixTarget: ConfigSetting[]
  fixValue: string
  fixHow: string
}

const varName = (raw: string): string | null => /^\$(\w+)$/.exec(raw)?.[1] ?? /^\$\{(\w+)\}$/.exec(raw)?.[1] ?? null

/** map and geo blocks at http level, by the variable they define. */
export function variableSources(http: Dir[]): Map<string, VariableSource> {
  const out = new Map<string, VariableSource>()
  for (const d of http) {
    if ((d.directive !== 'map' && d.directive !== 'geo') || !d.block) continue
    const variable = varName(d.args[d.args.length - 1] ?? '')
    if (!variable) continue
    const src: Omit<VariableSource, 'summary'> = {kind: d.directive, dir: d, variable, source: d.directive === 'map' ? d.args[0] ?? '' : d.args.length > 1 ? d.args[0] : '$remote_addr', hostnames: false, defaultValue: {value: '', dir: null}, entries: []}
    for (const e of d.block) {
      if (e.directive === 'hostnames') src.hostnames = true
      else if (e.directive === 'default') src.defaultValue = {value: e.args[0] ?? '', dir: e}
      else if (['include', 'volatile', 'ranges', 'delete', 'proxy', 'proxy_recursive'].includes(e.directive)) continue
      else src.entries.push({key: e.directive, value: e.args[0] ?? '', dir: e})
    }
    out.set(variable, {...src, summary: summarize(src)})
  }
  return out
}

/** The last unconditional `set $name` of the levels a location sees (outer first). */
/**
 * The `set $name` directives in scope at a level: its own, then its parents' (the rewrite
 * module runs outer levels first, so the nearest wins). A chain, not a copy per level: a server
 * with thousands of `set`s and a location per tenant, each with one of its own, copied them all
 * into every location.
 */
export class SetsInScope {
  private readonly own = new Map<string, Dir>()
  constructor(private readonly parent: SetsInScope | null = null) {}
  set(name: string, d: Dir): void {
    this.own.set(name, d)
  }
  get(name: string): Dir | undefined {
    for (let s: SetsInScope | null = this; s; s = s.parent) {
      const d = s.own.get(name)
      if (d) return d
    }
    return undefined
  }
}

// A variable used by thousands of directives is named with a few of them, not all: the list is in
// every finding that sends it.
const listSome = (xs: string[], n = 5) => (xs.length <= n ? xs.join(', ') : `${xs.slice(0, n).join(', ')} and ${xs.length - n} more`)
const closes = (v: string) => v.toLowerCase().split(',').some((t) => t.trim() === 'close')
const at = (d: Dir) => `${d.file}:${d.line}`
const q = (v: string) => JSON.stringify(v)

function entrySetting(e: {key: string; value: string; dir: Dir}): ConfigSetting {
  return {name: "''", value: e.value, num: null, explicit: true, origin: `map entry at ${at(e.dir)}`, file: e.dir.file, line: e.dir.line, col: e.dir.col, insertAt: null}
}

export function resolveConnection(header: ConfigSetting, sources: Map<string, VariableSource>, sets: SetsInScope, otherUses: (variable: string) => string[]): ConnectionValue {
  const raw = header.value ?? ''
  const headerFix = {fixTarget: [header], fixValue: '""', fixHow: 'proxy_set_header Connection ""'}
  const name = varName(raw)
  if (!raw.includes('$')) return {value: raw, closes: closes(raw), how: header.explicit ? `set to ${q(raw)}` : header.origin, ...headerFix}
  if (!name) return {value: null, closes: null, how: `${q(raw)} is built from variables at request time`, ...headerFix}
  const set = sets.get(name)
  if (set) {
    const v = set.args[1] ?? ''
    if (v.includes('$')) return {value: null, closes: null, how: `$${name} is set from ${q(v)} at ${at(set)}, known only at request time`, ...headerFix}
    return {value: v, closes: closes(v), how: `$${name} is set to ${q(v)} at ${at(set)}`, ...headerFix}
  }
  const src = sources.get(name)
  if (!src) return {value: null, closes: null, how: `$${name} is not defined by a map, geo or set conntune can see`, ...headerFix}
  const where = `${src.kind} ${src.kind === 'map' ? `${src.source} ` : ''}$${name} at ${at(src.dir)}`
  if (src.kind === 'map' && /^\$http_upgrade$/i.test(src.source) && !src.hostnames) {
    // An ordinary request has no Upgrade header: the source is "", which only an exact "" key
    // (exact keys are checked before regexes) or a regex matching "" can catch.
    const {empty, regexes} = src.summary
    const uses = otherUses(name)
    const shared = uses.length > 0
    const mapFix = (target: ConfigSetting): Pick<ConnectionValue, 'fixTarget' | 'fixValue' | 'fixHow'> =>
      shared
        ? {fixTarget: [], fixValue: "''", fixHow: `$${name} is also used by ${listSome(uses)}: editing the map would change those too, so add a new map $http_upgrade $connection_upgrade_keepalive { default upgrade; '' ''; } and send Connection $connection_upgrade_keepalive here`}
        : {fixTarget: [target], fixValue: "''", fixHow: `in ${where}, make the value for '' (no Upgrade header) '' instead of close: upgrades still get "Connection: upgrade", ordinary requests send no Connection header and reuse the connection. Every location sending $${name} changes with it`}
    if (empty) return {value: empty.value, closes: closes(empty.value), how: `${where} yields ${q(empty.value)} for a request without Upgrade (its '' entry at ${at(empty.dir)})`, ...mapFix(entrySetting(empty))}
    if (regexes) return {value: null, closes: null, how: `${where} has regex keys that may match an empty Upgrade header`, ...headerFix}
    const d = src.defaultValue
    const insert: ConfigSetting = {name: "''", value: null, num: null, explicit: false, origin: `no '' entry in ${where}`, file: null, line: null, col: null, insertAt: {file: src.dir.file, line: src.dir.line, col: src.dir.col, context: `map $${name}`}}
    return {value: d.value, closes: closes(d.value), how: `${where} has no '' entry, so a request without Upgrade gets its default ${q(d.value)}`, ...mapFix(insert)}
  }
  // Keyed on something else (host names, client address, regexes): one answer only when every value agrees.
  const {values, valuesText} = src.summary
  if (values.size === 1) {
    const v = [...values][0]
    return {value: v, closes: closes(v), how: `every value of ${where} is ${q(v)}`, ...headerFix}
  }
  return {value: null, closes: null, how: `${where} is keyed on ${src.source} and its values differ (${valuesText}): what an ordinary request sends cannot be decided from the config`, ...headerFix}
}
