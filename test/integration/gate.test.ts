// conntune as a CI gate: baselines that survive line shifts, the exit-code matrix, and the
// pre-commit hook as pre-commit would run it.
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {parse} from 'yaml'
import {REPO, conntune, expectOneLineError, json} from './run-cli.js'

let repo: string
const conf = () => join(repo, 'nginx/nginx.conf')
const NGINX = (prefix = '') =>
  `${prefix}events {}\nhttp {\n    keepalive_timeout 30s 120s;\n    keepalive_requests 20;\n    server { listen 80; }\n}\n`
beforeEach(() => {
  repo = mkdtempSync(join(tmpdir(), 'ct-gate-'))
  mkdirSync(join(repo, 'nginx'))
  writeFileSync(conf(), NGINX())
})
afterEach(() => rmSync(repo, {recursive: true, force: true}))

const check = (...extra: string[]) => conntune(['check', join(repo, 'nginx'), ...extra])

describe('baselines', () => {
  it('accept today\'s findings, survive shifted lines, and report a changed value or a new finding', () => {
    const base = join(repo, 'baseline.json')
    const w = check('--write-baseline', base)
    expect(w.code).toBe(0)
    expect(w.stderr).toMatch(/wrote 2 findings to the baseline/)
    expect(JSON.parse(readFileSync(base, 'utf8'))).toMatchObject({format: 'conntune-baseline', version: 1, findings: [{ruleId: 'nginx-keepalive-header-exceeds-timeout'}, {ruleId: 'nginx-keepalive-requests-low'}]})

    // Nothing new: exit 0, both accepted.
    let r = check('--baseline', base, '--format', 'json')
    expect(r.code).toBe(0)
    expect(json(r)).toMatchObject({findings: [], baseline: {accepted: 2, gone: []}})

    // Lines move: still the same findings.
    writeFileSync(conf(), NGINX('# a comment\n# and another\n\n'))
    r = check('--baseline', base, '--format', 'json')
    expect(json(r)).toMatchObject({findings: [], baseline: {accepted: 2}})

    // A value changes: that finding is new again.
    writeFileSync(conf(), NGINX().replace('keepalive_requests 20;', 'keepalive_requests 10;'))
    r = check('--baseline', base, '--format', 'json')
    expect(r.code).toBe(0) // info is below the default --fail-on warning
    expect(json(r).findings.map((f: any) => f.ruleId)).toEqual(['nginx-keepalive-requests-low'])
    expect(check('--baseline', base, '--fail-on', 'info').code).toBe(1)

    // A finding is fixed: the baseline says so.
    writeFileSync(conf(), NGINX().replace('keepalive_timeout 30s 120s;', 'keepalive_timeout 30s;'))
    r = check('--baseline', base, '--format', 'json')
    expect(json(r).baseline.gone.map((g: any) => g.ruleId)).toEqual(['nginx-keepalive-header-exceeds-timeout'])
    expect(check('--baseline', base).stdout).toMatch(/1 no longer found \(fixed/)
  })

  it('are refused when corrupt or from elsewhere, with one line', () => {
    const bad = join(repo, 'bad.json')
    writeFileSync(bad, '{"findings": []}')
    expectOneLineError(check('--baseline', bad), 2, /bad\.json: not a conntune baseline/)
    writeFileSync(bad, '{nope')
    expectOneLineError(check('--baseline', bad), 2, /bad\.json: not a conntune baseline: invalid JSON/)
    expectOneLineError(check('--baseline', join(repo, 'missing.json')), 2, /missing\.json: cannot read baseline: ENOENT/)
  })
})

describe('exit codes', () => {
  // warning: header-exceeds-timeout; info: requests-low. Each row: config, --fail-on, extra flags → code.
  const WARN_AND_INFO = NGINX()
  const INFO_ONLY = NGINX().replace(' 120s', '')
  const CLEAN = 'events {}\nhttp { server { listen 80; } }\n'
  const BROKEN = 'events {}\nhttp { server { listen 80;\n'
  const cases: Array<[string, string, string, string[], number]> = [
    ['warning+info', WARN_AND_INFO, 'warning', [], 1],
    ['warning+info', WARN_AND_INFO, 'error', [], 0],
    ['warning+info', WARN_AND_INFO, 'info', [], 1],
    ['warning+info', WARN_AND_INFO, 'none', [], 0],
    ['info only', INFO_ONLY, 'warning', [], 0],
    ['info only', INFO_ONLY, 'info', [], 1],
    ['clean', CLEAN, 'info', [], 0],
    ['unparseable', BROKEN, 'warning', [], 3],
    ['unparseable', BROKEN, 'none', [], 3],
  ]
  it.each(cases.map(([name, text, failOn, extra, code]) => ({title: `${name} with --fail-on ${failOn} ${extra.join(' ')}→ exit ${code}`, text, failOn, extra, code})))('$title', ({text, failOn, extra, code}) => {
    writeFileSync(conf(), text)
    expect(check('--fail-on', failOn, ...extra).code).toBe(code)
  })

  it('findings win over an incomplete input; a baseline turns accepted findings back to 0', () => {
    writeFileSync(conf(), WARN_AND_INFO)
    writeFileSync(join(repo, 'nginx/broken.conf'), 'server {\n')
    expect(check('--fail-on', 'warning').code).toBe(1)
    const base = join(repo, 'b.json')
    check('--write-baseline', base)
    expect(check('--baseline', base, '--fail-on', 'warning').code).toBe(3)
    rmSync(join(repo, 'nginx/broken.conf'))
    expect(check('--baseline', base, '--fail-on', 'info').code).toBe(0)
  })

  it('an invalid invocation is 2, before any file is read', () => {
    expectOneLineError(check('--format', 'sarif', '--output', join(repo, 'a'), '--output', join(repo, 'b')), 2, /output/)
    expect(check('--fail-on', 'fatal').code).toBe(2)
  })
})

describe('the pre-commit hook', () => {
  it('runs its entry on the changed files pre-commit would pass, skipping what it cannot tell', () => {
    const [hook] = parse(readFileSync(join(REPO, '.pre-commit-hooks.yaml'), 'utf8'))
    expect(hook).toMatchObject({id: 'conntune-check', language: 'node', pass_filenames: true})
    const files = new RegExp(hook.files)
    writeFileSync(join(repo, 'app.service'), '[Service]\nExecStart=/usr/bin/redis-server\n')
    writeFileSync(join(repo, 'notes.conf'), 'not = a known kind at all {\n')
    const changed = [conf(), join(repo, 'app.service'), join(repo, 'notes.conf'), join(repo, 'README.md')].filter((f) => files.test(f))
    expect(changed).toHaveLength(3)
    const [, ...args] = hook.entry.split(' ')
    const r = conntune([...args, ...changed])
    expect(r.code).toBe(1) // the nginx warning fails the commit
    expect(r.stdout).toContain('nginx-keepalive-header-exceeds-timeout')
    writeFileSync(conf(), INFO_ONLY_FOR_HOOK)
    expect(conntune([...args, ...changed]).code).toBe(0)
  })
})

const INFO_ONLY_FOR_HOOK = 'events {}\nhttp { server { listen 80; } }\n'
