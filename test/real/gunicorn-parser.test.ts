// The static reader against the real gunicorn: for literal-only configs (no side effects),
// `gunicorn --print-config` must print the same effective values conntune computes, with
// the environment, GUNICORN_CMD_ARGS and command-line flags layered on top.
import {spawnSync} from 'node:child_process'
import fs from 'node:fs'
import fc from 'fast-check'
import os from 'node:os'
import path from 'node:path'
import {describeReal, missingProgram} from './require-real.js'
import {parseGunicornConfPy} from '../../src/parsers/gunicorn/conf-py.js'
import {resolveGunicorn} from '../../src/parsers/gunicorn/settings.js'
import {settingsFor, HOOK} from '../../src/parsers/gunicorn/settings-table.js'
import {printConfigText} from '../../src/parsers/gunicorn/validators.js'
import {pyRepr} from '../../src/parsers/gunicorn/py-values.js'

const FIX = path.resolve('test/fixtures/gunicorn/conf')
const LITERAL = fs.readdirSync(FIX).filter((f) => f.startsWith('literal-')).sort()
const KEYS = ['bind', 'workers', 'worker_class', 'threads', 'keepalive', 'timeout', 'graceful_timeout', 'backlog']
const ENV_VARS = ['PORT', 'WEB_CONCURRENCY', 'FORWARDED_ALLOW_IPS', 'GUNICORN_CMD_ARGS']

function gunicornVersion(): string {
  const r = spawnSync('gunicorn', ['--version'], {encoding: 'utf8'})
  return /version ([\d.]+)/.exec(r.stdout + r.stderr)?.[1] ?? 'unknown'
}

describeReal('gunicorn parser vs gunicorn --print-config', [missingProgram('gunicorn')], () => {
  let tmp: string
  let version: string

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'conntune-gunicorn-'))
    // --print-config imports the app after printing; give it a harmless one.
    fs.writeFileSync(path.join(tmp, 'probeapp.py'), 'def app(environ, start_response):\n    start_response("200 OK", [])\n    return [b""]\n')
    fs.mkdirSync(path.join(tmp, 'conf'))
    version = gunicornVersion()
  })

  afterAll(() => {
    fs.rmSync(tmp, {recursive: true, force: true})
  })

  function printConfig(args: string[], env: Record<string, string>, cwd = tmp): Record<string, string> {
    const base: Record<string, string> = {}
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !ENV_VARS.includes(k)) base[k] = v
    const r = spawnSync('gunicorn', ['--print-config', ...args], {cwd, env: {...base, ...env, PYTHONPATH: tmp, PYTHONDONTWRITEBYTECODE: '1'}, encoding: 'utf8', timeout: 30_000})
    if (r.status !== 0) throw new Error(`gunicorn --print-config ${args.join(' ')} failed (${r.status}): ${r.stderr}`)
    const out: Record<string, string> = {}
    for (const line of r.stdout.split('\n')) {
      const m = /^(\w+)\s+= (.*)$/.exec(line)
      if (m) out[m[1]] = m[2]
    }
    return out
  }

  function ours(args: string[], env: Record<string, string>, configPath?: string, cwd = tmp): Record<string, string> {
    const envEntries = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, {value: v, file: 'env', line: 1}]))
    const configFile = configPath ? {path: configPath, text: fs.readFileSync(configPath, 'utf8')} : undefined
    const r = resolveGunicorn({argv: {words: ['--print-config', ...args], file: 'argv', line: 1}, env: envEntries, cwd, version, ...(configFile ? {configFile} : {})})
    expect(r.errors.map(String)).toEqual([])
    expect(r.value.unresolved).toEqual([])
    return Object.fromEntries(KEYS.map((k) => [k, printConfigText(r.value.settings[k].value)]))
  }

  const pick = (m: Record<string, string>) => Object.fromEntries(KEYS.map((k) => [k, m[k]]))

  it.each(LITERAL)('%s: same values as gunicorn', (name) => {
    const file = path.join(FIX, name)
    const args = ['-c', file, 'probeapp:app']
    expect(ours(args, {}, file)).toEqual(pick(printConfig(args, {})))
  })

  it.each(LITERAL)('%s: GUNICORN_CMD_ARGS over the file, the command line over both', (name) => {
    const file = path.join(FIX, name)
    const env = {GUNICORN_CMD_ARGS: '--timeout 77 --keep-alive=33 -b 0.0.0.0:7001 --threads 2'}
    const args = ['-c', file, '-w', '9', '--keep-alive', '44', '-k', 'gthread', 'probeapp:app']
    const real = pick(printConfig(args, env))
    expect(real).toMatchObject({timeout: '77', keepalive: '44', workers: '9', bind: "['0.0.0.0:7001']", threads: '2', worker_class: 'gthread'})
    expect(ours(args, env, file)).toEqual(real)
  })

  it('environment defaults: WEB_CONCURRENCY and PORT, replaced by the file and flags', () => {
    const empty = path.join(tmp, 'conf', 'empty.py')
    fs.writeFileSync(empty, '# nothing set here\n')
    const env = {WEB_CONCURRENCY: '5', PORT: '6000'}
    const args = ['-c', empty, 'probeapp:app']
    const real = pick(printConfig(args, env))
    expect(real).toMatchObject({workers: '5', bind: "['0.0.0.0:6000']"})
    expect(ours(args, env, empty)).toEqual(real)
    const file = path.join(FIX, 'literal-basic.gunicorn.conf.py')
    expect(ours(['-c', file, 'probeapp:app'], env, file)).toEqual(pick(printConfig(['-c', file, 'probeapp:app'], env)))
  })

  it('-c from GUNICORN_CMD_ARGS, relative to the working directory', () => {
    fs.copyFileSync(path.join(FIX, 'literal-heroku.gunicorn.conf.py'), path.join(tmp, 'conf', 'heroku.py'))
    const env = {GUNICORN_CMD_ARGS: '-c conf/heroku.py --graceful-timeout 11'}
    const real = pick(printConfig(['probeapp:app'], env))
    expect(real).toMatchObject({keepalive: '95', graceful_timeout: '11'})
    const r = resolveGunicorn({argv: {words: ['probeapp:app'], file: 'a', line: 1}, env: {GUNICORN_CMD_ARGS: {value: env.GUNICORN_CMD_ARGS, file: 'e', line: 1}}, cwd: tmp, version,
      configFile: {path: path.join(tmp, 'conf', 'heroku.py'), text: fs.readFileSync(path.join(tmp, 'conf', 'heroku.py'), 'utf8')}})
    expect(r.value.configFile).toEqual({path: path.join(tmp, 'conf', 'heroku.py'), from: 'cmd_args', loaded: true})
    expect(Object.fromEntries(KEYS.map((k) => [k, printConfigText(r.value.settings[k].value)]))).toEqual(real)
  })

  it('the default ./gunicorn.conf.py of the working directory', () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'cwd-'))
    fs.copyFileSync(path.join(FIX, 'literal-behind-alb.gunicorn.conf.py'), path.join(dir, 'gunicorn.conf.py'))
    const real = pick(printConfig(['probeapp:app'], {}, dir))
    expect(real.keepalive).toBe('65')
    expect(ours(['probeapp:app'], {}, path.join(dir, 'gunicorn.conf.py'), dir)).toEqual(real)
  })

  it('argv forms: abbreviations, bundled short flags, -w4, --flag=value, repeated -b', () => {
    const args = ['--keep=7', '-w4', '-b', 'a:1', '--bind=b:2', '--grace', '12', '--back', '64', '--threads=3', 'probeapp:app']
    const real = pick(printConfig(args, {}))
    expect(real).toMatchObject({keepalive: '7', workers: '4', bind: "['a:1', 'b:2']", graceful_timeout: '12', backlog: '64', threads: '3'})
    expect(ours(args, {})).toEqual(real)
  })

  it("matches the installed gunicorn's KNOWN_SETTINGS (flags, actions, types, defaults)", () => {
    const r = spawnSync('/usr/bin/python3', [path.resolve('test/fixtures/gunicorn/dump-settings.py')], {cwd: tmp, encoding: 'utf8', env: {PATH: process.env.PATH ?? '', PYTHONDONTWRITEBYTECODE: '1'}})
    expect(r.status).toBe(0)
    const dump = JSON.parse(r.stdout) as {version: string; settings: Array<{name: string; cli: string[] | null; action: string | null; nargs: string | null; const: unknown; type: string | null; default: unknown}>}
    const table = settingsFor(dump.version)
    expect(dump.settings.map((s) => s.name).sort()).toEqual([...table.keys()].sort())
    for (const s of dump.settings) {
      const spec = table.get(s.name)!
      expect({name: s.name, cli: spec.cli ?? null, action: spec.action ?? null, nargs: spec.nargs ?? null}).toEqual({name: s.name, cli: s.cli, action: s.action, nargs: s.nargs})
      if (s.type === 'int' || s.type === 'auto_int') expect({name: s.name, type: spec.type}).toEqual({name: s.name, type: s.type})
      if (spec.default !== HOOK && !['user', 'group', 'chdir'].includes(s.name)) expect({name: s.name, default: spec.default}).toEqual({name: s.name, default: s.default})
    }
  })

  it("reads gunicorn's own Python sources without a false syntax error", () => {
    const r = spawnSync('/usr/bin/python3', ['-c', 'import gunicorn, os; print(os.path.dirname(gunicorn.__file__))'], {encoding: 'utf8'})
    const dir = r.stdout.trim()
    const files: string[] = []
    const walk = (d: string): void => {
      for (const e of fs.readdirSync(d, {withFileTypes: true})) {
        if (e.isDirectory()) walk(path.join(d, e.name))
        else if (e.name.endsWith('.py')) files.push(path.join(d, e.name))
      }
    }
    walk(dir)
    expect(files.length).toBeGreaterThan(20)
    for (const f of files) {
      const res = parseGunicornConfPy(fs.readFileSync(f, 'utf8'), f)
      expect({f, errors: res.errors.map(String)}).toEqual({f, errors: []})
    }
  })
})

// The evaluator against CPython itself, on random expressions made only of literals and
// operators (side-effect free by construction): same value, or both refuse it.
describeReal('gunicorn.conf.py evaluator vs CPython', [missingProgram('/usr/bin/python3')], () => {
  it('evaluates literal arithmetic, strings and sequences as CPython does', () => {
    const exprs: string[] = fc.sample(expression(), {numRuns: 400, seed: 20260101})
    const script = [
      'import json, sys',
      'out = []',
      'for src in json.load(sys.stdin):',
      '    try:',
      '        out.append(repr(eval(src, {"__builtins__": {}}, {})))',
      '    except Exception as e:',
      '        out.append("ERR " + type(e).__name__)',
      'print(json.dumps(out))',
    ].join('\n')
    const r = spawnSync('/usr/bin/python3', ['-c', script], {input: JSON.stringify(exprs), encoding: 'utf8', env: {PATH: process.env.PATH ?? ''}, timeout: 60_000})
    expect(r.status).toBe(0)
    const python = JSON.parse(r.stdout) as string[]
    const mismatches: string[] = []
    exprs.forEach((src, i) => {
      const conf = parseGunicornConfPy(`v = ${src}\n`, 'expr.py')
      const b = conf.value.names['v']
      const mine = conf.errors.length ? `SYNTAX ${conf.errors[0].message}` : b?.state === 'known' ? pyRepr(b.value) : `UNRESOLVED ${b?.state === 'unknown' ? b.reason : ''}`
      const theirs = python[i]
      // Refusing to evaluate is allowed (and says so); a different value never is.
      const agree = theirs.startsWith('ERR ') ? !(b?.state === 'known') : mine === theirs || /not evaluated statically/.test(mine)
      if (!agree) mismatches.push(`${src}\n   python: ${theirs}\n   conntune: ${mine}`)
    })
    expect(mismatches).toEqual([])
  })
})

function expression(): fc.Arbitrary<string> {
  const int = fc.integer({min: -40, max: 40}).map(String)
  const float = fc.constantFrom('0.5', '1.5', '2.0', '0.1', '1e3', '.25', '3.', '1_0.5')
  const str = fc.tuple(fc.constantFrom('"', "'", '"""', "r'"), fc.stringMatching(/^[a-z :%0-9]{0,4}$/)).map(([q, s]) => (q === "r'" ? `r'${s}'` : `${q}${s}${q}`))
  const lit = fc.oneof(int, int, float, str, fc.constantFrom('True', 'False', 'None', '0x1F', '0o17', '0b101', '1_000'))
  const {tree} = fc.letrec<{tree: string}>((tie) => ({
    tree: fc.oneof(
      {depthSize: 'small', withCrossShrink: true},
      lit,
      fc.tuple(tie('tree'), fc.constantFrom('+', '-', '*', '/', '//', '%', '<<', '>>', '&', '|', '^'), tie('tree')).map(([a, op, b]) => `(${a} ${op} ${b})`),
      fc.tuple(fc.integer({min: -9, max: 9}), fc.integer({min: 0, max: 6})).map(([a, b]) => `(${a} ** ${b})`),
      fc.tuple(fc.constantFrom('-', '+', '~'), tie('tree')).map(([op, a]) => `(${op}${a})`),
      fc.array(tie('tree'), {maxLength: 3}).map((xs) => `[${xs.join(', ')}]`),
      fc.array(tie('tree'), {maxLength: 3}).map((xs) => `(${xs.join(', ')}${xs.length === 1 ? ',' : ''})`),
      fc.tuple(str, fc.oneof(int, str, fc.constantFrom('(1, "a")', '(2,)'))).map(([f, a]) => `(${f.replace(/^(r?)(['"]+)/, '$1$2%s ')} % ${a})`),
    ),
  }))
  return tree
}
