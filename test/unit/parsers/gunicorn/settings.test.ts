import fs from 'node:fs'
import path from 'node:path'
import {effectiveWorkerClass, resolveGunicorn, type GunicornSetting} from '../../../../src/parsers/gunicorn/settings.js'
import {settingsFor} from '../../../../src/parsers/gunicorn/settings-table.js'

const FIX = path.resolve('test/fixtures/gunicorn/conf')
const argv = (line: string) => ({words: line.split(' ').filter(Boolean), file: '/u.service', line: 9, cols: undefined})
const env = (vars: Record<string, string>) => Object.fromEntries(Object.entries(vars).map(([k, v], i) => [k, {value: v, file: '/env', line: i + 1}]))

function v(settings: Record<string, GunicornSetting>, names: string[]): Record<string, unknown> {
  return Object.fromEntries(names.map((n) => [n, settings[n].value]))
}

describe('defaults', () => {
  it('match config.py of 20.1.0 and the current release', () => {
    for (const version of ['20.1.0', '26.1.0']) {
      const r = resolveGunicorn({version, argv: argv('app:app')})
      expect(r.errors).toEqual([])
      expect(v(r.value.settings, ['bind', 'workers', 'worker_class', 'threads', 'keepalive', 'timeout', 'graceful_timeout', 'backlog', 'worker_connections', 'max_requests']))
        .toEqual({bind: ['127.0.0.1:8000'], workers: 1, worker_class: 'sync', threads: 1, keepalive: 2, timeout: 30, graceful_timeout: 30, backlog: 2048, worker_connections: 1000, max_requests: 0})
    }
    expect(resolveGunicorn({version: '20.1.0'}).value.settings['forwarded_allow_ips'].value).toEqual(['127.0.0.1'])
    expect(resolveGunicorn({version: '23.0.0'}).value.settings['forwarded_allow_ips'].value).toEqual(['127.0.0.1', '::1'])
    expect(resolveGunicorn({version: '20.1.0'}).value.settings['proxy_protocol'].value).toBe(false)
    expect(resolveGunicorn({version: '24.1.0'}).value.settings['proxy_protocol'].value).toBe('off')
  })

  it('take WEB_CONCURRENCY, PORT and FORWARDED_ALLOW_IPS from the environment', () => {
    const r = resolveGunicorn({version: '20.1.0', argv: argv('app:app'), env: env({WEB_CONCURRENCY: ' 6 ', PORT: '5000', FORWARDED_ALLOW_IPS: '*'})})
    expect(v(r.value.settings, ['workers', 'bind', 'forwarded_allow_ips'])).toEqual({workers: 6, bind: ['0.0.0.0:5000'], forwarded_allow_ips: ['*']})
    expect(r.value.settings['workers'].origin).toEqual({kind: 'env', file: '/env', line: 1})
    const bad = resolveGunicorn({argv: argv('app:app'), env: env({WEB_CONCURRENCY: 'auto'})})
    expect(bad.errors[0].message).toMatch(/WEB_CONCURRENCY="auto" is not an integer/)
  })

  it('say when the environment may change them at run time', () => {
    const r = resolveGunicorn({argv: argv('app:app'), envComplete: false})
    expect(r.value.settings['workers'].unresolved).toMatch(/WEB_CONCURRENCY may be set/)
    expect(r.value.settings['bind'].unresolved).toMatch(/PORT may be set/)
  })
})

describe('precedence: defaults < env < config file < GUNICORN_CMD_ARGS < command line', () => {
  const conf = 'workers = 2\ntimeout = 40\nkeepalive = 4\nbind = ["10.0.0.1:80", "10.0.0.2:80"]\nbacklog = 100\n'

  it('layers each source over the one below, replacing whole settings', () => {
    const r = resolveGunicorn({
      version: '20.1.0',
      argv: argv('-c gunicorn.conf.py --keep-alive 9 app:app'),
      env: env({WEB_CONCURRENCY: '7', PORT: '1', GUNICORN_CMD_ARGS: '--timeout 50 --keep-alive 8 -b 0.0.0.0:1'}),
      configFile: {path: '/srv/gunicorn.conf.py', text: conf},
      cwd: '/srv',
    })
    expect(r.errors).toEqual([])
    const s = r.value.settings
    expect(v(s, ['workers', 'timeout', 'keepalive', 'bind', 'backlog'])).toEqual({workers: 2, timeout: 50, keepalive: 9, bind: ['0.0.0.0:1'], backlog: 100})
    expect([s['workers'].origin.kind, s['timeout'].origin.kind, s['keepalive'].origin.kind, s['bind'].origin.kind, s['graceful_timeout'].origin.kind])
      .toEqual(['file', 'cmd_args', 'argv', 'cmd_args', 'default'])
    expect(r.value.configFile).toEqual({path: '/srv/gunicorn.conf.py', from: 'argv', loaded: true})
  })

  it('takes -c from GUNICORN_CMD_ARGS when the command line has none', () => {
    const r = resolveGunicorn({argv: argv('app:app'), env: env({GUNICORN_CMD_ARGS: '-c conf/g.py'}), cwd: '/srv'})
    expect(r.value.configFile).toEqual({path: '/srv/conf/g.py', from: 'cmd_args', loaded: false})
    expect(r.value.unresolved).toEqual([{name: 'config', file: '/env', line: 1, reason: 'config file /srv/conf/g.py was not read; its settings are unknown'}])
  })

  it('ignores an app given in GUNICORN_CMD_ARGS, and takes wsgi_app from the file', () => {
    const r = resolveGunicorn({argv: argv('-w 1'), env: env({GUNICORN_CMD_ARGS: 'other:app'}), configFile: {path: '/c.py', text: 'wsgi_app = "site.wsgi"\n'}})
    expect(r.value.app).toBe('site.wsgi')
    expect(r.errors.map((e) => e.message)).toEqual(["GUNICORN_CMD_ARGS: positional 'other:app' is ignored by gunicorn (the app must be on the command line)"])
  })

  it('keeps the lower value and says why when a file value is not known', () => {
    const r = resolveGunicorn({argv: argv('app:app'), env: env({WEB_CONCURRENCY: '3'}), configFile: {path: '/c.py', text: 'import multiprocessing\nworkers = multiprocessing.cpu_count()\n'}})
    expect(r.value.settings['workers']).toMatchObject({value: 3, origin: {kind: 'env'}, unresolved: expect.stringMatching(/^\/c\.py:2: depends on the host's CPU count/)})
    expect(r.value.unresolved).toEqual([{name: 'workers', file: '/c.py', line: 2, reason: "depends on the host's CPU count: multiprocessing.cpu_count()"}])
  })

  it('reports values gunicorn would refuse, keeping the lower value', () => {
    const text = fs.readFileSync(path.join(FIX, 'invalid-values.gunicorn.conf.py'), 'utf8')
    const r = resolveGunicorn({version: '20.1.0', argv: argv('app:app'), configFile: {path: '/c.py', text}})
    expect(r.errors.map((e) => [e.line, e.message.replace(/ \(gunicorn.*$/, '')])).toEqual([
      [2, "invalid value for workers = 2.5: TypeError: int() can't convert non-string with explicit base (got float 2.5)"],
      [3, 'invalid value for keepalive = -1: ValueError: Value must be positive: -1'],
      [5, 'invalid value for preload_app = 1: TypeError: Invalid type for casting: 1'],
      [6, "invalid value for bind = ('0.0.0.0:8000', 8001): TypeError: Not a string: 8001"],
    ])
    expect(v(r.value.settings, ['workers', 'keepalive', 'timeout'])).toEqual({workers: 1, keepalive: 2, timeout: 30})
  })

  it('marks settings that may be reassigned in a block', () => {
    const text = fs.readFileSync(path.join(FIX, 'if-blocks.gunicorn.conf.py'), 'utf8')
    const r = resolveGunicorn({argv: argv('app:app'), configFile: {path: '/c.py', text}})
    expect(r.errors).toEqual([])
    const s = r.value.settings
    expect(s['workers']).toMatchObject({value: 4, unresolved: expect.stringContaining("may be assigned inside the 'if' block at line 9")})
    expect(s['worker_class']).toMatchObject({value: 'sync', origin: {kind: 'default'}, unresolved: expect.stringContaining("'try' block")})
    expect(s['timeout']).toMatchObject({value: 30, origin: {kind: 'default'}})
    expect(r.value.unresolved.find((u) => u.name === 'timeout')?.reason).toMatch(/never runs/)
  })

  it('points each setting at file:line:col of the word that set it', () => {
    const r = resolveGunicorn({argv: {words: ['-w', '3', 'a:b'], file: '/u', line: 4, cols: [20, 23, 25]}})
    expect(r.value.settings['workers'].origin).toEqual({kind: 'argv', file: '/u', line: 4, col: 20})
  })
})

describe('worker class', () => {
  const settings = (o: Record<string, unknown>) => {
    const s = resolveGunicorn({version: '20.1.0'}).value.settings
    for (const [k, x] of Object.entries(o)) s[k] = {name: k, value: x, origin: {kind: 'default'}}
    return s
  }

  it('normalises aliases and class paths as gunicorn does', () => {
    expect(effectiveWorkerClass(settings({worker_class: 'gthread'}))).toMatchObject({effective: 'gunicorn.workers.gthread.ThreadWorker', family: 'gthread', keepsIdleConnections: true, idleTimeout: {seconds: 2, source: 'keepalive'}})
    expect(effectiveWorkerClass(settings({worker_class: '#gevent'}))).toMatchObject({family: 'gevent'})
    expect(effectiveWorkerClass(settings({worker_class: 'egg:gunicorn#eventlet'}))).toMatchObject({family: 'eventlet'})
    expect(effectiveWorkerClass(settings({worker_class: 'gevent_pywsgi'}))).toMatchObject({family: 'gevent_pywsgi', keepsIdleConnections: true, idleTimeout: {seconds: null, source: 'worker'}})
    expect(effectiveWorkerClass(settings({worker_class: 'uvicorn.workers.UvicornWorker', keepalive: 75}))).toMatchObject({family: 'uvicorn', idleTimeout: {seconds: 75}})
    expect(effectiveWorkerClass(settings({worker_class: 'tornado'}))).toMatchObject({family: 'tornado', idleTimeout: {source: 'worker'}})
    expect(effectiveWorkerClass(settings({worker_class: 'asgi'}), '24.0.0')).toMatchObject({family: 'asgi'})
    expect(effectiveWorkerClass(settings({worker_class: 'asgi'}), '20.1.0')).toMatchObject({family: 'custom', keepsIdleConnections: 'unknown'})
    expect(effectiveWorkerClass(settings({worker_class: 'myapp.workers.Custom'}))).toMatchObject({family: 'custom'})
    // A name that is an Object.prototype member is no bundled worker: not Object's own function.
    for (const name of ['constructor', 'toString', '__proto__', 'egg:gunicorn#constructor']) {
      const w = effectiveWorkerClass(settings({worker_class: name}))
      expect({name, effective: w.effective, family: w.family}).toEqual({name, effective: name, family: 'custom'})
    }
  })

  it('says the sync worker keeps no idle connections, and switches to gthread when threads > 1', () => {
    expect(effectiveWorkerClass(settings({}))).toMatchObject({family: 'sync', keepsIdleConnections: false, switchedToGthread: false})
    expect(effectiveWorkerClass(settings({threads: 4}))).toMatchObject({family: 'gthread', switchedToGthread: true, keepsIdleConnections: true})
    expect(effectiveWorkerClass(settings({worker_class: 'gunicorn.workers.sync.SyncWorker', threads: 2}))).toMatchObject({switchedToGthread: true})
    // "egg:gunicorn#sync" is not matched by config.py's is_sync test, so no switch.
    expect(effectiveWorkerClass(settings({worker_class: 'egg:gunicorn#sync', threads: 2}))).toMatchObject({family: 'sync', switchedToGthread: false})
  })

  it('knows when gthread or async workers cannot keep connections', () => {
    expect(effectiveWorkerClass(settings({worker_class: 'gthread', keepalive: 0}))).toMatchObject({keepsIdleConnections: false})
    expect(effectiveWorkerClass(settings({worker_class: 'gthread', threads: 1000, worker_connections: 1000}))).toMatchObject({keepsIdleConnections: false})
    expect(effectiveWorkerClass(settings({worker_class: 'gevent', keepalive: 0}))).toMatchObject({keepsIdleConnections: false})
  })

  it('is part of the resolved config', () => {
    const r = resolveGunicorn({argv: argv('-k gthread --threads 8 --keep-alive 65 app:app')})
    expect(r.value.worker).toMatchObject({family: 'gthread', keepsIdleConnections: true, idleTimeout: {seconds: 65}})
  })
})

describe('settings table', () => {
  it('has one row per setting for each version', () => {
    expect(settingsFor('20.1.0').size).toBe(86)
    expect(settingsFor('26.1.0').has('dirty_workers')).toBe(true)
    expect(settingsFor('20.1.0').has('tolerate_dangerous_framing')).toBe(true)
    expect(settingsFor('26.1.0').has('tolerate_dangerous_framing')).toBe(false)
  })
})

describe('uncertain worker settings', () => {
  it('says the worker is assumed when worker_class comes from code', () => {
    const r = resolveGunicorn({argv: argv('app:app'), configFile: {path: '/c.py', text: 'import os\nworker_class = os.environ["WC"]\n'}})
    expect(r.value.worker).toMatchObject({family: 'sync', keepsIdleConnections: 'unknown'})
    expect(r.value.worker.notes.at(-1)).toMatch(/worker_class not known for sure/)
  })

  it('does not claim a missing app when the config file was not read', () => {
    const r = resolveGunicorn({argv: argv('-c /etc/g.py')})
    expect(r.errors).toEqual([])
    expect(resolveGunicorn({argv: argv('-w 2')}).errors[0].message).toMatch(/no application module/)
  })
})
