// The collector's include scan (follow_includes), run on its own over a tree in a temp dir: the
// shapes nginx trees ship (relative includes against the main config's directory, as nginx
// resolves them; absolute globs; quoted names; nested rounds; a file included twice; includes
// with variables, which nginx does not expand), the same files with grep and with the plain
// `read` fallback a host without grep takes.
import {spawnSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {collectorScript} from '../../../src/sources/collector-script.js'

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ct-coll-inc-'))
  const w = (p: string, text: string) => {
    mkdirSync(join(dir, p, '..'), {recursive: true})
    writeFileSync(join(dir, p), text)
  }
  // The main config is in etc/nginx; "conf.d/*.conf" is relative to that directory.
  w('etc/nginx/nginx.conf', `events {}\nhttp {\n  include mime.types;\n  include "conf.d/*.conf";\n  include ${dir}/srv/sites/*.conf; # absolute\n  include $x/never.conf;\n}\n`)
  w('etc/nginx/mime.types', 'types { text/html html; }\n')
  w('etc/nginx/conf.d/a.conf', "upstream app { server unix:/run/app.sock; }\ninclude 'snippets/proxy.conf';\n")
  w('etc/nginx/conf.d/b.conf.disabled', 'include never-read.conf;\n')
  // Relative to the main config's directory, not to conf.d/: nginx's rule (ngx_conf_full_name).
  w('etc/nginx/snippets/proxy.conf', 'proxy_http_version 1.1;\ninclude mime.types;\n')
  w('etc/nginx/never-read.conf', '')
  w('srv/sites/one.conf', 'server { listen 80; include snippets/proxy.conf; }')
  w('srv/sites/two.conf', 'server { listen 81; }\r\ninclude   conf.d/deep/*.conf ;\r\n')
  w('etc/nginx/conf.d/deep/x.conf', 'keepalive_timeout 5s;\n')
  // A PATH with head and nothing else: the host without grep.
  mkdirSync(join(dir, 'bin'))
  symlinkSync(spawnSync('sh', ['-c', 'command -v head'], {encoding: 'utf8'}).stdout.trim(), join(dir, 'bin/head'))
})
afterAll(() => rmSync(dir, {recursive: true, force: true}))

/** The script's functions without its last line (which runs main), then one include scan. */
function scan(withGrep: boolean): string[] {
  const script = collectorScript().replace(/\nmain "\$@" <\/dev\/null\n?$/, '\n')
  const main = `${dir}/etc/nginx/nginx.conf`
  const driver = [
    'set -f',
    "NL='\n'",
    'IFS=" \t$NL"',
    'B=--conntune-test',
    'CONFIG_BYTES=4194304 INCLUDE_ROUNDS=32 QN=0 QL=0 LQN=0',
    'HAVE_DEVFD= HAVE_READLINK=',
    `HAVE_GREP=${withGrep ? 1 : ''}`,
    'DONE_FILES=$NL OK_FILES=$NL DONE_DIRS=$NL',
    `cap_file '${main}'`,
    `follow_includes nginx '${main}' '${dir}/none'`,
    'read_batch',
  ].join('\n')
  const r = spawnSync('/bin/sh', ['-c', `${script}\n${driver}\n`], {encoding: 'latin1', env: {PATH: withGrep ? process.env.PATH : join(dir, 'bin'), LC_ALL: 'C'}})
  expect(r.stderr).toBe('')
  return [...r.stdout.matchAll(/^--conntune-test FILE ok \d+ (.*)$/gm)].map((m) => m[1].replace(dir, ''))
}

describe('collector include scan', () => {
  const expected = ['/etc/nginx/nginx.conf', '/etc/nginx/mime.types', '/etc/nginx/conf.d/a.conf', '/srv/sites/one.conf', '/srv/sites/two.conf', '/etc/nginx/snippets/proxy.conf', '/etc/nginx/conf.d/deep/x.conf']

  it('finds every file nginx would include, once, in scan order (grep)', () => {
    expect(scan(true)).toEqual(expected)
  })

  it('the read fallback (no grep on the host) finds the same', () => {
    expect(scan(false)).toEqual(expected)
  })
})
