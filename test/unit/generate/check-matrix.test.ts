// Generated output is aligned by construction: `conntune check` (the built CLI, the same rules
// the audit runs) finds nothing in it for every preset × backend kind × nginx version, while
// the same files with one value pushed the wrong way are caught. Run `node scripts/build.js` first.
import {execFile} from 'node:child_process'
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {promisify} from 'node:util'
import {generate} from '../../../src/generate/render.js'
import type {GenerateKind, Profile} from '../../../src/generate/values.js'
import {FRONTEND_PRESETS} from '../../../src/model/frontends.js'
import {BIN, REPO} from '../../integration/run-cli.js'

const run = promisify(execFile)
const PRESETS = [...Object.keys(FRONTEND_PRESETS), 'none']
const KINDS = ['gunicorn', 'uvicorn', 'node'] as const
const VERSIONS = ['1.22.1', '1.30.0']
// No info finding is allowed either: every one that could fire (upstream keep-alive missing,
// sync worker, unresolved backend, tw_reuse on a server) is designed out.
const ALLOWED_INFO: string[] = []

let tmp: string
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'ct-generate-'))
})
afterAll(() => rmSync(tmp, {recursive: true, force: true}))

interface Scenario {
  name: string
  files: Array<{kind: GenerateKind; path: string; profile: Profile}>
  checkArgs: string[]
  /** Extra files (a .conntune.yaml for backends conntune does not generate). */
  extra?: (dir: string, values: Record<string, any>) => void
}

async function materialize(s: Scenario): Promise<string> {
  const dir = join(tmp, s.name)
  const values: Record<string, any> = {}
  for (const f of s.files) {
    const out = await generate(f.kind, f.profile)
    mkdirSync(join(dir, f.path, '..'), {recursive: true})
    writeFileSync(join(dir, f.path), out.text)
    values[f.kind] = out.values
  }
  s.extra?.(dir, values)
  return dir
}

async function check(dir: string, args: string[]): Promise<{code: number; report: any}> {
  const r = await run(process.execPath, [BIN, 'check', dir, ...args, '--format', 'json', '--fail-on', 'info'], {cwd: REPO, env: {...process.env, NO_COLOR: '1'}, maxBuffer: 64 << 20}).then(
    (x) => ({code: 0, stdout: x.stdout, stderr: x.stderr}),
    (e) => ({code: e.code as number, stdout: e.stdout as string, stderr: e.stderr as string}),
  )
  try {
    return {code: r.code, report: JSON.parse(r.stdout)}
  } catch {
    throw new Error(`check ${dir} gave no JSON (exit ${r.code}): ${r.stderr.slice(0, 500)}`)
  }
}

const declareBackend = (dir: string, v: Record<string, any>) => {
  const b = v.nginx.backend
  if (b.kind !== 'gunicorn') writeFileSync(join(dir, '.conntune.yaml'), `backends:\n  - address: "${b.address}"\n    kind: ${b.kind}\n    idleTimeout: ${b.idleTimeout.value}\n`)
}

function stack(behind: string, kind: string, version: string, address = '127.0.0.1:8000', extraProfile: Profile = {}): Scenario {
  const base: Profile = {behind, backend: `${kind}@${address}`, ...extraProfile}
  return {
    name: `stack-${behind}-${kind}-${version}-${address.replace(/\W/g, '_')}-${Object.keys(extraProfile).join('_')}`,
    files: [
      {kind: 'nginx', path: 'nginx/app.conf', profile: {...base, nginxVersion: version}},
      {kind: 'sysctl', path: 'sysctl.d/60-conntune.conf', profile: base},
      ...(kind === 'gunicorn' ? [{kind: 'gunicorn' as const, path: 'gunicorn.conf.py', profile: {...base, role: 'proxy' as const}}] : []),
    ],
    checkArgs: [...(behind === 'none' ? [] : ['--behind', behind]), '--nginx-version', version, ...(extraProfile.natIdleTimeout ? ['--nat-idle-timeout', String(extraProfile.natIdleTimeout)] : [])],
    extra: declareBackend,
  }
}

const SCENARIOS: Scenario[] = [
  ...PRESETS.flatMap((p) => KINDS.flatMap((k) => VERSIONS.map((v) => stack(p, k, v)))),
  ...VERSIONS.map((v) => stack('aws-alb', 'gunicorn', v, 'unix:/run/app.sock')),
  stack('gcp-lb', 'node', '1.22.1', '[::1]:3000', {backendIdleTimeout: 65}),
  // --websocket (the upgrade map) and --real-ip-from keep the stack clean on both sides of 1.29.7.
  ...VERSIONS.map((v) => stack('aws-alb', 'gunicorn', v, 'unix:/run/app.sock', {websocket: true, realIpFrom: ['10.0.0.0/16']})),
  ...VERSIONS.map((v) => stack('gcp-lb', 'gunicorn', v, '127.0.0.1:8000', {websocket: true})),
  stack('aws-alb', 'uvicorn', '1.30.0', '127.0.0.1:8000', {natIdleTimeout: 200}),
  // gunicorn facing the balancer itself (no nginx), and not told which (safe for both).
  ...PRESETS.flatMap((p) => (['server', undefined] as const).map((role) => ({
    name: `gunicorn-${p}-${role ?? 'either'}`,
    files: [
      {kind: 'gunicorn' as const, path: 'gunicorn.conf.py', profile: {behind: p, role}},
      {kind: 'sysctl' as const, path: 'sysctl.d/60-conntune.conf', profile: {behind: p, role: 'server' as const}},
    ],
    checkArgs: [...(p === 'none' ? [] : ['--behind', p]), '--role', 'server'],
  }))),
  ...PRESETS.map((p) => ({
    name: `lighttpd-${p}`,
    files: [
      {kind: 'lighttpd' as const, path: 'lighttpd/lighttpd.conf', profile: {behind: p}},
      {kind: 'sysctl' as const, path: 'sysctl.d/60-conntune.conf', profile: {behind: p}},
    ],
    checkArgs: p === 'none' ? [] : ['--behind', p],
  })),
  {
    name: 'custom-lb-idle',
    files: [
      {kind: 'nginx', path: 'nginx/app.conf', profile: {lbIdleTimeout: 120, nginxVersion: '1.22.1'}},
      {kind: 'gunicorn', path: 'gunicorn.conf.py', profile: {lbIdleTimeout: 120, role: 'proxy'}},
      {kind: 'lighttpd', path: 'lighttpd/lighttpd.conf', profile: {lbIdleTimeout: 120, listen: '8081'}},
      {kind: 'sysctl', path: 'sysctl.d/60-conntune.conf', profile: {lbIdleTimeout: 120, role: 'proxy'}},
    ],
    checkArgs: ['--lb-idle-timeout', '120', '--nginx-version', '1.22.1'],
  },
]

/** Run `fn` over items, at most `n` at a time. */
async function pool<T, R>(items: T[], n: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length)
  let next = 0
  await Promise.all(Array.from({length: n}, async () => {
    while (next < items.length) {
      const i = next++
      out[i] = await fn(items[i])
    }
  }))
  return out
}

describe('conntune check finds nothing in generated configs', () => {
  let results: Array<{name: string; code: number; report: any}>
  beforeAll(async () => {
    results = await pool(SCENARIOS, 8, async (s) => ({name: s.name, ...(await check(await materialize(s), s.checkArgs))}))
  }, 240_000)

  it(`covers ${SCENARIOS.length} profiles, every preset × backend kind × nginx version among them`, () => {
    expect(results.map((r) => r.name)).toEqual(SCENARIOS.map((s) => s.name))
    expect(results.filter((r) => r.name.startsWith('stack-')).length).toBe(PRESETS.length * KINDS.length * VERSIONS.length + 8)
  })

  it('no warning or error, no info beyond the allowed ones, every file read and parsed', () => {
    const bad = results.flatMap((r) => r.report.findings.filter((f: any) => !(f.severity === 'info' && ALLOWED_INFO.includes(f.ruleId))).map((f: any) => `${r.name}: ${f.severity} ${f.ruleId} ${f.location.text}: ${f.message}`))
    expect(bad).toEqual([])
    const problems = results.flatMap((r) => (r.report.hosts[0].problems ?? []).map((p: any) => `${r.name}: ${JSON.stringify(p)}`))
    expect(problems).toEqual([])
    expect(results.filter((r) => r.code !== 0).map((r) => `${r.name}: exit ${r.code}`)).toEqual([])
  })

  it('the roles check infers match the roles the sysctl files were generated for', () => {
    for (const r of results) {
      // A unix-socket backend makes no outgoing TCP connection: a server, for the kernel.
      if ((r.name.startsWith('stack-') && !r.name.includes('unix_')) || r.name === 'custom-lb-idle') expect([r.name, r.report.hosts[0].role]).toEqual([r.name, 'proxy'])
      else expect([r.name, r.report.hosts[0].role]).toEqual([r.name, 'server'])
    }
  })
})

describe('the same check catches each value pushed the wrong way (the matrix above is not vacuous)', () => {
  const mutate = (dir: string, path: string, from: RegExp, to: string) => {
    const p = join(dir, path)
    const text = readFileSync(p, 'utf8')
    expect(text).toMatch(from)
    writeFileSync(p, text.replace(from, to))
  }
  const ruleIds = (r: any) => r.report.findings.map((f: any) => `${f.severity} ${f.ruleId}`).sort()

  it('gunicorn keepalive at nginx\'s pool timeout: hop-backend-idle-shorter (1.22.1), upgrade warning (1.30.0)', async () => {
    for (const [v, want] of [['1.22.1', 'error hop-backend-idle-shorter'], ['1.30.0', 'warning hop-nginx-upgrade-enables-keepalive']]) {
      const s = stack('aws-alb', 'gunicorn', v)
      const dir = await materialize({...s, name: `mut-gunicorn-${v}`})
      mutate(dir, 'gunicorn.conf.py', /^keepalive = 65$/m, 'keepalive = 60')
      expect(ruleIds(await check(dir, s.checkArgs))).toEqual([want])
    }
  })
  it('a declared uvicorn that keeps idle connections no longer than nginx\'s pool', async () => {
    const s = stack('heroku', 'uvicorn', '1.22.1')
    const dir = await materialize({...s, name: 'mut-uvicorn'})
    mutate(dir, '.conntune.yaml', /idleTimeout: 5/, 'idleTimeout: 4')
    expect(ruleIds(await check(dir, s.checkArgs))).toEqual(['error hop-backend-idle-shorter'])
  })
  it('nginx client keepalive_timeout at the balancer\'s idle timeout', async () => {
    const s = stack('gcp-lb', 'gunicorn', '1.30.0')
    const dir = await materialize({...s, name: 'mut-nginx-client'})
    mutate(dir, 'nginx/app.conf', /keepalive_timeout 620s;/, 'keepalive_timeout 600s;')
    expect(ruleIds(await check(dir, s.checkArgs))).toEqual(['error nginx-keepalive-below-frontend'])
  })
  it('the Connection "" line dropped before 1.29.7', async () => {
    const s = stack('none', 'node', '1.22.1')
    const dir = await materialize({...s, name: 'mut-connection'})
    mutate(dir, 'nginx/app.conf', /^\s+proxy_set_header Connection "";\n/m, '')
    expect(ruleIds(await check(dir, s.checkArgs))).toEqual(['error nginx-upstream-keepalive-connection-close'])
  })
  it('TCP keepalive left at 7200 s behind aws-nlb; lighttpd and direct gunicorn at the balancer\'s idle', async () => {
    const s = stack('aws-nlb', 'gunicorn', '1.22.1')
    const dir = await materialize({...s, name: 'mut-keepalive-time'})
    mutate(dir, 'sysctl.d/60-conntune.conf', /^net\.ipv4\.tcp_keepalive_time = 290$/m, 'net.ipv4.tcp_keepalive_time = 7200')
    // Kernel keepalive applies only to sockets with SO_KEEPALIVE: nginx sets it with so_keepalive=on.
    mutate(dir, 'nginx/app.conf', /(\blisten [^;]+);/, '$1 so_keepalive=on;')
    expect(ruleIds(await check(dir, s.checkArgs))).toEqual(['warning sysctl-keepalive-exceeds-idle-timeout'])

    const l = await materialize({name: 'mut-lighttpd', files: [{kind: 'lighttpd', path: 'lighttpd/lighttpd.conf', profile: {behind: 'oci-lb'}}, {kind: 'sysctl', path: 'sysctl.d/60.conf', profile: {behind: 'oci-lb'}}], checkArgs: []})
    mutate(l, 'lighttpd/lighttpd.conf', /max-keep-alive-idle = 310/, 'max-keep-alive-idle = 300')
    expect(ruleIds(await check(l, ['--behind', 'oci-lb']))).toEqual(['error lighttpd-keepalive-below-frontend'])

    const g = await materialize({name: 'mut-gunicorn-direct', files: [{kind: 'gunicorn', path: 'gunicorn.conf.py', profile: {behind: 'heroku', role: 'server'}}], checkArgs: []})
    mutate(g, 'gunicorn.conf.py', /^keepalive = 95$/m, 'keepalive = 90')
    expect(ruleIds(await check(g, ['--behind', 'heroku', '--role', 'server']))).toEqual(['error gunicorn-keepalive-below-frontend'])
  })
})
