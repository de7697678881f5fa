// Access-log lines, read with the log_format that wrote them. A log_format is literal text
// with $variables (ngx_http_log_module); conntune turns it into an anchored regular
// expression in which each variable stops at the next literal character, so matching is
// linear in the line (no nested lazy groups for a crafted line to blow up).

export const COMBINED_FORMAT = '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"'

/** Statuses worth counting: bad gateway and gateway timeout. */
export const GATEWAY_STATUSES = new Set([502, 504])

export interface AccessLogMatcher {
  /** The format logs $status; without it nothing can be counted. */
  hasStatus: boolean
  hasUpstream: boolean
  parse(line: string): AccessLogEvent | null
}

export interface AccessLogEvent {
  time: number | null
  status: number
  /** Each upstream attempt with the status it gave, last one last ($upstream_addr/$upstream_status). */
  attempts: Array<{addr: string; status: number | null}>
}

const MONTHS: Record<string, number> = {Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
}

function timeLocal(s: string): number | null {
  const m = /^(\d{2})\/([A-Z][a-z]{2})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/.exec(s)
  if (!m || MONTHS[m[2]] === undefined) return null
  const off = (m[7] === '-' ? -1 : 1) * (+m[8] * 60 + +m[9])
  return Date.UTC(+m[3], MONTHS[m[2]], +m[1], +m[4], +m[5], +m[6]) - off * 60_000
}

function timeOf(name: string, v: string): number | null {
  if (name === 'time_local') return timeLocal(v)
  if (name === 'time_iso8601') {
    const t = Date.parse(v)
    return Number.isNaN(t) ? null : t
  }
  if (name === 'msec' && /^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000)
  return null
}

/** "a:1, b:2 : c:3" → ["a:1", "b:2", "c:3"] (", " separates attempts, " : " internal redirects). */
function splitList(v: string): string[] {
  return v.split(/, | : /).map((s) => s.trim()).filter((s) => s.length > 0)
}

/** The variables whose values are read; the rest only have to be stepped over. */
const USED = new Set(['status', 'upstream_addr', 'upstream_status', 'time_iso8601', 'time_local', 'msec'])

/** log_format's string (arguments already joined), or null with a reason when it cannot be read. */
export function compileLogFormat(format: string): AccessLogMatcher | {error: string} {
  const parts: Array<{lit: string} | {name: string}> = []
  const re = /\$(?:\{([a-zA-Z0-9_]+)\}|([a-zA-Z0-9_]+))/g
  let last = 0
  for (const m of format.matchAll(re)) {
    if (m.index > last) parts.push({lit: format.slice(last, m.index)})
    parts.push({name: m[1] ?? m[2]})
    last = m.index + m[0].length
  }
  if (last < format.length) parts.push({lit: format.slice(last)})
  const names: string[] = []
  let src = '^'
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]
    if ('lit' in p) {
      src += escapeRe(p.lit)
      continue
    }
    // Variables with no text between them ($a$b) are one run: nothing tells where one value
    // ends, and a group per variable let the regex try every split (cubic for three).
    let end = i
    while (end + 1 < parts.length && !('lit' in parts[end + 1])) end++
    const run = parts.slice(i, end + 1) as Array<{name: string}>
    const next = parts[end + 1]
    const stop = next && 'lit' in next ? next.lit[0] : null
    const stopClass = stop ? escapeRe(stop) : '\\s'
    if (run.length > 1) {
      const used = run.find((v) => USED.has(v.name))
      if (used) return {error: `log_format writes $${used.name} next to another variable with nothing between them, so its value cannot be told apart`}
      names.push('')
      src += `([^${stopClass}]*)`
      i = end
      continue
    }
    names.push(p.name)
    if (p.name === 'status') src += '(\\d{3})'
    // The longest list of attempts, taken whole ((?=(…))\1 is an atomic group): a group the
    // regex could shorten item by item made a line of n attempts O(n²) when the rest failed.
    // An item (an address, a status) holds no comma, so where it ends is never in doubt.
    else if (p.name === 'upstream_addr' || p.name === 'upstream_status') src += `(?=((?:[^\\s,${stopClass}]+)(?:(?:, | : )[^\\s,${stopClass}]+)*|))(?:\\${names.length})`
    else src += `([^${stopClass}]*)`
  }
  src += '$'
  if (names.length > 64) return {error: 'log_format has more than 64 variables'}
  const matcher = new RegExp(src)
  const idx = (n: string) => names.indexOf(n)
  const iStatus = idx('status')
  const iAddr = idx('upstream_addr')
  const iUpStatus = idx('upstream_status')
  const iTime = ['time_iso8601', 'time_local', 'msec'].map((n) => [n, idx(n)] as const).find(([, i]) => i >= 0)
  return {
    hasStatus: iStatus >= 0,
    hasUpstream: iAddr >= 0,
    parse(line: string): AccessLogEvent | null {
      if (iStatus < 0) return null
      const m = matcher.exec(line)
      if (!m) return null
      const status = Number(m[iStatus + 1])
      const addrs = iAddr >= 0 ? splitList(m[iAddr + 1]).filter((a) => a !== '-') : []
      const statuses = iUpStatus >= 0 ? splitList(m[iUpStatus + 1]) : []
      const attempts = addrs.map((addr, i) => {
        const s = statuses[i]
        // Without $upstream_status, the response status is the last attempt's.
        return {addr: addr.toLowerCase(), status: s !== undefined ? (/^\d{3}$/.test(s) ? Number(s) : null) : i === addrs.length - 1 ? status : null}
      })
      return {time: iTime ? timeOf(iTime[0], m[iTime[1] + 1]) : null, status, attempts}
    },
  }
}
