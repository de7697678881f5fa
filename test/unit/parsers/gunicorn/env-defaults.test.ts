// gunicorn.conf.py reading the environment with a literal default: the default is what gunicorn
// gets unless the process is started with the variable set (then that value, from where).
import {resolveGunicorn} from '../../../../src/parsers/gunicorn/settings.js'
import {gunicornFromSystemdUnit} from '../../../../src/parsers/gunicorn/sources.js'
import {resolveInvocation} from '../../../../src/parsers/gunicorn/index.js'
import {MemoryFileReader} from '../../../../src/parsers/memory-reader.js'

const CONF = [
  'import os',
  'from os import environ, getenv',
  'port = os.environ.get("PORT", "8000")',
  'bind = "0.0.0.0:" + port',
  'keepalive = int(os.getenv("KEEP_ALIVE", "5"))',
  'workers = int(environ.get("WEB_CONCURRENCY", 3))',
  'timeout = int(getenv("TIMEOUT", default="60")) if False else 60',
  'threads = int(os.environ["THREADS"])',
  'graceful_timeout = int(os.environ.get("GRACE", "x"))',
].join('\n') + '\n'

const conf = (env: Record<string, string> | undefined, complete = false) =>
  resolveGunicorn({
    configFile: {path: '/app/gunicorn.conf.py', text: CONF},
    envComplete: complete,
    ...(env ? {env: Object.fromEntries(Object.entries(env).map(([k, v]) => [k, {value: v, file: '/etc/app.env', line: 2}]))} : {}),
  }).value

describe('gunicorn.conf.py environment lookups with literal defaults', () => {
  it('takes the default, marked assumed, when nothing says the variable is set', () => {
    const c = conf(undefined)
    expect(c.settings.keepalive).toMatchObject({value: 5, origin: {kind: 'file', line: 5}, env: expect.stringMatching(/KEEP_ALIVE not set where conntune can see: the file's default "5" is assumed/)})
    expect(c.settings.bind).toMatchObject({value: ['0.0.0.0:8000'], env: expect.stringMatching(/PORT .*"8000" is assumed/)})
    expect(c.settings.workers).toMatchObject({value: 3})
  })

  it('takes the value the environment sets, with its origin', () => {
    const c = conf({KEEP_ALIVE: '75', PORT: '9000'})
    expect(c.settings.keepalive).toMatchObject({value: 75, env: 'KEEP_ALIVE="75" from /etc/app.env:2'})
    expect(c.settings.bind).toMatchObject({value: ['0.0.0.0:9000']})
  })

  it('says the default is certain when the environment is known complete', () => {
    expect(conf({}, true).settings.keepalive).toMatchObject({value: 5, env: 'KEEP_ALIVE not set: the file\'s default "5"'})
  })

  it('leaves os.environ["X"] without a default, and defaults Python would refuse, unresolved', () => {
    const c = conf(undefined)
    expect(c.unresolved).toEqual(expect.arrayContaining([
      expect.objectContaining({name: 'threads', line: 8, reason: expect.stringMatching(/os\.environ\["THREADS"\] without a default/)}),
      expect.objectContaining({name: 'graceful_timeout', line: 9, reason: expect.stringMatching(/ValueError when executed: int\("x"\)/)}),
      // getenv(..., default=...) is a keyword call: not read as a default.
      expect.objectContaining({name: 'timeout', line: 7}),
    ]))
  })

  it('reads the variable from a systemd EnvironmentFile= of the unit that runs the file', () => {
    const files = {
      '/etc/systemd/system/app.service': '[Service]\nEnvironmentFile=/etc/default/app\nWorkingDirectory=/srv/app\nExecStart=/srv/app/venv/bin/gunicorn -c gunicorn.conf.py app:app\n',
      '/etc/default/app': '# tuned for the ALB\nKEEP_ALIVE=75\n',
      '/srv/app/gunicorn.conf.py': CONF,
    }
    const reader = new MemoryFileReader(files)
    const [inv] = gunicornFromSystemdUnit(files['/etc/systemd/system/app.service'], '/etc/systemd/system/app.service', {reader}).value
    const c = resolveInvocation(inv, {reader}).value
    expect(c.settings.keepalive).toMatchObject({value: 75, env: 'KEEP_ALIVE="75" from /etc/default/app:2'})
    // A systemd service's environment is complete: PORT is not set, so the default is certain.
    expect(c.settings.bind).toMatchObject({value: ['0.0.0.0:8000'], env: 'PORT not set: the file\'s default "8000"'})
  })
})
