import {escapeCell, renderMarkdown, truncate} from '../../../src/report/markdown.js'
import {brokenResult, ctx, finding, host, result, richResult} from './results.js'

/** GFM's cell split: on "|" not preceded by a backslash (also inside code spans). */
function cells(row: string): string[] {
  const inner = row.trim().replace(/^\|/, '').replace(/\|$/, '')
  const out: string[] = []
  let cur = ''
  for (let i = 0; i < inner.length; i++) {
    if (inner[i] === '\\' && i + 1 < inner.length) {
      cur += inner[i]! + inner[i + 1]!
      i++
    } else if (inner[i] === '|') {
      out.push(cur.trim())
      cur = ''
    } else cur += inner[i]
  }
  out.push(cur.trim())
  return out
}

/** Rows of the findings tables (headed "| Rule"), not of the across-hosts summary. */
function tableRows(md: string): string[][] {
  let inFindings = false
  const rows: string[] = []
  for (const l of md.split('\n')) {
    if (!l.startsWith('| ')) inFindings = false
    else if (l.startsWith('| Rule')) inFindings = true
    else if (inFindings && !l.startsWith('| ---')) rows.push(l)
  }
  return rows.map(cells)
}

describe('Markdown PR comment', () => {
  const md = renderMarkdown(richResult(), ctx())

  it('opens with counts by severity and the verdict', () => {
    const lines = md.split('\n')
    expect(lines[0]).toBe('### conntune: 1 error, 4 warnings, 2 info')
    expect(lines[2]).toBe('❌ **Failed**: 5 findings at or above warning (exit 1) — 1 host checked.')
    expect(renderMarkdown(richResult('error'), ctx()).split('\n')[2]).toBe('❌ **Failed**: 1 finding at or above error (exit 1) — 1 host checked.')
    expect(md).toContain('\n2 findings covered by ignores (inline or .conntune.yaml) are not shown.\n')
  })

  it('has a table per severity, four cells in every row, the fix in each, info folded away', () => {
    expect(md).toMatch(/#### Errors \(1\)\n\n\| Rule \| Location \| Message \| Fix \|\n\| --- \| --- \| --- \| --- \|\n/)
    expect(md).toContain('#### Warnings (4)')
    expect(md).toMatch(/<details>\n<summary>Info \(2\)<\/summary>\n\n\| Rule \| Location \| Message \| Fix \|[^]*\n\n<\/details>\n$/)
    const rows = tableRows(md)
    expect(rows).toHaveLength(7)
    for (const r of rows) expect(r).toHaveLength(4)
    expect(rows[0]).toEqual([
      '[`sysctl-tw-recycle-enabled`](https://github.com/conntune/conntune/blob/main/docs/rules/sysctl-tw-recycle-enabled.md)',
      '`deploy/sysctl.d/99 tuning ü.conf:3`',
      'Message of sysctl-tw-recycle-enabled.',
      'Set net.ipv4.tcp\\_tw\\_recycle = 0.',
    ])
    // Meta findings have pages too; findings without a fix say so.
    const meta = rows.find((r) => r[0]!.includes('conntune-ignore-without-reason'))!
    expect(meta[0]).toBe('[`conntune-ignore-without-reason`](https://github.com/conntune/conntune/blob/main/docs/rules/conntune-ignore-without-reason.md)')
    expect(rows.find((r) => r[0]!.includes('sockets-server-closes-first'))![3]).toBe('—')
  })

  it('escapes pipes, line breaks, HTML and emphasis, keeping `code` as code', () => {
    const row = tableRows(md).find((r) => r[0]!.includes('nginx-keepalive-header-exceeds-timeout'))!
    expect(row[1]).toBe('`/etc/nginx/nginx.conf:10 (in server, listen 80)`')
    expect(row[2]).toBe('Header `keepalive_timeout 30s 120s` \\| says 120 s, but \\<b\\>nginx\\</b\\> closes at 30 s \\& 100% of "clients" wait: a, b<br>second line')
    expect(escapeCell('a `x|y` b')).toBe('a `x\\|y` b')
    expect(escapeCell('unpaired ` tick *bold* _it_ [link](u) ~~s~~ #h !i')).toBe('unpaired \\` tick \\*bold\\* \\_it\\_ \\[link\\](u) \\~\\~s\\~\\~ \\#h \\!i')
    expect(escapeCell('a\r\nb\rc')).toBe('a<br>b<br>c')
    expect(escapeCell('bell\u0007 esc\u001B[0m del\u007F tab\t')).toBe('bell esc\\[0m del tab\t')
  })

  it('truncates long text at a character boundary, preferring a word break', () => {
    expect(truncate('short', 10)).toBe('short')
    const words = truncate('word '.repeat(100), 50)
    expect(words.endsWith('word…')).toBe(true)
    expect(Array.from(words).length).toBeLessThanOrEqual(50)
    const rockets = truncate('🚀'.repeat(400), 300)
    expect(Array.from(rockets)).toHaveLength(300)
    expect(rockets.endsWith('🚀…')).toBe(true)
    const long = renderMarkdown(result([host('h', [finding({ruleId: 'r', severity: 'error', location: {text: 'x'}, message: 'ü'.repeat(2000)})])]), ctx())
    expect(tableRows(long)[0]![2]).toBe(`${'ü'.repeat(299)}…`)
  })

  it('names incomplete hosts and failed rules, and prefixes locations with hosts when there are several', () => {
    const out = renderMarkdown(brokenResult(), ctx())
    expect(out).toContain('**Across 2 hosts**\n\n| rule | severity | hosts | which |\n| --- | --- | --- | --- |\n| `sysctl-tw-recycle-dead-config` | warning | 2/2 | web1, web2 |')
    expect(out.split('\n')[2]).toBe('⛔ **Invalid**: 1 rule failed to run (exit 2) — 2 hosts checked.')
    expect(out).toContain('**Incomplete** on web1 (1 unreadable input):\n- web1: `/etc/nginx/conf.d/bad.conf:2:7`: unexpected "}" \\[31m')
    expect(out).toContain('**Rules that failed to run:**\n- `my-own-rule` on web2: no such key: host.foo')
    expect(tableRows(out).map((r) => r[1])).toEqual(['web1: `/etc/sysctl.conf:1`', 'web2: `/etc/sysctl.conf:1`'])
    // A user's own rule has no documentation page to link.
    const own = renderMarkdown(result([host('h', [finding({ruleId: 'my-own-rule', severity: 'info', location: {text: 'x'}})])]), ctx())
    expect(tableRows(own)[0]![0]).toBe('`my-own-rule`')
  })

  it('says when the audit was incomplete, and when nothing was found', () => {
    const incomplete = renderMarkdown(result([host('h', [], {problems: [{file: 'a.conf', message: 'cannot read'}]})]), ctx())
    expect(incomplete.split('\n')[2]).toBe('⚠️ **Incomplete**: 1 host could not be read in full (exit 3) — 1 host checked.')
    const clean = renderMarkdown(result([host('h', [])]), ctx())
    expect(clean).toBe('### conntune: 0 errors, 0 warnings, 0 info\n\n✅ **Passed**: nothing at or above warning — 1 host checked.\n\nNo findings.\n')
    expect(renderMarkdown(result([], 'none'), ctx([]))).toContain('✅ **Passed** (`--fail-on none`) — 0 hosts checked.')
  })

  it('cuts long tables with a count, to stay within a PR comment', () => {
    const many = Array.from({length: 60}, (_, i) => finding({ruleId: 'r', severity: 'warning', location: {file: 'a.conf', line: i + 1, text: `a.conf:${i + 1}`}}))
    const out = renderMarkdown(result([host('h', many)]), ctx())
    expect(tableRows(out)).toHaveLength(50)
    expect(out).toContain('…and 10 more; the full list is in the SARIF or JSON report.')
  })
})
