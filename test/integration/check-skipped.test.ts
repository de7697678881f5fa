// A Procfile or Dockerfile that runs no gunicorn is a valid file with nothing for conntune: it
// is listed as skipped, and the check goes on (it used to be a fatal "cannot tell" exit 2).
import path from 'node:path'
import {conntune, json, REPO} from './run-cli.js'

const DIR = path.join(REPO, 'test/deployments/procfile-worker-and-celery-dockerfile')

describe('check: files that run no gunicorn', () => {
  it('lists a named Procfile and Dockerfile without gunicorn as skipped (JSON and text)', () => {
    const files = ['Procfile.worker', 'Dockerfile.worker', 'gunicorn.conf.py'].map((f) => path.join(DIR, f))
    const r = conntune(['check', ...files, '--format', 'json'])
    expect(r.code).toBe(0)
    expect(json(r).hosts[0].skipped).toEqual([
      {file: expect.stringMatching(/Procfile\.worker$/), reason: 'a Procfile that does not run gunicorn'},
      {file: expect.stringMatching(/Dockerfile\.worker$/), reason: 'a Dockerfile that does not run gunicorn'},
    ])
    const text = conntune(['check', ...files])
    expect(text.stdout).toMatch(/skipped: .*Procfile\.worker: a Procfile that does not run gunicorn/)
  })
})
