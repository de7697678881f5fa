// `nginx -T` output: "# configuration file PATH:\n" + file bytes + "\n" per file, in the order
// nginx first opened them (the real test checks this against the installed nginx).
import {parseNginx, splitNginxDump} from '../../../../src/parsers/nginx/index.js'
import {MemoryFileReader} from '../../../../src/parsers/memory-reader.js'
import {loadFixture} from './helpers.js'

const dump = (files: Array<[string, string]>) => files.map(([p, t]) => `# configuration file ${p}:\n${t}\n`).join('')

describe('splitNginxDump', () => {
  it('splits files, drops the newline nginx appends and keeps each file\'s own', () => {
    const text = dump([
      ['/etc/nginx/nginx.conf', 'events {}\nhttp { include conf.d/*.conf; }\n'],
      ['/etc/nginx/conf.d/a.conf', 'gzip on;'],
      ['/etc/nginx/conf.d/b.conf', '\n\n'],
    ])
    expect(splitNginxDump(text)).toEqual({
      value: {
        entry: '/etc/nginx/nginx.conf',
        files: {
          '/etc/nginx/nginx.conf': 'events {}\nhttp { include conf.d/*.conf; }\n',
          '/etc/nginx/conf.d/a.conf': 'gzip on;',
          '/etc/nginx/conf.d/b.conf': '\n\n',
        },
      },
      errors: [],
    })
  })

  it('ignores the "syntax is ok" lines when stderr was captured too', () => {
    const text = 'nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\n' +
      'nginx: configuration file /etc/nginx/nginx.conf test is successful\n' +
      dump([['/etc/nginx/nginx.conf', 'events {}\n']])
    expect(splitNginxDump(text).value).toEqual({entry: '/etc/nginx/nginx.conf', files: {'/etc/nginx/nginx.conf': 'events {}\n'}})
  })

  it('keeps a header-looking line that no include explains inside the file (real)', () => {
    const x = '# configuration file /fake:\nmap $host $b { default 1; }\n'
    const text = dump([['/etc/nginx/nginx.conf', 'http { include sub/x.conf; }\n'], ['/etc/nginx/sub/x.conf', x]])
    expect(splitNginxDump(text).value.files).toEqual({
      '/etc/nginx/nginx.conf': 'http { include sub/x.conf; }\n',
      '/etc/nginx/sub/x.conf': x,
    })
  })

  it('is not fooled by a saved dump pasted into a comment of a real file', () => {
    // backup.conf holds, in comments, headers for files that really exist later in the dump.
    const backup = '# old dump:\n# configuration file /etc/nginx/b.conf:\n# configuration file /etc/nginx/nginx.conf:\nx 1;\n'
    const text = dump([
      ['/etc/nginx/nginx.conf', 'include a.conf;\ninclude b.conf;\n'],
      ['/etc/nginx/a.conf', backup],
      ['/etc/nginx/b.conf', 'b 1;\n'],
    ])
    expect(splitNginxDump(text).value.files).toEqual({
      '/etc/nginx/nginx.conf': 'include a.conf;\ninclude b.conf;\n',
      '/etc/nginx/a.conf': backup,
      '/etc/nginx/b.conf': 'b 1;\n',
    })
  })

  it('follows nested includes back up to the parent\'s next include', () => {
    const text = dump([
      ['/etc/nginx/nginx.conf', 'include a.conf; include d/*.conf;'],
      ['/etc/nginx/a.conf', 'include b.conf;'],
      ['/etc/nginx/b.conf', 'include a.conf; b;'],
      ['/etc/nginx/d/1.conf', 'one;'],
      ['/etc/nginx/d/2.conf', 'two;'],
    ])
    expect(Object.keys(splitNginxDump(text).value.files)).toEqual([
      '/etc/nginx/nginx.conf', '/etc/nginx/a.conf', '/etc/nginx/b.conf', '/etc/nginx/d/1.conf', '/etc/nginx/d/2.conf',
    ])
  })

  it('says so when there is no dump at all', () => {
    const r = splitNginxDump('nginx: [emerg] unexpected "}" in /etc/nginx/nginx.conf:3\nnginx: configuration file /etc/nginx/nginx.conf test failed\n', 'web1: nginx -T')
    expect(r.value).toEqual({entry: '', files: {}})
    expect(r.errors.map(String)).toEqual([
      'web1: nginx -T:1:1: no "# configuration file PATH:" header found: nginx: [emerg] unexpected "}" in /etc/nginx/nginx.conf:3',
    ])
  })

  it('round-trips a fixture: split then parse equals parsing the files', () => {
    const files = loadFixture('multi-site')
    const direct = parseNginx('/etc/nginx/nginx.conf', new MemoryFileReader(files))
    const order = ['/etc/nginx/nginx.conf', '/etc/nginx/mime.types', '/etc/nginx/conf.d/gzip.conf',
      '/etc/nginx/conf.d/limits.conf', '/etc/nginx/conf.d/maps.conf', '/etc/nginx/conf.d/upstreams.conf',
      '/etc/nginx/sites-enabled/00-default.conf', '/etc/nginx/sites-enabled/api.example.com.conf',
      '/etc/nginx/snippets/proxy-headers.conf', '/etc/nginx/sites-enabled/app.example.com.conf',
      '/etc/nginx/sites-enabled/example.com.conf', '/etc/nginx/snippets/security-headers.conf',
      '/etc/nginx/snippets/static-cache.conf', '/etc/nginx/snippets/php.conf', '/etc/nginx/fastcgi_params',
      '/etc/nginx/sites-enabled/legacy-intranet', '/etc/nginx/sites-enabled/static.example.com.conf']
    expect([...order].sort()).toEqual(direct.value.files.map((f) => f.file).sort())
    const split = splitNginxDump(dump(order.map((p) => [p, files[p]])))
    expect(split.errors).toEqual([])
    const again = parseNginx(split.value.entry, new MemoryFileReader(split.value.files))
    expect(again.value).toEqual(direct.value)
  })
})
