// The "what was read" inventory (src/pipeline/inventory.ts) as a few plain sentences per
// host, shared by the text and Markdown formats; each format escapes them its own way.
import type {ReadInventory, ServerRead} from '../pipeline/inventory.js'

/** Files named in full up to this many; then a count, the JSON report has them all. */
const MAX_FILES = 3

function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`
}

function fileList(files: string[]): string {
  if (files.length === 0) return 'no files'
  const shown = files.slice(0, MAX_FILES).join(', ')
  return `${plural(files.length, 'file')} (${shown}${files.length > MAX_FILES ? `, … ${files.length - MAX_FILES} more` : ''})`
}

const COUNT_WORDS: Record<string, [string, string]> = {
  servers: ['server block', 'server blocks'],
  proxyLocations: ['proxying location', 'proxying locations'],
  upstreams: ['upstream', 'upstreams'],
  listen: ['listen address', 'listen addresses'],
  proxies: ['proxy target', 'proxy targets'],
  binds: ['bind', 'binds'],
}

function serverLine(s: ServerRead): string {
  const version = s.version ? ` ${s.version}${s.versionSource ? ` (${s.versionSource})` : ''}` : s.kind === 'gunicorn' ? '' : ' (version unknown)'
  const counts = Object.entries(s.counts).map(([k, v]) => plural(v, ...(COUNT_WORDS[k] ?? [k, k])))
  const what = s.kind === 'gunicorn' ? ` ${s.name}` : ''
  return `${s.kind}${what}${version}: ${fileList(s.files)}${counts.length ? `; ${counts.join(', ')}` : ''}`
}

/** One line each: kernel, each server, sockets; logs and skipped files each format lists itself. */
export function readLines(read: ReadInventory): string[] {
  const k = read.kernel
  const from: string[] = []
  if (k.runtime) from.push(`${plural(k.settings.runtime, 'setting')} read from /proc/sys`)
  if (k.sysctlFiles.length > 0) from.push(`${k.setInFiles} set in sysctl.d ${fileList(k.sysctlFiles)}`)
  else from.push('no sysctl.d files')
  if (k.settings.default > 0) from.push(`${k.settings.default} at the kernel default (assumed)`)
  if (k.settings.unknown > 0) from.push(`${k.settings.unknown} not known`)
  const lines = [`kernel ${k.release ?? '(version unknown)'}: ${from.join(', ')}`]
  for (const s of read.servers) lines.push(serverLine(s))
  if (read.servers.length === 0) lines.push('no nginx, lighttpd or gunicorn found')
  const so = read.sockets
  lines.push(so.observed ? `sockets: ${so.total} (${plural(so.listeningPorts, 'listening port')}, ${so.timeWait} TIME_WAIT)` : 'sockets: not observed')
  return lines
}
