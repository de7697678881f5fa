// nginx's own value parsers, step for step (src/core/ngx_parse.c, ngx_string.c), so that a
// value nginx refuses is refused here too and never read as if it were valid.
// Verified against `nginx -t` (test/real/nginx-validate.test.ts).

const MAX = (1n << 63n) - 1n // NGX_MAX_INT_T_VALUE on 64-bit builds

/**
 * ngx_parse_time(): units y M w d h m s ms, each at most once and in that order, spaces
 * allowed after a unit, a trailing bare number counts as seconds. `isSec` false (msec
 * slots such as keepalive_timeout) forbids y and M; true (keepalive_timeout's header
 * value, sec slots) forbids ms. Returns milliseconds (isSec false) or seconds, or null.
 */
export function ngxParseTime(text: string, isSec: boolean): number | null {
  // Steps: 0 start, 1 year, 2 month, 3 week, 4 day, 5 hour, 6 min, 7 sec, 8 msec.
  let step = isSec ? 0 : 2
  let value = 0n
  let total = 0n
  let valid = false
  let i = 0
  const n = text.length
  while (i < n) {
    const c = text[i]
    if (c >= '0' && c <= '9') {
      value = value * 10n + BigInt(c.charCodeAt(0) - 48)
      if (value > MAX) return null
      valid = true
      i++
      continue
    }
    i++
    let scale: bigint
    let next: number
    switch (c) {
      case 'y': next = 1; scale = 31536000n; break
      case 'M': next = 2; scale = 2592000n; break
      case 'w': next = 3; scale = 604800n; break
      case 'd': next = 4; scale = 86400n; break
      case 'h': next = 5; scale = 3600n; break
      case 'm':
        if (text[i] === 's') {
          if (isSec || step >= 8) return null
          i++
          next = 8
          scale = 1n
          break
        }
        next = 6
        scale = 60n
        break
      case 's': next = 7; scale = 1n; break
      default:
        return null
    }
    if (next !== 8 && step >= next) return null
    step = next
    if (next !== 8 && !isSec) scale *= 1000n
    if (value > MAX / scale) return null
    value *= scale
    if (total > MAX - value) return null
    total += value
    value = 0n
    while (i < n && text[i] === ' ') i++
  }
  if (!valid) return null
  if (!isSec) {
    if (value > MAX / 1000n) return null
    value *= 1000n
  }
  if (total > MAX - value) return null
  return Number(total + value)
}

/** ngx_atoi(): decimal digits only (no sign, no spaces), not empty, no overflow. */
export function ngxAtoi(text: string): number | null {
  if (!/^\d+$/.test(text)) return null
  const v = BigInt(text)
  return v > MAX ? null : Number(v)
}

/**
 * ngx_parse_size() (size slots: k, m) and ngx_parse_offset() (off slots such as
 * client_max_body_size: k, m, g); either case. Bytes, or null.
 */
export function ngxParseSize(text: string, offset: boolean): number | null {
  if (text.length === 0) return null
  const unit = text[text.length - 1].toLowerCase()
  const scales: Record<string, bigint> = offset ? {k: 1024n, m: 1048576n, g: 1073741824n} : {k: 1024n, m: 1048576n}
  const scale = scales[unit]
  const digits = scale ? text.slice(0, -1) : text
  if (!/^\d+$/.test(digits)) return null
  const v = BigInt(digits) * (scale ?? 1n)
  return v > MAX ? null : Number(v)
}

/** ngx_conf_set_flag_slot(): "on" or "off", any case. */
export function ngxFlag(text: string): boolean | null {
  const t = text.toLowerCase()
  return t === 'on' ? true : t === 'off' ? false : null
}
