// Which logs nginx writes, from its configuration texts and `nginx -V`: every error_log and
// access_log path, the log_format definitions, and nginx's compiled-in defaults. Relative
// paths are relative to the prefix (ngx_conf_full_name). `error_log off` is a file named
// "off" (there is no off for error_log); `access_log off` turns logging off; syslog:, stderr
// and memory: targets have no file to read and are noted.
import type {NginxDirective} from '../nginx/types.js'
import {parseNginxText} from '../nginx/parser.js'
import {COMBINED_FORMAT} from './access-log.js'

export interface LogTarget {
  path: string
  kind: 'error' | 'access'
  /** access_log's format name (default "combined"). */
  format?: string
}

export interface LogTargets {
  targets: LogTarget[]
  /** log_format name → its string (arguments joined, escape= dropped). */
  formats: Record<string, string>
  notes: string[]
}

/** Compiled-in defaults (Debian: --prefix=/usr/share/nginx --error-log-path=/var/log/nginx/error.log). */
export function nginxBuildPaths(nginxV: string | undefined): {prefix: string; errorLog: string; accessLog: string} {
  const opt = (name: string) => new RegExp(`--${name}=(\\S+)`).exec(nginxV ?? '')?.[1]
  const prefix = opt('prefix') ?? '/usr/local/nginx'
  const full = (p: string) => (p.startsWith('/') ? p : `${prefix.replace(/\/$/, '')}/${p}`)
  // Debian builds with --error-log-path=stderr: the default error log is not a file.
  const errorLog = opt('error-log-path') ?? 'logs/error.log'
  return {prefix, errorLog: errorLog === 'stderr' ? errorLog : full(errorLog), accessLog: full(opt('http-log-path') ?? 'logs/access.log')}
}

function walk(list: NginxDirective[], depth: number, visit: (d: NginxDirective, depth: number) => void): void {
  for (const d of list) {
    visit(d, depth)
    if (d.block) walk(d.block, depth + 1, visit)
  }
}

export function nginxLogTargets(configs: Array<{file: string; text: string}>, nginxV?: string): LogTargets {
  const build = nginxBuildPaths(nginxV)
  const full = (p: string) => (p.startsWith('/') ? p : `${build.prefix.replace(/\/$/, '')}/${p}`)
  const seen = new Map<string, LogTarget>()
  const formats: Record<string, string> = {combined: COMBINED_FORMAT}
  const notes: string[] = []
  let topError = false
  let anyAccess = false
  const add = (t: LogTarget) => {
    const key = `${t.kind} ${t.path}`
    if (!seen.has(key)) seen.set(key, t)
  }
  for (const c of configs) {
    const r = parseNginxText(c.text, c.file, {spans: false})
    walk(r.value.parsed, 0, (d, depth) => {
      const arg = d.args[0]
      if (d.directive === 'log_format' && d.args.length >= 2) {
        const rest = d.args.slice(1).filter((a, i) => !(i === 0 && a.startsWith('escape=')))
        formats[d.args[0]] = rest.join('')
      } else if (d.directive === 'error_log' && arg !== undefined) {
        if (depth === 0) topError = true
        if (arg.startsWith('syslog:') || arg === 'stderr' || arg.startsWith('memory:')) notes.push(`${d.file}:${d.line}: error_log ${arg.split(',')[0]} is not a file conntune can read`)
        else add({path: full(arg), kind: 'error'})
      } else if (d.directive === 'access_log' && arg !== undefined) {
        anyAccess = true
        if (arg === 'off') return
        if (arg.startsWith('syslog:')) notes.push(`${d.file}:${d.line}: access_log ${arg.split(',')[0]} is not a file conntune can read`)
        else if (arg.includes('$')) notes.push(`${d.file}:${d.line}: access_log path ${arg} has variables; not read`)
        else add({path: full(arg), kind: 'access', format: d.args[1] && !d.args[1].includes('=') ? d.args[1] : 'combined'})
      }
    })
  }
  // Without a main-level error_log nginx keeps logging to its compiled-in file; without any
  // access_log, the http default is "logs/access.log combined" (the --http-log-path).
  if (!topError && build.errorLog === 'stderr') notes.push('nginx -V: the compiled-in error log is stderr, not a file conntune can read')
  else if (!topError) add({path: build.errorLog, kind: 'error'})
  if (!anyAccess && configs.length > 0) add({path: build.accessLog, kind: 'access', format: 'combined'})
  return {targets: [...seen.values()], formats, notes}
}
