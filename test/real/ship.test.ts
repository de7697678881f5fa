// The routes into a user's machine and CI, run for real: `npm pack` of a fresh tree builds on
// "prepare" and gives a tarball that installs into an empty prefix and runs; the GitHub
// Action's own steps (action.yml), run locally with its inputs, install conntune from the
// action's checkout, write valid SARIF and fail on the chosen severity.
import {execFileSync, spawnSync} from 'node:child_process'
import {cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {jest} from '@jest/globals'
import {parse as parseYaml} from 'yaml'
import {describeReal, missingProgram} from './require-real.js'
import {REPO} from '../integration/run-cli.js'
import {sarifErrors} from '../unit/report/sarif-validate.js'

const SHOP = join(REPO, 'test/fixtures/repos/shop')
// Dependencies come from npm's cache when they are there, from the registry otherwise.
const NPM_ENV = {...process.env, npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false'}

let tmp = ''
let tree = ''

/** A fresh tree as a clone has it (tracked and new files, no build output), sharing node_modules. */
function freshTree(): string {
  const dir = join(tmp, 'conntune')
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], {cwd: REPO, encoding: 'utf8'}).split('\0').filter(Boolean)
  for (const f of files) {
    if (!existsSync(join(REPO, f))) continue // deleted in the worktree, not yet committed
    mkdirSync(dirname(join(dir, f)), {recursive: true})
    cpSync(join(REPO, f), join(dir, f), {verbatimSymlinks: true})
  }
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'))
  return dir
}

function run(cmd: string, args: string[], opts: {cwd: string; env?: NodeJS.ProcessEnv}) {
  const r = spawnSync(cmd, args, {encoding: 'utf8', cwd: opts.cwd, env: opts.env ?? NPM_ENV, maxBuffer: 64 << 20, timeout: 300_000})
  return {code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? ''}
}

describeReal('shipping: npm pack, global install, GitHub Action', [missingProgram('npm'), missingProgram('git'), missingProgram('bash')], () => {
  jest.setTimeout(300_000)

  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'conntune-ship-'))
    tree = freshTree()
  })
  afterAll(() => {
    if (tmp) rmSync(tmp, {recursive: true, force: true})
  })

  describe('npm pack of a fresh tree', () => {
    let tarball = ''
    let prefix = ''
    beforeAll(() => {
      const pack = run('npm', ['pack', '--silent', '--pack-destination', tmp], {cwd: tree})
      if (pack.code !== 0) throw new Error(`npm pack failed (${pack.code}): ${pack.stderr.slice(-2000)}`)
      tarball = join(tmp, pack.stdout.trim().split('\n').at(-1)!)
      prefix = join(tmp, 'prefix')
      const inst = run('npm', ['install', '-g', '--prefix', prefix, tarball], {cwd: tmp})
      if (inst.code !== 0) throw new Error(`npm install -g failed (${inst.code}): ${inst.stderr.slice(-2000)}`)
    })

    it('packs what a run needs, built on prepare, and no sources or tests', () => {
      const listed = execFileSync('tar', ['-tzf', tarball], {encoding: 'utf8'}).split('\n')
      for (const f of ['package/bin/run.js', 'package/oclif.manifest.json', 'package/dist/bundle/commands/check.js', 'package/dist/rules.json', 'package/dist/bundle/cli/fast.cjs', 'package/dist/bundle/cli/fast.cjs.cache', 'package/dist/fast-flags.json',
        'package/rules/schema.json', 'package/templates/nginx.conf.eta', 'package/src/snapshot/schema.json', 'package/src/config/schema.json', 'package/src/sources/collector.sh']) {
        expect(listed).toContain(f)
      }
      expect(listed.filter((f) => /\.ts$|^package\/test\//.test(f))).toEqual([])
    })

    it('installs a fast path whose code cache this node takes (bin/fast-load.js)', () => {
      const pkg = join(prefix, 'lib', 'node_modules', 'conntune')
      const code = `import {loadFast} from ${JSON.stringify(join(pkg, 'bin/fast-load.js'))}\nconsole.log(loadFast(${JSON.stringify(join(pkg, 'dist/bundle/cli/fast.cjs'))}).cached)`
      expect(run(process.execPath, ['--input-type=module', '-e', code], {cwd: tmp}).stdout.trim()).toBe('true')
    })

    it('installs into an empty prefix as a `conntune` that checks a repository', () => {
      const bin = join(prefix, 'bin', 'conntune')
      const version = run(bin, ['--version'], {cwd: tmp})
      expect(version.stdout).toMatch(/^conntune\/0\.\d+\.\d+/)
      const r = run(bin, ['check', SHOP, '--format', 'json'], {cwd: tmp})
      expect(r.code).toBe(1)
      const ids = JSON.parse(r.stdout).findings.map((f: {ruleId: string}) => f.ruleId)
      expect(ids).toContain('sysctl-tw-recycle-dead-config')
    })

    it('ships the files read at run time: collector script, snapshot and .conntune.yaml schemas', () => {
      const bin = join(prefix, 'bin', 'conntune')
      expect(run(bin, ['collect', '--script'], {cwd: tmp}).stdout).toMatch(/^# conntune collector: a fixed POSIX sh script/)
      const snap = join(tmp, 'snap.json')
      expect(run(bin, ['collect', '--root', join(REPO, 'test/fixtures/hosts/clean'), '-o', snap], {cwd: tmp}).code).toBe(0)
      expect(run(bin, ['audit', '--snapshot', snap, '--format', 'json'], {cwd: tmp}).code).toBeLessThan(2)
      const proj = join(tmp, 'proj')
      cpSync(SHOP, proj, {recursive: true})
      writeFileSync(join(proj, '.conntune.yaml'), 'role: proxy\nnope: 1\n')
      // An unknown key is refused by the schema shipped in the package (exit 2, not a crash).
      const bad = run(bin, ['check', 'deploy'], {cwd: proj})
      expect({code: bad.code, err: bad.stderr}).toEqual({code: 2, err: expect.stringMatching(/nope/)})
    })
  })

  describe('action.yml, its steps run locally', () => {
    const action = parseYaml(readFileSync(join(REPO, 'action.yml'), 'utf8'))
    type Step = {name?: string; id?: string; uses?: string; run?: string; shell?: string; env?: Record<string, string>; with?: Record<string, string>; if?: string}
    const steps: Step[] = action.runs.steps

    /** Runs every `run:` step the way the runner does (bash -e, env from the step, ${{ }} substituted). */
    function runAction(inputs: Record<string, string>, opts: {installed?: boolean} = {}) {
      const work = mkdtempSync(join(tmp, 'ws-'))
      cpSync(SHOP, work, {recursive: true})
      const prefix = join(tmp, 'action-prefix')
      const vals: Record<string, string> = {'github.action_path': tree, 'runner.temp': tmp}
      for (const [k, v] of Object.entries(action.inputs as Record<string, {default?: string}>)) vals[`inputs.${k}`] = inputs[k] ?? String(v.default ?? '')
      const expr = (s: string) => s.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, e: string) => {
        if (!(e in vals)) throw new Error(`action.yml uses an expression this test does not model: ${e}`)
        return vals[e]
      })
      const outputs: Record<string, string> = {}
      const ran: Array<{step: string; code: number; stdout: string; stderr: string}> = []
      for (const step of steps) {
        if (step.uses) continue
        // Installing is the same for every run: the first test runs it, the others reuse its prefix.
        if (opts.installed && step.name?.startsWith('Install')) continue
        const out = join(work, '.github-output')
        writeFileSync(out, '')
        const env: NodeJS.ProcessEnv = {...NPM_ENV, npm_config_prefix: prefix, PATH: `${join(prefix, 'bin')}:${process.env.PATH}`, GITHUB_OUTPUT: out, NO_COLOR: '1'}
        for (const [k, v] of Object.entries(step.env ?? {})) env[k] = expr(String(v))
        expect(step.shell).toBe('bash')
        const r = run('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run!], {cwd: work, env})
        ran.push({step: step.name ?? step.id ?? '?', ...r})
        for (const line of readFileSync(out, 'utf8').split('\n')) {
          const m = /^([\w-]+)=(.*)$/.exec(line)
          if (m && step.id) vals[`steps.${step.id}.outputs.${m[1]}`] = m[2]
          if (m && step.id) outputs[m[1]] = m[2]
        }
        if (r.code !== 0) break
      }
      return {work, ran, outputs, last: ran.at(-1)!}
    }

    it('sets up node and uploads with the current major versions', () => {
      const uses = steps.filter((s) => s.uses).map((s) => s.uses)
      expect(uses).toEqual(['actions/setup-node@v6', 'github/codeql-action/upload-sarif@v4'])
      const upload = steps.find((s) => s.uses?.includes('upload-sarif'))!
      expect(upload.with).toEqual({sarif_file: '${{ inputs.sarif-file }}', category: '${{ inputs.category }}'})
    })

    it('installs from its checkout, writes valid SARIF and fails on findings at fail-on', () => {
      const r = runAction({paths: 'deploy', 'fail-on': 'warning'})
      const install = r.ran[0]
      r.ran.shift()
      expect({step: install.step, code: install.code, err: install.code === 0 ? '' : install.stderr.slice(-1500)}).toEqual({step: 'Install conntune from the action\'s checkout', code: 0, err: ''})
      expect(r.outputs['exit-code']).toBe('1')
      expect(r.ran[0].stdout).toMatch(/^::warning file=deploy\//m)
      expect(r.last).toMatchObject({step: 'Fail on findings', code: 1})
      const sarif = JSON.parse(readFileSync(join(r.work, 'conntune.sarif'), 'utf8'))
      expect(sarifErrors(sarif)).toEqual([])
      expect(sarif.runs[0].results.length).toBeGreaterThan(0)
    })

    it('passes with fail-on none and splits args on whitespace', () => {
      const r = runAction({paths: 'deploy', 'fail-on': 'none', args: '--skip-unknown  --role proxy', 'sarif-file': 'out.sarif'}, {installed: true})
      expect(r.outputs['exit-code']).toBe('0')
      expect(r.last).toMatchObject({step: 'Fail on findings', code: 0})
      expect(existsSync(join(r.work, 'out.sarif'))).toBe(true)
    })

    it('fails with exit 2 on an invalid invocation', () => {
      const r = runAction({paths: 'deploy', args: '--no-such-flag'}, {installed: true})
      expect(r.outputs['exit-code']).toBe('2')
      expect(r.last).toMatchObject({step: 'Fail on findings', code: 2})
    })
  })
})
