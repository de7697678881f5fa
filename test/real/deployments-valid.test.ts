// Every configuration in the deployment corpus is one the real server accepts: nginx -t,
// lighttpd -tt, gunicorn --check-config, each on a staged copy so nothing outside a temporary
// directory is read for state or written.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {spawnSync} from 'node:child_process'
import {describeReal, missingProgram} from './require-real.js'
import {loadDeployments} from '../integration/deployments-load.js'

const deployments = loadDeployments()
const cases = (kind: 'nginx' | 'lighttpd' | 'gunicorn') => deployments.flatMap((d) => (d.spec.validate?.[kind] ?? []).map((f) => [`${d.name}: ${f}`, d, f] as const))

function stage(dir: string): string {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'conntune-deploy-'))
  fs.cpSync(dir, tmp, {recursive: true})
  return tmp
}

function run(cmd: string, args: string[], opts: {cwd?: string; env?: Record<string, string>} = {}) {
  const r = spawnSync(cmd, args, {encoding: 'utf8', timeout: 60_000, cwd: opts.cwd, env: {...process.env, ...opts.env}})
  return {status: r.status, out: `${r.stdout}${r.stderr}`}
}

describeReal('deployment corpus: nginx -t', [missingProgram('nginx', ['-v'])], () => {
  const list = cases('nginx')
  if (list.length === 0) it('has no nginx configs', () => undefined)
  else it.each(list)('%s', (_n, d, file) => {
    const tmp = stage(d.dir)
    try {
      const conf = path.join(tmp, file)
      const r = run('nginx', ['-t', '-q', '-p', `${tmp}/`, '-c', conf, '-g', `error_log ${tmp}/error.log; pid ${tmp}/nginx.pid;`])
      expect({file, status: r.status, out: r.out}).toEqual({file, status: 0, out: expect.any(String)})
    } finally {
      fs.rmSync(tmp, {recursive: true, force: true})
    }
  })
})

describeReal('deployment corpus: lighttpd -tt', [missingProgram('lighttpd', ['-v'])], () => {
  const list = cases('lighttpd')
  if (list.length === 0) it('has no lighttpd configs', () => undefined)
  else it.each(list)('%s', (_n, d, file) => {
    const tmp = stage(d.dir)
    try {
      const r = run('lighttpd', ['-tt', '-f', path.join(tmp, file)], {cwd: path.dirname(path.join(tmp, file))})
      expect({file, status: r.status, out: r.out}).toEqual({file, status: 0, out: expect.any(String)})
    } finally {
      fs.rmSync(tmp, {recursive: true, force: true})
    }
  })
})

describeReal('deployment corpus: gunicorn --check-config', [missingProgram('gunicorn')], () => {
  const list = cases('gunicorn')
  if (list.length === 0) it('has no gunicorn configs', () => undefined)
  else it.each(list)('%s', (_n, d, file) => {
    const tmp = stage(d.dir)
    try {
      // --check-config imports the app: a harmless WSGI module stands in for the project's.
      fs.writeFileSync(path.join(tmp, 'conntune_probe_app.py'), 'def app(environ, start_response):\n    start_response("200 OK", [])\n    return [b""]\n')
      // The config is checked as it reads with nothing set: no variable of the test's own.
      const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !['PORT', 'WEB_CONCURRENCY', 'GUNICORN_CMD_ARGS', 'KEEP_ALIVE'].includes(k)))
      const r = spawnSync('gunicorn', ['--check-config', '-c', path.join(tmp, file), 'conntune_probe_app:app'], {cwd: tmp, encoding: 'utf8', timeout: 60_000, env: {...clean, PYTHONPATH: tmp, PYTHONDONTWRITEBYTECODE: '1'}})
      expect({file, status: r.status, out: `${r.stdout}${r.stderr}`}).toEqual({file, status: 0, out: expect.any(String)})
    } finally {
      fs.rmSync(tmp, {recursive: true, force: true})
    }
  })
})
