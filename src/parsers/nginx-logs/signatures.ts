// The fixed set of nginx error-log signatures conntune counts. The collector greps a bounded
// tail for `needle` (a fixed string, so collection stays collection); the analysis side
// classifies each line with `test`, which also needs the upstream phase nginx logged.
// Texts from nginx's source: ngx_http_upstream.c (ngx_http_upstream_process_header,
// ngx_http_upstream_next, ngx_http_upstream_test_connect), ngx_event_connect.c, and the
// action strings "reading response header from upstream", "sending request to upstream",
// "connecting to upstream" that ngx_http_log_error appends as "while ...".

export type SignatureClass = 'race' | 'timeout' | 'refused' | 'no-live'

export interface Signature {
  id: string
  class: SignatureClass
  /** What the collector greps for (grep -F). */
  needle: string
  test: (line: string) => boolean
}

export const SIGNATURES: readonly Signature[] = [
  {
    id: 'premature-close',
    class: 'race',
    needle: 'upstream prematurely closed connection',
    test: (l) => l.includes('upstream prematurely closed connection while reading response header from upstream'),
  },
  {
    id: 'reset-reading-header',
    class: 'race',
    needle: '(104: Connection reset by peer)',
    test: (l) => /recv\(\) failed \(104: Connection reset by peer\) while reading response header from upstream/.test(l),
  },
  {
    id: 'broken-pipe-sending',
    class: 'race',
    needle: '(32: Broken pipe)',
    test: (l) => /(?:writev|send|sendfile)\(\) failed \(32: Broken pipe\) while sending request to upstream/.test(l),
  },
  {
    id: 'read-timeout',
    class: 'timeout',
    needle: 'upstream timed out',
    test: (l) => l.includes('upstream timed out (110: Connection timed out) while reading response header from upstream'),
  },
  {
    id: 'no-live-upstreams',
    class: 'no-live',
    needle: 'no live upstreams',
    test: (l) => l.includes('no live upstreams while connecting to upstream'),
  },
  {
    id: 'connect-refused',
    class: 'refused',
    needle: '(111: Connection refused)',
    // ngx_http_upstream_test_connect says "connect() failed (111…"; ngx_event_connect_peer
    // "connect() to ADDR failed (111…".
    test: (l) => /connect\(\) (?:to \S+ )?failed \(111: Connection refused\) while connecting to upstream/.test(l),
  },
]

export function classify(line: string): Signature | null {
  for (const s of SIGNATURES) if (line.includes(s.needle) && s.test(line)) return s
  return null
}

/** The access-log filter the collector also uses (grep -E): a 502 or 504 not inside a longer number. */
export const ACCESS_NEEDLE = /(?:^|[^0-9])50[24](?:[^0-9]|$)/

/** Whether the collector keeps a line: a signature's needle (error log) or a 502/504 (access log). */
export function keepLine(kind: 'error' | 'access', line: string): boolean {
  return kind === 'error' ? SIGNATURES.some((s) => line.includes(s.needle)) : ACCESS_NEEDLE.test(line)
}
