// Compose services that start gunicorn: command/entrypoint (string and list forms), the
// environment (`environment:` map or list over `env_file:`), ${VAR:-default} interpolation.
import {gunicornFromCompose} from '../../../../src/parsers/gunicorn/sources.js'
import {resolveInvocation} from '../../../../src/parsers/gunicorn/index.js'
import {MemoryFileReader} from '../../../../src/parsers/memory-reader.js'

const files = {
  '/repo/docker-compose.yml': [
    'services:',
    '  web:',
    '    build: .',
    '    entrypoint: ["tini", "--"]',
    '    command: gunicorn -k gthread --threads 4 --keep-alive ${KEEP_ALIVE:-70} app:app',
    '    env_file: [web.env]',
    '    environment:',
    '      - GUNICORN_CMD_ARGS=--timeout 90',
    '  api:',
    '    command: ["gunicorn", "-k", "uvicorn.workers.UvicornWorker", "api:app"]',
    '    environment:',
    '      WEB_CONCURRENCY: "8"',
    '      GUNICORN_CMD_ARGS: "--keep-alive 20"',
    '  worker:',
    '    command: celery -A app worker',
    '',
  ].join('\n'),
  '/repo/web.env': 'GUNICORN_CMD_ARGS=--timeout 10\nWEB_CONCURRENCY=2\n',
}
const reader = new MemoryFileReader(files)

describe('gunicornFromCompose', () => {
  const r = gunicornFromCompose(files['/repo/docker-compose.yml'], '/repo/docker-compose.yml', {reader})
  const byName = Object.fromEntries(r.value.map((i) => [i.name, resolveInvocation(i, {reader}).value]))

  it('finds the services that start gunicorn, with the line of their command', () => {
    expect(r.errors).toEqual([])
    expect(r.value.map((i) => [i.name, i.line, i.wrappers])).toEqual([['web', 5, ['tini']], ['api', 10, []]])
  })

  it('reads the string form, ${VAR:-default}, env_file under environment:', () => {
    const web = byName.web
    expect(web.worker).toMatchObject({family: 'gthread'})
    expect(web.settings.keepalive).toMatchObject({value: 70, origin: {kind: 'argv', file: '/repo/docker-compose.yml', line: 5}})
    // environment: wins over env_file: for the same variable.
    expect(web.settings.timeout).toMatchObject({value: 90, origin: {kind: 'cmd_args', file: '/repo/docker-compose.yml', line: 8}})
    expect(web.settings.workers).toMatchObject({value: 2, origin: {kind: 'env', file: '/repo/web.env', line: 2}})
  })

  it('reads the list form and a map environment (UvicornWorker keeps connections for keepalive)', () => {
    const api = byName.api
    expect(api.worker).toMatchObject({family: 'uvicorn', keepsIdleConnections: true, idleTimeout: {seconds: 20, source: 'keepalive'}})
    expect(api.settings.workers).toMatchObject({value: 8})
  })
})

// The Compose specification's "Fragments": an `x-` extension anchored and merged into services
// with `<<:` (YAML merge keys), a whole service as an alias, an environment map merged and
// partly overridden. A merge is shallow: a key the service sets replaces the fragment's.
describe('gunicornFromCompose with anchors and merge keys', () => {
  const compose = [
    'x-app: &app',
    '  build: .',
    '  command: gunicorn --bind 0.0.0.0:8000 --keep-alive 75 config.wsgi:application',
    '  environment: &app-env',
    '    DJANGO_SETTINGS_MODULE: config.settings',
    '    GUNICORN_CMD_ARGS: "--timeout 45"',
    '    WEB_CONCURRENCY: "3"',
    'x-ports: &ports',
    '  ports: ["8000:8000"]',
    'services:',
    '  web:',
    '    <<: [*ports, *app]',
    '  admin:',
    '    <<: *app',
    '    command: gunicorn --keep-alive 5 config.wsgi:application',
    '    environment:',
    '      <<: *app-env',
    '      WEB_CONCURRENCY: "9"',
    '  copy: *app',
    '  db:',
    '    image: postgres:16',
    '',
  ].join('\n')
  const f = {'/repo/compose.yaml': compose}
  const r = gunicornFromCompose(compose, '/repo/compose.yaml', {reader: new MemoryFileReader(f)})
  const byName = Object.fromEntries(r.value.map((i) => [i.name, resolveInvocation(i, {reader: new MemoryFileReader(f)}).value]))

  it('finds the services whose command comes from a merged or aliased fragment', () => {
    expect(r.errors).toEqual([])
    expect(r.value.map((i) => i.name)).toEqual(['web', 'admin', 'copy'])
  })

  it('takes the fragment command and environment, and the service own keys over them', () => {
    expect(byName.web.settings.keepalive).toMatchObject({value: 75})
    expect(byName.web.settings.timeout).toMatchObject({value: 45, origin: {kind: 'cmd_args'}})
    expect(byName.web.settings.workers).toMatchObject({value: 3})
    expect(byName.admin.settings.keepalive).toMatchObject({value: 5})
    expect(byName.admin.settings.timeout).toMatchObject({value: 45})
    expect(byName.admin.settings.workers).toMatchObject({value: 9})
    expect(byName.copy.settings.keepalive).toMatchObject({value: 75})
  })

  it('stays bounded on merge keys that fan out (billion-laughs shape)', () => {
    const lines = ['x-0: &a0 {command: gunicorn --keep-alive 7 app:app}']
    // 4^12 paths through the merges: walked whole, this would not finish.
    for (let i = 1; i < 13; i++) lines.push(`x-${i}: &a${i} {<<: [*a${i - 1}, *a${i - 1}, *a${i - 1}, *a${i - 1}]}`)
    lines.push('services:', '  web: {<<: *a12, environment: {<<: *a12}}', '')
    const text = lines.join('\n')
    const got = gunicornFromCompose(text, '/repo/compose.yaml', {reader: new MemoryFileReader({'/repo/compose.yaml': text})})
    expect(got.value.map((i) => i.name)).toEqual(['web'])
    expect(resolveInvocation(got.value[0]!, {}).value.settings.keepalive).toMatchObject({value: 7})
  })
})
