// A report on stdout is written as it is rendered (src/cli/write.ts writeStdout): whatever the
// pipe does — fills up while nonblocking (EAGAIN), or is closed by its reader (EPIPE) — the
// reader gets the same bytes as a file would, or the output ends quietly.
import {spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {BIN, REPO} from './run-cli.js'

// Many times the 64 KiB a pipe holds: 100 upstreams on other hosts, two findings each.
const conf = ['events {}', 'http {', ...Array.from({length: 100}, (_, i) => `upstream app${i} { server 10.0.${i}.1:8000; server 10.1.${i}.1:8000; keepalive 16; }\nserver { listen 80; server_name s${i}.example; location / { proxy_pass http://app${i}; proxy_http_version 1.1; proxy_set_header Connection ""; } }`), '}', ''].join('\n')

// A nonblocking pipe whose reader waits before reading: conntune's writes get EAGAIN.
const SLOW_READER = `
import os, subprocess, sys, time
r, w = os.pipe()
os.set_blocking(w, False)
p = subprocess.Popen(sys.argv[1:], stdout=w, stderr=subprocess.DEVNULL)
os.close(w)
time.sleep(0.5)
out = bytearray()
while True:
    b = os.read(r, 65536)
    if not b:
        break
    out += b
sys.stdout.buffer.write(out)
sys.exit(p.wait())
`

describe('a report on stdout', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ct-stdout-'))
    writeFileSync(join(dir, 'nginx.conf'), conf)
  })
  afterAll(() => rmSync(dir, {recursive: true, force: true}))

  const args = () => [BIN, 'check', join(dir, 'nginx.conf'), '--nginx-version', '1.24.0', '--format', 'json', '--fail-on', 'none']

  it('through a nonblocking pipe that fills up: the same bytes as --output writes', () => {
    const file = join(dir, 'report.json')
    expect(spawnSync(process.execPath, [...args(), '-o', file], {cwd: REPO}).status).toBe(0)
    const expected = readFileSync(file, 'utf8')
    expect(expected.length).toBeGreaterThan(4 * 65536)
    const r = spawnSync('python3', ['-c', SLOW_READER, process.execPath, ...args()], {cwd: REPO, encoding: 'utf8', maxBuffer: 64 << 20})
    expect(r.status).toBe(0)
    expect(r.stdout).toBe(expected)
  })

  it('to a reader that stops early: ends quietly, no stack trace', () => {
    const r = spawnSync('bash', ['-c', `"${process.execPath}" ${args().map((a) => `'${a}'`).join(' ')} | head -c 100 >/dev/null; echo "rc=\${PIPESTATUS[0]}"`], {cwd: REPO, encoding: 'utf8'})
    expect({stdout: r.stdout, stderr: r.stderr}).toEqual({stdout: 'rc=0\n', stderr: ''})
  })
})
