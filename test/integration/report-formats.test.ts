// The CI formats end to end: `check` on the shop repo and `audit --root` on every fixture
// host, in each format — SARIF validated against the OASIS schema and pointing at files that
// exist, JUnit parsed back and matched against the JSON report — and several formats in one run.
import {existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {githubErrors, sarifErrors} from '../unit/report/sarif-validate.js'
import {child, findAll, parseXml} from '../unit/report/xml-reader.js'
import {HOSTS, REPO, conntune, expectOneLineError, json, type CliResult} from './run-cli.js'

const SHOP = 'test/fixtures/repos/shop'
const HOST_NAMES = readdirSync(HOSTS).filter((n) => statSync(join(HOSTS, n)).isDirectory()).sort()
const RANK: Record<string, number> = {error: 3, warning: 2, info: 1}

let tmp: string
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'ct-formats-'))
})
afterAll(() => rmSync(tmp, {recursive: true, force: true}))

function ok(r: CliResult, code: number): string {
  expect({code: r.code, stderr: r.stderr}).toEqual({code, stderr: ''})
  return r.stdout
}

/** SARIF checked against the schema and against the JSON report of the same run. */
function checkSarif(text: string, report: any): any {
  const doc = JSON.parse(text)
  expect(sarifErrors(doc)).toEqual([])
  expect(githubErrors(doc)).toEqual([])
  const run = doc.runs[0]
  expect(run.results.map((r: any) => r.ruleId)).toEqual(report.findings.map((f: any) => f.ruleId))
  expect(run.results.map((r: any) => r.partialFingerprints['conntune/v1'])).toEqual(report.findings.map((f: any) => f.fingerprint))
  for (const r of run.results) expect(run.tool.driver.rules[r.ruleIndex].id).toBe(r.ruleId)
  expect(run.invocations[0].exitCode).toBe(report.exitCode)
  return doc
}

/** JUnit parsed back: one failing case per (rule, place) at or above --fail-on, as the JSON report says. */
function checkJunit(text: string, report: any): void {
  const root = parseXml(text)
  const failOn = report.failOn
  const failing = new Set(
    report.findings.filter((f: any) => failOn !== 'none' && RANK[f.severity]! >= RANK[failOn]!).map((f: any) => `${f.ruleId} @ ${f.location.file ?? f.host}`),
  )
  const cases = findAll(root, 'testcase')
  expect(new Set(cases.filter((c) => child(c, 'failure')).map((c) => `${c.attrs.classname} @ ${c.attrs.name}`))).toEqual(failing)
  expect(Number(root.attrs.failures)).toBe(failing.size)
  expect(Number(root.attrs.tests)).toBe(cases.length)
  expect(Number(root.attrs.errors)).toBe(cases.filter((c) => child(c, 'error')).length)
  expect(findAll(root, 'testsuite').map((s) => s.attrs.name)).toEqual(report.hosts.map((h: any) => h.name))
  // Every rule that ran appears on every host.
  for (const suite of findAll(root, 'testsuite')) {
    const names = new Set(findAll(suite, 'testcase').map((c) => c.attrs.classname))
    for (const id of ['sysctl-tw-recycle-enabled', 'nginx-keepalive-disabled', 'hop-backend-idle-shorter']) expect(names.has(id)).toBe(true)
  }
}

describe.each(HOST_NAMES)('audit --root fixture host %s', (name) => {
  const args = ['audit', '--root', join(HOSTS, name), '--role', 'proxy']
  let report: any
  const single: Record<string, string> = {}

  beforeAll(() => {
    report = json(conntune([...args, '--format', 'json']))
    for (const f of ['sarif', 'junit', 'markdown', 'github']) single[f] = ok(conntune([...args, '--format', f]), report.exitCode)
  })

  it('sarif: valid, one result per finding', () => {
    const doc = checkSarif(single.sarif!, report)
    // Host paths are outside the working directory: under conntune/HOST/, as code scanning needs.
    for (const r of doc.runs[0].results) {
      const art = r.locations[0].physicalLocation.artifactLocation
      expect(art.uri).toMatch(new RegExp(`^conntune/${encodeURIComponent(r.properties.host)}/(etc|srv|usr|lib|run|proc/sys|sockets)(/|$)`))
    }
  })

  it('junit: parses back with the right counts', () => {
    checkJunit(single.junit!, report)
  })

  it('markdown and github: a line per finding', () => {
    const md = single.markdown!
    expect(md.split('\n')[0]).toBe(`### conntune: ${report.summary.error} error${report.summary.error === 1 ? '' : 's'}, ${report.summary.warning} warning${report.summary.warning === 1 ? '' : 's'}, ${report.summary.info} info`)
    for (const f of report.findings) expect(md).toContain(`[\`${f.ruleId}\`](https://github.com/conntune/conntune/blob/main/docs/rules/${f.ruleId}.md)`)
    const gh = single.github!
    const lines = gh === '' ? [] : gh.trimEnd().split('\n')
    expect(lines.map((l) => /^::(error|warning|notice) .*title=([^,:]+)::/.exec(l)?.slice(1, 3).join(' '))).toEqual(
      report.findings.map((f: any) => `${{error: 'error', warning: 'warning', info: 'notice'}[f.severity as string]} ${f.ruleId}`),
    )
  })

  it('all four in one run (three files, one to stdout), the same as one by one', () => {
    const dir = mkdtempSync(join(tmp, `${name}-`))
    const out = ok(
      conntune([...args, '-f', 'sarif', '-o', join(dir, 'r.sarif'), '--format', 'junit', '--output', join(dir, 'r.xml'), '--format=markdown', `--output=${join(dir, 'r.md')}`, '-f', 'github']),
      report.exitCode,
    )
    expect(out).toBe(single.github)
    expect(readFileSync(join(dir, 'r.sarif'), 'utf8')).toBe(single.sarif)
    expect(readFileSync(join(dir, 'r.xml'), 'utf8')).toBe(single.junit)
    expect(readFileSync(join(dir, 'r.md'), 'utf8')).toBe(single.markdown)
    expect(readdirSync(dir).sort()).toEqual(['r.md', 'r.sarif', 'r.xml'])
  })
})

describe('check on a repository, in CI formats', () => {
  const args = ['check', SHOP, '--nginx-version', '1.24.0']
  let report: any
  beforeAll(() => {
    report = json(conntune([...args, '--format', 'json']))
    expect(report.exitCode).toBe(1)
  })

  it('SARIF is valid, relative to the checkout, and every location resolves to a real line', () => {
    const doc = checkSarif(ok(conntune([...args, '--format', 'sarif']), 1), report)
    const run = doc.runs[0]
    const root = run.originalUriBaseIds['%SRCROOT%'].uri
    expect(fileURLToPath(root)).toBe(REPO)
    for (const r of run.results) {
      const {artifactLocation, region} = r.locations[0].physicalLocation
      expect(artifactLocation.uriBaseId).toBe('%SRCROOT%')
      expect(artifactLocation.uri.startsWith(`${SHOP}/`)).toBe(true)
      const file = fileURLToPath(new URL(artifactLocation.uri, root))
      expect(existsSync(file)).toBe(true)
      expect(region.startLine).toBeLessThanOrEqual(readFileSync(file, 'utf8').split('\n').length)
    }
    const dead = run.results.find((r: any) => r.ruleId === 'sysctl-tw-recycle-dead-config')
    expect(dead.fixes[0].artifactChanges[0]).toEqual({
      artifactLocation: {uri: `${SHOP}/deploy/sysctl.d/99-tuning.conf`, uriBaseId: '%SRCROOT%'},
      replacements: [{deletedRegion: {startLine: 3, startColumn: 1, endLine: 4, endColumn: 1}}],
    })
    const meta = run.results.find((r: any) => r.ruleId === 'conntune-ignore-without-reason')
    expect(run.tool.driver.rules[meta.ruleIndex].shortDescription.text).toBe('An inline ignore gives no reason')
  })

  it('JUnit parses back; --fail-on error turns the warnings into notes', () => {
    checkJunit(ok(conntune([...args, '--format', 'junit']), 1), report)
    const lenient = json(conntune([...args, '--format', 'json', '--fail-on', 'error']))
    const xml = ok(conntune([...args, '--format', 'junit', '--fail-on', 'error']), lenient.exitCode)
    checkJunit(xml, lenient)
    expect(parseXml(xml).attrs.failures).toBe('0')
    expect(findAll(parseXml(xml), 'system-out').length).toBeGreaterThan(0)
  })

  it('annotations point at repository paths', () => {
    const gh = ok(conntune([...args, '--format', 'github']), 1)
    expect(gh).toContain(`::warning file=${SHOP}/deploy/sysctl.d/99-tuning.conf,line=3,col=1,title=sysctl-tw-recycle-dead-config::`)
    expect(gh.trimEnd().split('\n')).toHaveLength(report.findings.length)
  })

  it('takes --format before the paths without eating them', () => {
    const r = conntune(['check', '-f', 'sarif', '--output', join(tmp, 'before.sarif'), SHOP, '--nginx-version', '1.24.0'])
    expect(ok(r, 1)).toBe('')
    checkSarif(readFileSync(join(tmp, 'before.sarif'), 'utf8'), report)
  })

  it('with --json, prints the JSON report and still writes the files', () => {
    const file = join(tmp, 'with-json.xml')
    const r = conntune([...args, '--json', '--format', 'junit', '--output', file])
    expect(json(r)).toEqual(report)
    checkJunit(readFileSync(file, 'utf8'), report)
  })

  it('writes the default text to a lone --output, and a format given without one to stdout', () => {
    const file = join(tmp, 'plain.txt')
    expect(ok(conntune([...args, '-o', file]), 1)).toBe('')
    expect(readFileSync(file, 'utf8')).toBe(conntune(args).stdout)
    const sarifFile = join(tmp, 'mixed.sarif')
    const out = ok(conntune([...args, '--format', 'text', '--format', 'sarif', '--output', sarifFile]), 1)
    expect(out).toBe(conntune(args).stdout)
    checkSarif(readFileSync(sarifFile, 'utf8'), report)
  })

  it('refuses unpaired outputs, two formats on stdout and unknown formats, exit 2, writing nothing', () => {
    const a = join(tmp, 'never-a.sarif')
    const b = join(tmp, 'never-b.sarif')
    expectOneLineError(conntune([...args, '--format', 'sarif', '--output', a, '--output', b]), 2, /^conntune: --output .*never-b\.sarif has no --format to write/)
    expectOneLineError(conntune([...args, '--format', 'sarif', '--format', 'junit']), 2, /^conntune: --format sarif and --format junit would all go to stdout/)
    expect(existsSync(a) || existsSync(b)).toBe(false)
    const bad = conntune([...args, '--format', 'yaml'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/Expected --format=yaml to be one of: text, json, sarif, junit,/)
  })

  it('says which file it cannot write, and leaves no partial file', () => {
    const dir = join(tmp, 'no-such-dir')
    expectOneLineError(conntune([...args, '--format', 'sarif', '--output', join(dir, 'r.sarif')]), 2, /no-such-dir\/r\.sarif: cannot write: ENOENT/)
    expect(existsSync(dir)).toBe(false)
  })
})
