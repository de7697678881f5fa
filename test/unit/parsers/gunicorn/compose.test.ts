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
