// "No findings" means something only next to what was read: every report lists, per host,
// the kernel and where its settings came from, each server and its files and blocks, the
// sockets, and what was skipped. Names from the host are escaped on a terminal.
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {collectFiles} from '../../../src/sources/files.js'
import {auditSnapshots, relativizeResult} from '../../../src/pipeline/audit.js'
import {renderText} from '../../../src/report/text.js'
import {renderMarkdown} from '../../../src/report/markdown.js'
import {toJsonReport} from '../../../src/report/json.js'
import {escapeTerminal as escapeControl} from '../../../src/text/escape.js'
import {ctx} from './results.js'

let repo: string
const ESC_NAME = 'evil\u001B[2J\u202Eod.conf'

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'f-report-read-'))
  mkdirSync(join(repo, 'deploy', 'nginx', 'conf.d'), {recursive: true})
  mkdirSync(join(repo, 'deploy', 'sysctl.d'), {recursive: true})
  mkdirSync(join(repo, 'docs'), {recursive: true})
  // The shape Debian's nginx package ships: events, http with conf.d included by glob.
  writeFileSync(join(repo, 'deploy', 'nginx', 'nginx.conf'), 'user www-data;\nworker_processes auto;\nevents {\n    worker_connections 768;\n}\nhttp {\n    keepalive_timeout 65;\n    include conf.d/*.conf;\n}\n')
  writeFileSync(join(repo, 'deploy', 'nginx', 'conf.d', 'app.conf'), 'upstream app {\n    server 127.0.0.1:8000;\n    keepalive 16;\n}\nserver {\n    listen 80;\n    location / {\n        proxy_pass http://app;\n        proxy_http_version 1.1;\n        proxy_set_header Connection "";\n    }\n    location /static/ {\n        root /srv;\n    }\n}\n')
  writeFileSync(join(repo, 'deploy', 'nginx', 'conf.d', ESC_NAME), 'server {\n    listen 8080;\n}\n')
  writeFileSync(join(repo, 'deploy', 'sysctl.d', '99-tuning.conf'), 'net.ipv4.tcp_fin_timeout = 30\nnet.core.somaxconn = 4096\n')
  writeFileSync(join(repo, 'gunicorn.conf.py'), 'bind = "127.0.0.1:8000"\nkeepalive = 5\n')
  writeFileSync(join(repo, 'docs', 'notes.conf'), 'not a config of a kind conntune knows\n')
})
afterAll(() => rmSync(repo, {recursive: true, force: true}))

function audit() {
  const c = collectFiles(['.'], {toolVersion: 'test', cwd: repo, skipUnknown: true})
  return relativizeResult(auditSnapshots([{snapshot: c.snapshot, source: 'files', entries: c.entries, skipped: c.skipped}], [], {failOn: 'warning'}), repo)
}

describe('what was read', () => {
  test('the pipeline counts the kernel, servers, sockets and skipped files from the model', () => {
    const read = audit().hosts[0].read!
    expect(read.kernel).toMatchObject({release: null, runtime: false, sysctlFiles: ['deploy/sysctl.d/99-tuning.conf']})
    expect(read.kernel.settings.persisted).toBe(2)
    expect(read.kernel.setInFiles).toBe(2)
    expect(read.kernel.defaults).toContain('net.ipv4.tcp_tw_reuse')
    expect(read.kernel.defaults).not.toContain('net.core.somaxconn')
    const nginx = read.servers.find((s) => s.kind === 'nginx')!
    expect(nginx.name).toBe('deploy/nginx/nginx.conf')
    expect(nginx.files).toHaveLength(3)
    expect(nginx.counts).toEqual({servers: 2, proxyLocations: 1, upstreams: 1})
    expect(read.servers.filter((s) => s.kind === 'gunicorn').map((s) => [s.files, s.counts])).toEqual([[['gunicorn.conf.py'], {binds: 1}]])
    expect(read.sockets.observed).toBe(false)
    expect(read.skipped).toEqual([{file: 'docs/notes.conf', reason: expect.stringMatching(/not recognised/)}])
  })

  test('JSON has it in full under hosts[].read', () => {
    const report = toJsonReport(audit(), {name: 'conntune', version: 't'}) as {hosts: Array<{read: unknown}>}
    expect(report.hosts[0].read).toEqual(audit().hosts[0].read)
  })

  test('text lists it compactly before the findings, with host names escaped', () => {
    const text = renderText(audit(), {color: false})
    const head = text.slice(0, text.indexOf('\n\n'))
    expect(head).toMatch(/read: kernel \(version unknown\): 2 set in sysctl\.d 1 file \(deploy\/sysctl\.d\/99-tuning\.conf\), \d+ at the kernel default/)
    expect(head).toMatch(/read: nginx \(version unknown\): 3 files \(.*\); 2 server blocks, 1 proxying location, 1 upstream/)
    expect(head).toContain('read: gunicorn gunicorn.conf.py: 1 file (gunicorn.conf.py); 1 bind')
    expect(head).toContain('read: sockets: not observed')
    expect(head).toContain('skipped: docs/notes.conf')
    expect(head.split('\n').length).toBeLessThanOrEqual(8)
    expect(text).toContain('evil\\x1b[2J\\u202eod.conf')
    expect(text).not.toMatch(/[\u001B\u202E]/)
  })

  test('markdown folds it into a <details> block', () => {
    const md = renderMarkdown(audit(), ctx())
    expect(md).toMatch(/<details>\n<summary>What was read \(1 host\)<\/summary>\n\n\*\*files\*\*\n\n- kernel/)
    expect(md).toContain('- skipped `docs/notes.conf`')
    expect(md).not.toMatch(/[\u001B]/)
  })
})

test('text escapes what a finding quotes from the host too', async () => {
  const {host, result, finding} = await import('./results.js')
  const evil = 'a\u001B]0;owned\u0007b'
  const f = finding({ruleId: 'my-own-rule', severity: 'warning', host: evil, location: {file: `${evil}.conf`, line: 1, text: `${evil}.conf:1`}, message: `saw ${evil}`, evidence: {name: evil}, fix: {summary: `edit ${evil}`, actions: []}})
  const text = renderText(result([host(evil, [f]), host('web2', [])]), {color: false})
  expect(text).not.toMatch(/[\u0000-\u0008\u000B-\u001F\u007F]/)
  expect(text).toContain('a\\x1b]0;owned\\x07b.conf:1')
})

describe('escapeControl', () => {
  test('escapes C0, C1, DEL and bidi controls and leaves other text alone', () => {
    expect(escapeControl('a\u0007b\u009bc\u007f\td\u2066ü→')).toBe('a\\x07b\\x9bc\\x7f\\td\\u2066ü→')
  })
})
