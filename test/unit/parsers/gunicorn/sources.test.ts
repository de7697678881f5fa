import fs from 'node:fs'
import path from 'node:path'
import {findGunicorn} from '../../../../src/parsers/gunicorn/command.js'
import {resolveInvocation} from '../../../../src/parsers/gunicorn/index.js'
import {parseShell} from '../../../../src/parsers/gunicorn/shell-words.js'
import {gunicornFromDockerfile, gunicornFromProcfile, gunicornFromSystemdUnit} from '../../../../src/parsers/gunicorn/sources.js'
import {parseEnvFile, parseExecValue, parseUnitFile, splitUnitWords} from '../../../../src/parsers/gunicorn/systemd.js'
import {MemoryFileReader} from '../../../../src/parsers/memory-reader.js'

const FIX = path.resolve('test/fixtures/gunicorn')
const fixture = (p: string) => fs.readFileSync(path.join(FIX, p), 'utf8')

describe('finding gunicorn in a command', () => {
  const cases: Array<[string[], string, string[], number]> = [
    [['/srv/venv/bin/gunicorn', '-w', '2', 'a:b'], '/srv/venv/bin/gunicorn', [], 1],
    [['gunicorn3', 'a:b'], 'gunicorn3', [], 1],
    [['python3', '-u', '-m', 'gunicorn', 'a:b'], 'python3 -m gunicorn', [], 4],
    [['/usr/bin/python3.11', '-Bmgunicorn', 'a:b'], '/usr/bin/python3.11 -m gunicorn', [], 2],
    [['python', '-m', 'gunicorn.app.wsgiapp', 'a:b'], 'python -m gunicorn.app.wsgiapp', [], 3],
    [['poetry', 'run', 'gunicorn', 'a:b'], 'gunicorn', ['poetry run'], 3],
    [['pipenv', 'run', 'gunicorn', 'a:b'], 'gunicorn', ['pipenv run'], 3],
    [['uv', 'run', '--with', 'gevent', '--frozen', '--', 'gunicorn', 'a:b'], 'gunicorn', ['uv run'], 7],
    [['env', '-i', 'A=1', 'gunicorn', 'a:b'], 'gunicorn', ['env'], 4],
    [['exec', 'gosu', 'app', 'tini', '--', 'nice', '-n', '5', 'gunicorn', 'a:b'], 'gunicorn', ['exec', 'gosu', 'tini', 'nice'], 9],
    [['ddtrace-run', 'python', '-m', 'gunicorn', 'a:b'], 'python -m gunicorn', ['ddtrace-run'], 4],
    [['newrelic-admin', 'run-program', 'gunicorn', 'a:b'], 'gunicorn', ['newrelic-admin run-program'], 3],
    [['/entrypoint.sh', 'gunicorn', 'a:b'], 'gunicorn', ['/entrypoint.sh'], 2],
  ]
  it.each(cases)('%j', (words, program, wrappers, argsStart) => {
    const f = findGunicorn(words)
    expect(f).toMatchObject({kind: 'gunicorn', program, wrappers, argsStart})
  })

  it('takes a program named like an Object.prototype member for a program, not a wrapper', () => {
    // `constructor gunicorn a:b` runs a program called constructor, which conntune cannot follow.
    for (const w of ['constructor', 'toString', '__proto__']) {
      expect(findGunicorn([w, 'gunicorn', 'a:b'])).toMatchObject({kind: 'gunicorn', program: 'gunicorn', wrappers: [w], argsStart: 2, notes: [`'${w}' is not a wrapper conntune knows; gunicorn was found by name at word 2`]})
    }
  })

  it('collects env and cwd set by wrappers', () => {
    expect(findGunicorn(['env', '-u', 'X', '--chdir=/app', 'PORT=1', 'gunicorn'])).toMatchObject({env: {PORT: '1'}, envUnset: ['X'], cwd: '/app'})
    expect(findGunicorn(['uv', 'run', '--directory', '/srv/x', 'gunicorn'])).toMatchObject({cwd: '/srv/x'})
  })

  it('returns shell scripts for the caller, and nothing for other programs', () => {
    expect(findGunicorn(['/bin/bash', '-lc', 'exec gunicorn a:b'])).toMatchObject({kind: 'shell', script: 'exec gunicorn a:b', index: 2})
    expect(findGunicorn(['sh', '-e', '-c', 'x', 'name'])).toMatchObject({kind: 'shell', script: 'x'})
    expect(findGunicorn(['uwsgi', '--ini', 'x'])).toBeNull()
    expect(findGunicorn(['python3', 'manage.py', 'runserver'])).toBeNull()
    expect(findGunicorn(['python3', '-c', 'import gunicorn'])).toBeNull()
    expect(findGunicorn(['--config', '/etc/gunicorn'])).toBeNull()
  })
})

describe('POSIX sh words', () => {
  const env = (vars: Record<string, string>, complete = false) => (n: string) => (n in vars ? vars[n] : complete ? null : undefined)

  it('splits commands and expands known variables', () => {
    const r = parseShell(`cd /app && A=1 exec gunicorn -b "0.0.0.0:$PORT" $OPTS 'lit $X' \${W:-3} 2>&1 >> /var/log/x # comment`, env({PORT: '80', OPTS: '-w 2  --threads 4'}))
    expect(r.commands.map((c) => c.words)).toEqual([['cd', '/app'], ['exec', 'gunicorn', '-b', '0.0.0.0:80', '-w', '2', '--threads', '4', 'lit $X', '3']])
    expect(r.commands[1].assignments).toEqual([{name: 'A', value: '1'}])
    expect([...r.commands[1].unresolved]).toEqual([[9, "${W} is not known here; its default '3' was assumed"]])
  })

  it('keeps unknown expansions and command substitutions, marked', () => {
    const r = parseShell('gunicorn -w $(nproc) -b :$PORT `x`', env({}))
    expect(r.commands[0].words).toEqual(['gunicorn', '-w', '$(nproc)', '-b', ':$PORT', '`x`'])
    expect([...r.commands[0].unresolved.keys()]).toEqual([2, 4, 5])
  })

  it('expands unset variables to nothing when the environment is complete', () => {
    expect(parseShell('gunicorn $EXTRA -w "$W" a:b', env({}, true)).commands[0].words).toEqual(['gunicorn', '-w', '', 'a:b'])
  })

  it('skips shell keywords and reports unterminated quotes', () => {
    expect(parseShell('if true; then exec gunicorn a:b; fi', env({})).commands.map((c) => c.words)).toEqual([['true'], ['exec', 'gunicorn', 'a:b']])
    expect(parseShell('gunicorn "a', env({})).errors[0].message).toBe('unterminated double quote')
  })
})

describe('systemd units', () => {
  it('reads sections, continuations and comments', () => {
    const u = parseUnitFile('[Service]\n# c\nExecStart=/bin/x \\\n  # skipped\n  a \\\n  b\n; also a comment\nType = notify\n', 'u')
    expect(u.entries.map((e) => [e.key, e.value, e.line])).toEqual([['ExecStart', '/bin/x    a    b', 3], ['Type', 'notify', 8]])
  })

  it('splits ExecStart words with systemd quoting, escapes, prefixes and substitution', () => {
    expect(splitUnitWords(`a "b c" 'd e' f"g h"i \\x41\\s\\101 "q\\"q"`).words.map((w) => w.text)).toEqual(['a', 'b c', 'd e', 'fg hi', 'A A', 'q"q'])
    const env = (n: string) => ({PORT: '80', OPTS: '-w 2 -t 5'} as Record<string, string>)[n] ?? null
    const r = parseExecValue('-@/usr/bin/gunicorn gunicorn-x -b 0.0.0.0:${PORT} $OPTS $$HOME ${NOPE} %i.wsgi', env)
    expect(r.commands[0]).toMatchObject({prefixes: '-@', path: '/usr/bin/gunicorn', argv: ['gunicorn-x', '-b', '0.0.0.0:80', '-w', '2', '-t', '5', '$HOME', '', '%i.wsgi']})
    expect([...r.commands[0].unresolved.values()]).toEqual(['contains the systemd specifier %i (resolved per unit)'])
    expect(parseExecValue(':/bin/echo ${PORT}', env).commands[0].argv).toEqual(['/bin/echo', '${PORT}'])
    expect(parseExecValue('/bin/a x ; /bin/b y', env).commands.map((c) => c.argv)).toEqual([['/bin/a', 'x'], ['/bin/b', 'y']])
    expect(parseExecValue('/bin/a "open', env).error).toBe('unterminated quote')
  })

  it('reads EnvironmentFile syntax', () => {
    const r = parseEnvFile(`# c\n; c\nA=1\n  B = two words  \nC="q \\"x\\" \\$y"\nD='lit \\n'\nE=a\\\nb\nexport F=1\n`)
    expect(r.vars.map((v) => [v.name, v.value, v.line])).toEqual([['A', '1', 3], ['B', 'two words', 4], ['C', 'q "x" $y', 5], ['D', 'lit \\n', 6], ['E', 'ab', 7]])
    expect(r.errors).toEqual([{line: 9, message: "invalid variable name 'export F' (systemd ignores it)"}])
  })

  it('builds invocations: venv path, EnvironmentFile over Environment, WorkingDirectory', () => {
    const reader = new MemoryFileReader({'/etc/default/app': fixture('systemd/app.env')})
    const r = gunicornFromSystemdUnit(fixture('systemd/app-venv.service'), '/etc/systemd/system/app.service', {reader})
    expect(r.errors.map(String)).toEqual(["/etc/default/app:5:1: invalid variable name 'export NOT_A_NAME' (systemd ignores it)"])
    expect(r.value).toHaveLength(1)
    const inv = r.value[0]
    expect(inv).toMatchObject({source: 'systemd', line: 13, program: '/srv/app/venv/bin/gunicorn', wrappers: [], cwd: '/srv/app', envComplete: true})
    expect(inv.argv.words).toEqual(['--config', '/srv/app/gunicorn.conf.py', '--bind', 'unix:/run/app/gunicorn.sock', '--keep-alive=65', 'app.wsgi:application'])
    expect(inv.env['WEB_CONCURRENCY']).toEqual({value: '3', file: '/etc/default/app', line: 3})
    expect(inv.env['PYTHONUNBUFFERED']).toEqual({value: '1', file: '/etc/systemd/system/app.service', line: 10})
  })

  it('follows sh -c with cd, resets ExecStart= on an empty value, and finds python -m gunicorn', () => {
    const r = gunicornFromSystemdUnit(fixture('systemd/app-sh-wrapper.service'), '/etc/systemd/system/site.service')
    expect(r.errors).toEqual([])
    expect(r.value[0]).toMatchObject({program: 'python3 -m gunicorn', wrappers: ['/bin/sh -c', 'exec'], cwd: '/opt/site/current', line: 5})
    expect(r.value[0].argv.words).toEqual(['-w', '', '-b', '0.0.0.0:8080', '--threads', '4', 'site.wsgi'])
  })

  it('keeps specifiers and @argv0, and reads drop-ins', () => {
    const reader = new MemoryFileReader({'/etc/systemd/system/app@.service.d/10-port.conf': '[Service]\nEnvironment=EXTRA=1\n'})
    const r = gunicornFromSystemdUnit(fixture('systemd/app@.service'), '/etc/systemd/system/app@.service', {reader})
    expect(r.value[0]).toMatchObject({program: 'gunicorn', wrappers: ['/usr/local/bin/uv run'], cwd: '/srv/%i'})
    expect(r.value[0].argv.unresolved?.map((u) => u.index)).toEqual([1, 2])
    expect(r.value[0].env['EXTRA']).toMatchObject({value: '1', file: '/etc/systemd/system/app@.service.d/10-port.conf'})
  })

  it('reports a missing required EnvironmentFile and marks the environment incomplete', () => {
    const reader = new MemoryFileReader({})
    const r = gunicornFromSystemdUnit('[Service]\nEnvironmentFile=/etc/x\nExecStart=/bin/gunicorn a:b\n', '/u.service', {reader})
    expect(r.errors.map((e) => [e.kind, e.line])).toEqual([['include', 2]])
    expect(r.value[0].envComplete).toBe(false)
  })
})

describe('Procfile and Dockerfile', () => {
  it('reads Procfile web lines with $PORT unresolved', () => {
    const r = gunicornFromProcfile(fixture('procfile/Procfile'), '/repo/Procfile')
    expect(r.errors).toEqual([])
    expect(r.value).toHaveLength(1)
    expect(r.value[0]).toMatchObject({name: 'web', line: 2, cwd: '/repo', envComplete: false})
    expect(r.value[0].argv.unresolved).toEqual([{index: 2, reason: '$PORT is not known here (set at run time)'}, {index: 4, reason: "${WEB_CONCURRENCY} is not known here; its default '3' was assumed"}])
  })

  it('combines ENTRYPOINT (exec) and CMD, reads ENV in both forms, skips heredocs', () => {
    const r = gunicornFromDockerfile(fixture('docker/Dockerfile.exec'), 'Dockerfile')
    expect(r.errors).toEqual([])
    expect(r.value[0]).toMatchObject({line: 15, program: 'gunicorn', wrappers: ['/usr/local/bin/tini'], cwd: '/app', name: 'runtime'})
    expect(r.value[0].argv.words).toEqual(['--bind', '0.0.0.0:8000', '--keep-alive', '75', 'app.wsgi:application'])
    expect(r.value[0].env['GUNICORN_CMD_ARGS']).toEqual({value: '--workers 4 --threads 2', file: 'Dockerfile', line: 3})
    expect(r.value[0].env['PORT']).toEqual({value: '8000', file: 'Dockerfile', line: 9})
  })

  it('runs the shell form through /bin/sh -c with ENV, ARG and WORKDIR', () => {
    const r = gunicornFromDockerfile(fixture('docker/Dockerfile.shell'), 'Dockerfile')
    expect(r.value[0]).toMatchObject({cwd: '/srv/app', wrappers: ['/bin/sh -c', 'exec'], line: 5})
    expect(r.value[0].argv.words).toEqual(['--chdir', '/srv/app', '-c', 'gunicorn.conf.py', '-b', '0.0.0.0:8000', 'app:app'])
  })

  it('drops an inherited CMD when ENTRYPOINT is set, uses a shell-form ENTRYPOINT alone', () => {
    const a = gunicornFromDockerfile('FROM x AS a\nCMD ["gunicorn", "old:app"]\nFROM a\nENTRYPOINT ["gunicorn", "-w", "2"]\n', 'D')
    expect(a.value[0].argv.words).toEqual(['-w', '2'])
    const b = gunicornFromDockerfile('FROM x\nCMD ["ignored"]\nENTRYPOINT gunicorn app:app\n', 'D')
    expect(b.value[0].argv.words).toEqual(['app:app'])
    const c = gunicornFromDockerfile('# escape=`\nFROM x\nCMD gunicorn `\n  -w 3 app:app\n', 'D')
    expect(c.value[0].argv.words).toEqual(['-w', '3', 'app:app'])
  })
})

describe('resolving an invocation', () => {
  it('reads the -c file relative to the working directory, and applies the precedence', () => {
    const reader = new MemoryFileReader({
      '/etc/default/app': fixture('systemd/app.env'),
      '/srv/app/gunicorn.conf.py': 'workers = 8\ntimeout = 10\nkeepalive = 1\n',
    })
    const inv = gunicornFromSystemdUnit(fixture('systemd/app-venv.service'), '/etc/systemd/system/app.service', {reader}).value[0]
    const r = resolveInvocation(inv, {reader, version: '20.1.0'})
    const s = r.value.settings
    expect(r.errors).toEqual([])
    expect(s['workers']).toMatchObject({value: 8, origin: {kind: 'file', file: '/srv/app/gunicorn.conf.py', line: 1}})
    expect(s['timeout']).toMatchObject({value: 90, origin: {kind: 'cmd_args', file: '/etc/default/app', line: 4}})
    expect(s['keepalive']).toMatchObject({value: 65, origin: {kind: 'argv', line: 13}})
    expect(s['bind'].value).toEqual(['unix:/run/app/gunicorn.sock'])
    expect(r.value.app).toBe('app.wsgi:application')
    expect(r.value.configFile).toEqual({path: '/srv/app/gunicorn.conf.py', from: 'argv', loaded: true})
  })

  it('loads the default ./gunicorn.conf.py only when it exists', () => {
    const inv = gunicornFromDockerfile(fixture('docker/Dockerfile.exec'), 'Dockerfile').value[0]
    const withFile = resolveInvocation(inv, {reader: new MemoryFileReader({'/app/gunicorn.conf.py': 'timeout = 5\n'})})
    expect(withFile.value.settings['timeout']).toMatchObject({value: 5, origin: {kind: 'file'}})
    const without = resolveInvocation(inv, {reader: new MemoryFileReader({})})
    expect(without.errors).toEqual([])
    expect(without.value.settings['timeout'].origin).toEqual({kind: 'default'})
  })
})
