import {parseGunicornArgv} from '../../../../src/parsers/gunicorn/argv.js'
import {SETTINGS, settingsFor} from '../../../../src/parsers/gunicorn/settings-table.js'
import {shlexSplit} from '../../../../src/parsers/gunicorn/shell-words.js'

const at = {file: 'unit', line: 3}

function parse(line: string, version = '20.1.0') {
  const words = line.split(' ').filter(Boolean)
  return parseGunicornArgv(words, {...at, version})
}

function values(line: string, version = '20.1.0'): Record<string, unknown> {
  const r = parse(line, version)
  return Object.fromEntries(Object.values(r.value.settings).map((s) => [s.name, s.value]))
}

describe('gunicorn command line', () => {
  it('reads every option form', () => {
    expect(values('--workers=4 -t 60 -w4 --keep-alive 5 --bind a:1 -b b:2 -bunix:/s --preload app:app')).toEqual({
      workers: 4, timeout: 60, keepalive: 5, bind: ['a:1', 'b:2', 'unix:/s'], preload_app: true,
    })
  })

  it('takes the first positional as the app', () => {
    const r = parse('-w 2 myapp.wsgi:application --threads 3')
    expect(r.value.app).toEqual({value: 'myapp.wsgi:application', index: 2})
    expect(r.errors).toEqual([])
  })

  it('accepts unique prefixes of long options, and rejects ambiguous ones', () => {
    // Checked against gunicorn 20.1.0 on Debian 12.
    expect(values('--max-requests-j 5 --keep 9 --grace 7 --back=10 x:y')).toEqual({max_requests_jitter: 5, keepalive: 9, graceful_timeout: 7, backlog: 10})
    expect(parse('--log x x:y').errors[0].message).toMatch(/^ambiguous option: --log could match .*--log-level/)
    expect(parse('--work 3 x:y').errors[0].message).toMatch(/^ambiguous option: --work could match --workers, --worker-class, --worker-connections, --worker-tmp-dir/)
  })

  it('prefers an exact match over a longer option it prefixes', () => {
    expect(values('--paste a.ini')).toEqual({paste: 'a.ini'})
  })

  it('splits bundled short flags', () => {
    expect(values('-Dw4 -Rb:8000 app:app')).toEqual({daemon: true, workers: 4, enable_stdio_inheritance: true, bind: [':8000']})
  })

  it('reads -w=4 and --flag=value with = in the value', () => {
    expect(values('-w=4 --access-logformat=a=b app:app')).toEqual({workers: 4, access_log_format: 'a=b'})
  })

  it('treats everything after -- as positionals', () => {
    const r = parse('-w 2 -- app:app -w 9')
    expect(r.value.positionals.map((p) => p.value)).toEqual(['app:app', '-w', '9'])
    expect(values('-w 2 -- app:app -w 9')).toEqual({workers: 2})
  })

  it('takes negative numbers and words with spaces as values', () => {
    const r = parseGunicornArgv(['--keep-alive', '-1', '--access-logformat', '-x y', 'app:app'], {...at, version: '20.1.0'})
    expect(r.errors).toEqual([])
    expect(r.value.settings['keepalive'].value).toBe(-1)
    expect(r.value.settings['access_log_format'].value).toBe('-x y')
  })

  it('converts int options like Python int(), and umask like auto_int', () => {
    expect(values('-w " 1_0 " app:app'.replace(/"/g, ''))).toMatchObject({workers: 10})
    expect(values('-m 022 --umask=0x1f app:app')).toEqual({umask: 31})
    expect(values('-m 022 app:app')).toEqual({umask: 18})
    const r = parse('-w four app:app')
    expect(r.errors.map((e) => e.message)).toEqual(["argument -w/--workers: invalid int value: 'four' (gunicorn exits with a usage error)"])
  })

  it('reports a missing value, and an explicit value for a flag', () => {
    expect(parse('app:app -w').errors[0].message).toMatch(/expected one argument/)
    expect(parse('-b -w 2 app:app').errors[0].message).toMatch(/argument -b\/--bind: expected one argument/)
    expect(parse('--preload=yes app:app').errors[0].message).toMatch(/ignored explicit argument 'yes'/)
    expect(parse('-Dx app:app').errors[0].message).toMatch(/ignored explicit argument 'x'/)
  })

  it('warns about unknown options instead of failing, guessing whether they take a value', () => {
    const r = parse('--frobnicate 5 --other app:app --max-requests 3')
    expect(r.errors).toEqual([])
    expect(r.value.warnings.map((w) => w.message)).toEqual([
      "unknown gunicorn option --frobnicate (assumed to take the value '5'); gunicorn 20.1.0 exits with 'unrecognized arguments'",
      "unknown gunicorn option --other; gunicorn 20.1.0 exits with 'unrecognized arguments'",
    ])
    expect(r.value.app?.value).toBe('app:app')
    expect(values('--frobnicate 5 --other app:app --max-requests 3')).toEqual({max_requests: 3})
  })

  it('warns about positionals after the first run of them', () => {
    const r = parse('app:app -w 2 extra')
    expect(r.value.warnings[0].message).toMatch(/^unrecognized arguments: extra/)
    expect(r.value.app?.value).toBe('app:app')
  })

  it('knows --no-sendfile (store_const) and -v/--help (exit)', () => {
    expect(values('--no-sendfile app:app')).toEqual({sendfile: false})
    expect(parse('--version').value.exits).toBe('version')
    expect(parse('-h').value.exits).toBe('help')
  })

  it('uses the option table of the gunicorn version', () => {
    expect(parse('--dirty-workers 2 app:app', '20.1.0').value.warnings).toHaveLength(1)
    expect(values('--dirty-workers 2 app:app', '25.1.0')).toEqual({dirty_workers: 2})
    // 24.1+: --proxy-protocol takes an optional MODE, and would swallow a following app.
    expect(values('--proxy-protocol app:app', '20.1.0')).toEqual({proxy_protocol: true})
    expect(values('--proxy-protocol -w 2 app:app', '26.1.0')).toEqual({proxy_protocol: 'auto', workers: 2})
    expect(values('--proxy-protocol v2 app:app', '26.1.0')).toEqual({proxy_protocol: 'v2'})
  })

  it('records word columns and unresolved words', () => {
    const r = parseGunicornArgv(['-b', '0.0.0.0:$PORT', 'app:app'], {...at, cols: [10, 13, 28], unresolved: [{index: 1, reason: 'PORT unknown'}]})
    expect(r.value.settings['bind']).toMatchObject({value: ['0.0.0.0:$PORT'], index: 0, valueIndex: 1, unresolved: 'PORT unknown'})
    expect(parseGunicornArgv(['-x'], {...at, cols: [7]}).value.warnings[0].col).toBe(7)
  })

  it('maps every flag of the 20.1.0 table, each to its setting', () => {
    const specs = settingsFor('20.1.0')
    for (const spec of specs.values()) {
      for (const flag of spec.cli ?? []) {
        const takes = spec.action === 'store_true' || spec.action === 'store_const' ? [] : ['1']
        const r = parseGunicornArgv([flag, ...takes, 'app:app'], {...at, version: '20.1.0'})
        expect({flag, errors: r.errors.map(String), warnings: r.value.warnings.map(String), set: Object.keys(r.value.settings)}).toEqual({flag, errors: [], warnings: [], set: [spec.name]})
      }
    }
    expect(SETTINGS.length).toBeGreaterThan(100)
  })
})

describe('shlex.split (GUNICORN_CMD_ARGS)', () => {
  it('splits as Python does', () => {
    expect(shlexSplit(`--bind=127.0.0.1 -w 3 "--access-logformat=%(h)s \\"x\\"" 'a b' c\\ d ''`)).toEqual({words: ['--bind=127.0.0.1', '-w', '3', '--access-logformat=%(h)s "x"', 'a b', 'c d', '']})
    expect(shlexSplit('a#b # c')).toEqual({words: ['a#b', '#', 'c']})
    expect(shlexSplit('"a\\nb"')).toEqual({words: ['a\\nb']})
    expect(shlexSplit('"open')).toEqual({error: 'No closing quotation'})
    expect(shlexSplit('end\\')).toEqual({error: 'No escaped character'})
  })
})
