// Inline ignores: a `# conntune: ignore RULE -- reason` comment covers its own line when it
// trails code, else the next line that is neither blank nor a comment; one without a reason
// is not applied and is itself a finding.
import {applyIgnores, IGNORE_WITHOUT_REASON, parseIgnores} from '../../../src/rules/ignores.js'
import type {Finding} from '../../../src/rules/types.js'
import {BOUND, bestOf, measured, timed} from '../perf/best-of.js'

const finding = (ruleId: string, file: string, line: number): Finding => ({ruleId, severity: 'warning', title: 't', host: 'h', location: {file, line, text: `${file}:${line}`}, message: 'm', evidence: {}, fix: null, references: []})

/** Comments as the parsers report them: line, column of the `#`, text after it. */
function commentsOf(file: string, text: string) {
  return text.split('\n').flatMap((l, i) => (l.includes('#') ? [{file, line: i + 1, col: l.indexOf('#') + 1, text: l.slice(l.indexOf('#') + 1)}] : []))
}

describe('inline ignores', () => {
  const conf = [
    'http {', // 1
    '  # conntune: ignore rule-a -- the LB closes first', // 2
    '', // 3
    '  # another comment', // 4
    '  ; a semicolon comment', // 5
    '  keepalive_timeout 5s;', // 6
    '  proxy_read_timeout 1s; # conntune: ignore rule-b, rule-c -- batch jobs', // 7
    '  # conntune: ignore rule-d', // 8
    '  send_timeout 1s;', // 9
    '  # conntune: ignore rule-e -- at the end', // 10
  ].join('\n')
  const ignores = parseIgnores(commentsOf('n.conf', conf), {'n.conf': conf})

  it('covers the next code line past blanks and comments, or its own line when it trails code', () => {
    expect(ignores.map((i) => [i.line, i.target, i.rules, i.reason])).toEqual([
      [2, 6, ['rule-a'], 'the LB closes first'],
      [7, 7, ['rule-b', 'rule-c'], 'batch jobs'],
      [8, 9, ['rule-d'], null],
      // Nothing follows: one past the last line, which no finding names.
      [10, 11, ['rule-e'], 'at the end'],
    ])
  })

  it('suppresses only the named rules on the covered line, and not without a reason', () => {
    const findings = [finding('rule-a', 'n.conf', 6), finding('rule-b', 'n.conf', 6), finding('rule-c', 'n.conf', 7), finding('rule-c', 'other.conf', 7), finding('rule-d', 'n.conf', 9)]
    const {kept, suppressed} = applyIgnores(findings, ignores, 'h')
    expect(suppressed.map((f) => `${f.ruleId}@${f.location.file}:${f.location.line}`)).toEqual(['rule-a@n.conf:6', 'rule-c@n.conf:7'])
    expect(kept.map((f) => f.ruleId)).toEqual(['rule-b', 'rule-c', 'rule-d', IGNORE_WITHOUT_REASON])
  })

  it('costs the same per ignore in a run of 100 000 ignore comments as in a short one', () => {
    // Each ignore of a long run once scanned the rest of the run for the line it covers.
    const run = (n: number) => `${'# conntune: ignore rule-a -- r\n'.repeat(n)}keepalive_timeout 5s;\n`
    const time = (n: number) => {
      const text = run(n)
      const comments = commentsOf('r.conf', text)
      const {ms, value: got} = measured(() => parseIgnores(comments, {'r.conf': text}))
      expect(got.every((i) => i.target === n + 1)).toBe(true)
      return ms
    }
    time(25_000)
    const a = Math.min(time(25_000), time(25_000))
    const b = Math.min(time(100_000), time(100_000))
    expect(b / a).toBeLessThan(8)
  })
})

describe('inline ignores at scale', () => {
  // n ignores above one line holding n servers (nginx takes a whole config on one line): each
  // finding searched every ignore of its line (4 000 → 16 000: 123 ms → 1.9 s).
  it('cost a lookup per finding, however many ignores cover one line', () => {
    const input = (n: number) => ({
      ignores: Array.from({length: n}, (_, i) => ({file: 'f', line: i + 1, target: n + 1, rules: [`rule-${i}`], reason: 'why'})),
      findings: Array.from({length: n}, (_, i) => finding(i === 0 ? 'rule-0' : 'other', 'f', n + 1)),
    })
    // Built once and reused: built afresh for each run, the large case's inputs were still young
    // and a scavenge inside its timing copied them all (1.9 ms → 23 ms).
    const small = input(4_000)
    const large = input(16_000)
    const run = ({ignores, findings}: ReturnType<typeof input>) =>
      timed(() => {
        const {suppressed} = applyIgnores(findings, ignores, 'h')
        if (suppressed.length !== 1) throw new Error('the one covered finding was not suppressed')
      })
    const {a, b} = bestOf('ignores on one line', () => run(small), () => run(large), 9)
    expect(b / a).toBeLessThan(BOUND)
  })
})
