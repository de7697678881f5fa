// Inventories: which hosts a fleet audit visits. Ansible INI and YAML inventories (groups,
// children, vars, ansible_host/ansible_port/ansible_user, web[01:03] ranges), ansible-inventory
// --list JSON, and plain lists (one [user@]host[:port] per line). Key file, become and extra
// ssh arguments are honoured as argument arrays. `--limit GROUP` keeps a group (or a host). Errors name
// file:line; nothing in an inventory is ever run.
import {UserError, where} from '../errors.js'
import {homedir} from 'node:os'
import {shlexSplit} from '../parsers/gunicorn/shell-words.js'
import {FILE_BOUNDS, readTextOrThrow} from './read-regular.js'
import {checkHost, checkPort, inventorySshArgs, parseHostSpec, type SshTarget} from './ssh.js'
import {append} from '../append.js'
import {cutHashComment, hasLineBreak, stripHashComment} from '../text/trim.js'
import {compareCodePoints} from '../text/order.js'

export interface InventoryHost {
  /** The inventory name: the host's identity in reports, whatever it calls itself. */
  name: string
  vars: Record<string, string>
  groups: Set<string>
  line: number
}

export interface Inventory {
  file: string
  hosts: Map<string, InventoryHost>
  /** group → hosts in it directly, and child groups */
  groups: Map<string, {hosts: Set<string>; children: Set<string>; vars: Record<string, string>; line: number}>
}

function emptyInventory(file: string): Inventory {
  return {file, hosts: new Map(), groups: new Map([['all', {hosts: new Set(), children: new Set(), vars: {}, line: 0}]])}
}

function group(inv: Inventory, name: string, line: number) {
  let g = inv.groups.get(name)
  if (!g) {
    g = {hosts: new Set(), children: new Set(), vars: {}, line}
    inv.groups.set(name, g)
  }
  return g
}

function addHost(inv: Inventory, name: string, groupName: string, vars: Record<string, string>, line: number): void {
  let h = inv.hosts.get(name)
  if (!h) {
    h = {name, vars: {}, groups: new Set(), line}
    inv.hosts.set(name, h)
  }
  Object.assign(h.vars, vars)
  h.groups.add(groupName)
  group(inv, groupName, line).hosts.add(name)
}

/** web[01:03].example.com → web01…web03 (zero padding kept); [a:c] letters; a step after a second colon. */
export function expandRange(pattern: string, at: string): string[] {
  // `.` written [^] after ruling out what `.` stops at: the same match, linear.
  const m = hasLineBreak(pattern) ? null : /^([^]*?)\[([0-9a-zA-Z]+):([0-9a-zA-Z]+)(?::(\d+))?\]([^]*)$/.exec(pattern)
  if (!m) {
    if (/[[\]]/.test(pattern)) throw new UserError(`${at}: invalid host range ${JSON.stringify(pattern)}`)
    return [pattern]
  }
  const [, pre, a, b, stepRaw, post] = m
  const step = stepRaw ? Number(stepRaw) : 1
  const out: string[] = []
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) {
    const from = Number(a)
    const to = Number(b)
    if (to < from || step < 1 || (to - from) / step > 10_000) throw new UserError(`${at}: invalid host range ${JSON.stringify(pattern)}`)
    const width = a.startsWith('0') ? a.length : 0
    for (let i = from; i <= to; i += step) for (const rest of expandRange(post, at)) out.push(`${pre}${String(i).padStart(width, '0')}${rest}`)
  } else if (/^[a-z]$/i.test(a) && /^[a-z]$/i.test(b) && a <= b) {
    for (let c = a.charCodeAt(0); c <= b.charCodeAt(0); c += step) for (const rest of expandRange(post, at)) out.push(`${pre}${String.fromCharCode(c)}${rest}`)
  } else throw new UserError(`${at}: invalid host range ${JSON.stringify(pattern)}`)
  return out
}

/** key=value pairs as Ansible's INI reader splits them (shell-like quoting). */
function splitVars(text: string, at: string): {words: string[]; vars: Record<string, string>} {
  const tokens: string[] = []
  let cur = ''
  let quote: string | null = null
  let has = false
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = null
      else cur += ch
    } else if (ch === '"' || ch === "'") {
      quote = ch
      has = true
    } else if (/\s/.test(ch)) {
      if (has || cur) tokens.push(cur)
      cur = ''
      has = false
    } else {
      cur += ch
      has = true
    }
  }
  if (quote) throw new UserError(`${at}: unterminated quote`)
  if (has || cur) tokens.push(cur)
  const words: string[] = []
  const vars: Record<string, string> = {}
  for (const t of tokens) {
    const eq = t.indexOf('=')
    if (eq > 0) vars[t.slice(0, eq)] = t.slice(eq + 1)
    else words.push(t)
  }
  return {words, vars}
}

/** An INI line's comment: `#` or `;` at the start, or ` #` after a value. */
function stripComment(line: string): string {
  const t = line.trim()
  if (t.startsWith('#') || t.startsWith(';')) return ''
  return stripHashComment(line).trim()
}

export function parseIniInventory(text: string, file: string): Inventory {
  const inv = emptyInventory(file)
  let section = 'ungrouped'
  let kind: 'hosts' | 'children' | 'vars' = 'hosts'
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = stripComment(raw)
    const at = where(file, i + 1)
    if (!line) return
    const head = /^\[([^\]\s:]+)(?::(children|vars))?\]$/.exec(line)
    if (head) {
      section = head[1]
      kind = (head[2] as 'children' | 'vars' | undefined) ?? 'hosts'
      group(inv, section, i + 1)
      return
    }
    if (line.startsWith('[')) throw new UserError(`${at}: invalid section header ${JSON.stringify(line)} (expected [group], [group:children] or [group:vars])`)
    if (kind === 'children') {
      if (/\s/.test(line)) throw new UserError(`${at}: a [${section}:children] line names one group`)
      group(inv, section, i + 1).children.add(line)
      group(inv, line, i + 1)
      return
    }
    if (kind === 'vars') {
      const m = hasLineBreak(line) ? null : /^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*([^]*)$/.exec(line)
      if (!m) throw new UserError(`${at}: expected key=value in [${section}:vars]`)
      group(inv, section, i + 1).vars[m[1]] = m[2].replace(/^(["'])(.*)\1$/, '$2')
      return
    }
    const {words, vars} = splitVars(line, at)
    if (words.length !== 1) throw new UserError(`${at}: expected a host name followed by key=value pairs`)
    for (const name of expandRange(words[0], at)) addHost(inv, name, section, vars, i + 1)
  })
  return inv
}

type Yamlish = Record<string, unknown> | null | undefined

export async function parseYamlInventory(text: string, file: string): Promise<Inventory> {
  const {parseDocument, LineCounter, isMap} = await import('yaml')
  const lc = new LineCounter()
  const doc = parseDocument(text, {lineCounter: lc, prettyErrors: false})
  if (doc.errors.length > 0) {
    const e = doc.errors[0]
    const pos = e.linePos?.[0] ?? lc.linePos(e.pos[0])
    throw new UserError(`${where(file, pos.line, pos.col)}: invalid YAML: ${e.message.split('\n')[0]}`)
  }
  const inv = emptyInventory(file)
  const lineOf = (node: unknown) => {
    const range = (node as {range?: [number]} | null)?.range
    return range ? lc.linePos(range[0]).line : undefined
  }
  const rootNode = doc.contents
  if (!isMap(rootNode)) throw new UserError(`${where(file, 1)}: a YAML inventory is a mapping of groups (all: {hosts: …, children: …})`)
  const strVars = (v: unknown, at: string): Record<string, string> => {
    if (v === null || v === undefined) return {}
    if (typeof v !== 'object' || Array.isArray(v)) throw new UserError(`${at}: vars must be a mapping`)
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).filter(([k]) => k !== '__proto__').map(([k, x]) => [k, typeof x === 'object' && x !== null ? JSON.stringify(x) : String(x)]))
  }
  const walk = (name: string, node: unknown, depth: number) => {
    const at = where(file, lineOf(node))
    if (depth > 50) throw new UserError(`${at}: groups nested too deep`)
    const g = group(inv, name, lineOf(node) ?? 0)
    if (node === null || node === undefined) return
    if (!isMap(node)) throw new UserError(`${at}: group ${name} must be a mapping (hosts, children, vars)`)
    const js = node.toJSON() as Yamlish
    for (const key of Object.keys(js ?? {})) {
      if (!['hosts', 'children', 'vars'].includes(key)) throw new UserError(`${where(file, lineOf(node.items.find((it) => (it.key as {value?: unknown})?.value === key)?.key))}: unknown key ${JSON.stringify(key)} in group ${name} (expected hosts, children, vars)`)
    }
    Object.assign(g.vars, strVars(js?.vars, where(file, lineOf(node.get('vars', true)))))
    const hosts = node.get('hosts', true)
    if (hosts !== null && hosts !== undefined) {
      if (!isMap(hosts)) {
        const plain = (hosts as {toJSON?: () => unknown}).toJSON?.()
        if (plain !== null) throw new UserError(`${where(file, lineOf(hosts))}: hosts of ${name} must be a mapping (host: {vars})`)
      } else
        for (const pair of hosts.items) {
          const hostName = String((pair.key as {value?: unknown})?.value ?? pair.key)
          const hat = where(file, lineOf(pair.key))
          const vars = strVars((pair.value as {toJSON?: () => unknown} | null)?.toJSON?.() ?? null, hat)
          for (const n of expandRange(hostName, hat)) addHost(inv, n, name, vars, lineOf(pair.key) ?? 0)
        }
    }
    const children = node.get('children', true)
    if (children !== null && children !== undefined) {
      if (!isMap(children)) {
        const plain = (children as {toJSON?: () => unknown}).toJSON?.()
        if (plain !== null) throw new UserError(`${where(file, lineOf(children))}: children of ${name} must be a mapping of groups`)
      } else
        for (const pair of children.items) {
          const child = String((pair.key as {value?: unknown})?.value ?? pair.key)
          g.children.add(child)
          walk(child, pair.value, depth + 1)
        }
    }
  }
  for (const pair of rootNode.items) {
    const name = String((pair.key as {value?: unknown})?.value ?? pair.key)
    if (name !== 'all') group(inv, 'all', 0).children.add(name)
    walk(name, pair.value, 0)
  }
  return inv
}

/**
 * `ansible-inventory --list` output: groups as {hosts: [names], children: [groups], vars},
 * host vars under _meta.hostvars. JSON has no lines worth naming: errors name the group or host.
 */
export function parseJsonInventory(text: string, file: string): Inventory {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    throw new UserError(`${file}: invalid JSON: ${(error as Error).message.slice(0, 200)}`)
  }
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
  if (!isObject(data)) throw new UserError(`${file}: an ansible-inventory --list document is an object of groups`)
  const names = (v: unknown, what: string): string[] => {
    if (v === undefined) return []
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new UserError(`${file}: ${what} must be a list of names`)
    return v as string[]
  }
  const strVars = (v: unknown, what: string): Record<string, string> => {
    if (v === undefined || v === null) return {}
    if (!isObject(v)) throw new UserError(`${file}: ${what} must be an object`)
    return Object.fromEntries(Object.entries(v).filter(([k]) => k !== '__proto__').map(([k, x]) => [k, typeof x === 'object' && x !== null ? JSON.stringify(x) : String(x)]))
  }
  const meta = data._meta
  const hostvars = isObject(meta) && isObject(meta.hostvars) ? meta.hostvars : {}
  const inv = emptyInventory(file)
  for (const [name, node] of Object.entries(data)) {
    if (name === '_meta') continue
    if (!isObject(node)) throw new UserError(`${file}: group ${JSON.stringify(name.slice(0, 60))} must be an object (hosts, children, vars)`)
    const g = group(inv, name, 0)
    if (name !== 'all') group(inv, 'all', 0).children.add(name)
    Object.assign(g.vars, strVars(node.vars, `vars of group ${name}`))
    for (const child of names(node.children, `children of group ${name}`)) {
      g.children.add(child)
      group(inv, child, 0)
    }
    for (const h of names(node.hosts, `hosts of group ${name}`)) addHost(inv, h, name, strVars(hostvars[h], `_meta.hostvars.${h}`), 0)
  }
  // A host only in _meta.hostvars is still a host (ansible-inventory lists it under ungrouped).
  for (const [h, vars] of Object.entries(hostvars)) if (!inv.hosts.has(h)) addHost(inv, h, 'ungrouped', strVars(vars, `_meta.hostvars.${h}`), 0)
  return inv
}

/** One [user@]host[:port] per line; `#` comments. */
export function parsePlainInventory(text: string, file: string): Inventory {
  const inv = emptyInventory(file)
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = cutHashComment(raw).trim()
    if (!line) return
    const at = where(file, i + 1)
    if (/\s/.test(line)) throw new UserError(`${at}: one host per line ([user@]host[:port])`)
    const t = parseHostSpec(line, at)
    const vars: Record<string, string> = {ansible_host: t.host}
    if (t.user) vars.ansible_user = t.user
    if (t.port !== undefined) vars.ansible_port = String(t.port)
    addHost(inv, line, 'ungrouped', vars, i + 1)
  })
  return inv
}

/** Which format a file is in: YAML by extension or a leading `all:`/`---`; INI by a [section]; else a plain list. */
export function detectInventoryFormat(file: string, text: string): 'yaml' | 'ini' | 'plain' | 'json' {
  if (/\.json$/i.test(file) || text.trimStart().startsWith('{')) return 'json'
  if (/\.ya?ml$/i.test(file)) return 'yaml'
  const first = text.split(/\r?\n/).map((l) => l.trim()).find((l) => l && !l.startsWith('#') && !l.startsWith(';'))
  if (!first) return 'plain'
  if (first === '---' || /^[A-Za-z0-9_.-]+:\s*$/.test(first)) return 'yaml'
  if (/^\[[^\]]+\]$/.test(first) || /\s\w+=/.test(text)) return 'ini'
  return 'plain'
}

export async function parseInventory(text: string, file: string): Promise<Inventory> {
  const format = detectInventoryFormat(file, text)
  if (format === 'json') return parseJsonInventory(text, file)
  if (format === 'yaml') return parseYamlInventory(text, file)
  if (format === 'ini') return parseIniInventory(text, file)
  return parsePlainInventory(text, file)
}

export async function readInventory(file: string): Promise<Inventory> {
  const text = readTextOrThrow(file, FILE_BOUNDS.inventory, 'inventory')
  return parseInventory(text, file)
}

/** Every host in a group and its child groups (cycles are an error). */
function hostsOf(inv: Inventory, name: string, seen: string[] = []): string[] {
  if (seen.includes(name)) throw new UserError(`${inv.file}: groups include each other: ${[...seen, name].join(' → ')}`)
  const g = inv.groups.get(name)
  if (!g) return []
  const out = [...g.hosts]
  for (const c of g.children) append(out, hostsOf(inv, c, [...seen, name]))
  return out
}

/** Group vars for a host: all, then parent groups before children, then the host's own. */
function varsOf(inv: Inventory, host: InventoryHost): Record<string, string> {
  const depth = (g: string, seen: string[] = []): number => {
    let best = 0
    for (const [name, grp] of inv.groups) if (grp.children.has(g) && !seen.includes(name)) best = Math.max(best, depth(name, [...seen, g]) + 1)
    return best
  }
  const groups = [...inv.groups.keys()].filter((g) => g !== 'all' && hostsOf(inv, g).includes(host.name))
  // Ansible merges groups of one depth in sorted() order of their names: code points.
  groups.sort((a, b) => depth(a) - depth(b) || compareCodePoints(a, b))
  return Object.assign({}, inv.groups.get('all')?.vars, ...groups.map((g) => inv.groups.get(g)!.vars), host.vars)
}

/** Ansible's booleans (yes/no, true/false, on/off, 1/0, any case). */
function truthy(v: string | undefined, at: string, key: string): boolean {
  if (v === undefined) return false
  const s = v.trim().toLowerCase()
  if (['yes', 'true', 'on', '1', 'y', 't'].includes(s)) return true
  if (['no', 'false', 'off', '0', 'n', 'f', ''].includes(s)) return false
  throw new UserError(`${at}: ${key}=${JSON.stringify(v.slice(0, 40))} is not a boolean`)
}

/** ansible_become → the collector runs through `sudo -n`; another become method is not done. */
function become(vars: Record<string, string>, at: string): boolean {
  if (!truthy(vars.ansible_become, at, 'ansible_become')) return false
  const method = vars.ansible_become_method?.trim().toLowerCase()
  if (method && method !== 'sudo') throw new UserError(`${at}: ansible_become_method=${JSON.stringify(method.slice(0, 40))}: conntune becomes root only with sudo -n`)
  const user = vars.ansible_become_user?.trim()
  if (user && user !== 'root') throw new UserError(`${at}: ansible_become_user=${JSON.stringify(user.slice(0, 40))}: conntune becomes root only (sudo -n)`)
  return true
}

function expandHome(file: string): string {
  return file === '~' || file.startsWith('~/') ? homedir() + file.slice(1) : file
}

/**
 * The hosts to audit, as SSH targets: every host, or those in --limit (groups or host names,
 * comma- or colon-separated, as Ansible's --limit takes them). An unknown name is an error.
 */
export function inventoryTargets(inv: Inventory, limit?: string): SshTarget[] {
  let names: string[]
  if (limit) {
    const wanted = new Set<string>()
    for (const part of limit.split(/[,:]/).map((s) => s.trim()).filter(Boolean)) {
      if (inv.groups.has(part)) for (const h of hostsOf(inv, part)) wanted.add(h)
      else if (inv.hosts.has(part)) wanted.add(part)
      else throw new UserError(`--limit ${part}: no such group or host in ${inv.file}`)
    }
    names = [...inv.hosts.keys()].filter((h) => wanted.has(h))
  } else names = [...inv.hosts.keys()]
  return names.map((name) => {
    const h = inv.hosts.get(name)!
    const vars = varsOf(inv, h)
    const at = where(inv.file, h.line)
    const host = vars.ansible_host ?? vars.ansible_ssh_host ?? name
    checkHost(host, at)
    const port = vars.ansible_port ?? vars.ansible_ssh_port
    const user = vars.ansible_user ?? vars.ansible_ssh_user
    const key = vars.ansible_ssh_private_key_file ?? vars.ansible_private_key_file
    const sudo = become(vars, at)
    const extra: string[] = []
    for (const k of ['ansible_ssh_common_args', 'ansible_ssh_extra_args']) {
      if (!vars[k]) continue
      const split = shlexSplit(vars[k])
      if ('error' in split) throw new UserError(`${at}: ${k}: ${split.error}`)
      append(extra, inventorySshArgs(split.words, `${at}: ${k}`))
    }
    return {
      host,
      label: name,
      ...(user ? {user} : {}),
      ...(port !== undefined ? {port: checkPort(port, at)} : {}),
      ...(key ? {identityFile: expandHome(key)} : {}),
      ...(sudo ? {sudo} : {}),
      ...(extra.length ? {extraArgs: extra} : {}),
    }
  })
}
