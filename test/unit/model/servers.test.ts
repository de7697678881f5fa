import {MemoryFileReader} from '../../../src/parsers/memory-reader.js'
import {parseNginx} from '../../../src/parsers/nginx/index.js'
import {effectiveLighttpd, parseLighttpd} from '../../../src/parsers/lighttpd/index.js'
import {endpointMatches} from '../../../src/model/servers/address-match.js'
import {buildLighttpdModel} from '../../../src/model/servers/lighttpd.js'
import {buildNginxModel} from '../../../src/model/servers/nginx.js'
import {parseNginxAddress, parseNginxTime, parseProxyPass} from '../../../src/model/servers/nginx-values.js'

function nginx(http: string, version: string | null = '1.24.0', extra: Record<string, string> = {}) {
  const files = {'/etc/nginx/nginx.conf': `events {}\nhttp {\n${http}\n}\n`, ...extra}
  const r = parseNginx('/etc/nginx/nginx.conf', new MemoryFileReader(files))
  expect(r.errors).toEqual([])
  return buildNginxModel({config: r.value, version, versionSource: 'test', source: 'test'})
}

describe('nginx values', () => {
  it('parses nginx times', () => {
    expect(parseNginxTime('75')).toBe(75)
    expect(parseNginxTime('75s')).toBe(75)
    expect(parseNginxTime('1m30s')).toBe(90)
    expect(parseNginxTime('500ms')).toBe(0.5)
    expect(parseNginxTime('1h')).toBe(3600)
    expect(parseNginxTime('10x')).toBeNull()
    expect(parseNginxTime('')).toBeNull()
  })

  it('parses listen and server addresses', () => {
    expect(parseNginxAddress('8080', 80)).toMatchObject({host: '*', port: 8080})
    expect(parseNginxAddress('127.0.0.1:8000', 80)).toMatchObject({host: '127.0.0.1', port: 8000})
    expect(parseNginxAddress('[::1]:80', 80)).toMatchObject({host: '::1', port: 80})
    expect(parseNginxAddress('[::]', 80)).toMatchObject({host: '::', port: 80})
    expect(parseNginxAddress('backend.internal', 80)).toMatchObject({host: 'backend.internal', port: 80})
    expect(parseNginxAddress('unix:/run/app.sock', 80)).toMatchObject({unix: '/run/app.sock', port: null})
  })

  it('parses proxy_pass targets', () => {
    expect(parseProxyPass('http://app')).toMatchObject({scheme: 'http', host: 'app', port: null, dynamic: false})
    expect(parseProxyPass('https://10.0.0.2:8443/api/')).toMatchObject({host: '10.0.0.2', port: 8443})
    expect(parseProxyPass('http://unix:/run/g.sock:/x')).toMatchObject({unix: '/run/g.sock'})
    expect(parseProxyPass('http://$backend')).toMatchObject({dynamic: true})
  })
})

describe('nginx model', () => {
  it('inherits keepalive_timeout http → server → location and names the line that decides', () => {
    const m = nginx(`keepalive_timeout 30s;\nserver { listen 80; location / { } location /slow/ { keepalive_timeout 5s; } }\nserver { listen 81; keepalive_timeout 90s; }`)
    expect(m.servers.map((s) => s.keepaliveTimeout.num)).toEqual([30, 90])
    expect(m.servers[0].keepaliveTimeout.origin).toBe('set in http at /etc/nginx/nginx.conf:3')
    const groups = m.clientKeepalive.map((g) => [g.timeout.value, g.appliesTo.length])
    expect(groups).toEqual([['30s', 1], ['90s', 1], ['5s', 1]])
  })

  it('gives defaults by version, with where they would be written', () => {
    const old = nginx('upstream app { server 127.0.0.1:8000; }\nserver { listen 80; location / { proxy_pass http://app; } }', '1.18.0')
    expect(old.servers[0].keepaliveRequests.value).toBe('100')
    expect(old.upstreams[0].keepalive).toMatchObject({num: 0, explicit: false})
    expect(old.locations[0]).toMatchObject({proxyHttpVersion: {value: '1.0'}, connectionHeader: {value: 'close'}, reusesUpstream: false})
    const now = nginx('upstream app { server 127.0.0.1:8000; }\nserver { listen 80; location / { proxy_pass http://app; } }', '1.29.7')
    expect(now.servers[0].keepaliveRequests.value).toBe('1000')
    expect(now.upstreams[0].keepalive).toMatchObject({value: '32 local', num: 32, explicit: false})
    expect(now.locations[0]).toMatchObject({proxyHttpVersion: {value: '1.1'}, connectionHeader: {value: ''}, reusesUpstream: true})
    expect(now.upstreams[0].keepalive.insertAt).toMatchObject({file: '/etc/nginx/nginx.conf', line: 3, context: 'upstream app'})
  })

  it('drops outer proxy_set_header lines where a location sets its own, as nginx does', () => {
    const m = nginx(`proxy_http_version 1.1;\nproxy_set_header Connection "";\nupstream app { server 127.0.0.1:8000; keepalive 8; }\nserver { listen 80;\n location /a/ { proxy_pass http://app; }\n location /b/ { proxy_pass http://app; proxy_set_header Host $host; } }`)
    const [a, b] = m.locations
    expect(a.connectionHeader).toMatchObject({value: '', explicit: true})
    expect(a.reusesUpstream).toBe(true)
    expect(b.connectionHeader).toMatchObject({value: 'close', explicit: false})
    expect(b.reusesUpstream).toBe(false)
  })

  it('makes an implicit upstream for proxy_pass host:port, which never keeps connections', () => {
    const m = nginx('upstream app { server 127.0.0.1:8000; keepalive 8; }\nserver { listen 80;\n location / { proxy_pass http://10.0.0.9:9000/; }\n location /x/ { proxy_pass http://10.0.0.9:9000; }\n location /d/ { proxy_pass http://$upstream_host; } }', '1.30.0')
    const implicit = m.upstreams.filter((u) => u.implicit)
    expect(implicit).toHaveLength(1)
    expect(implicit[0]).toMatchObject({name: '10.0.0.9:9000', keepalive: {num: 0}, locations: [0, 1]})
    expect(m.locations[2].proxyPass).toMatchObject({dynamic: true, upstream: null})
  })

  it('finds locations inside nested locations and if blocks, across includes', () => {
    const m = nginx('include /etc/nginx/conf.d/*.conf;', '1.24.0', {
      '/etc/nginx/conf.d/a.conf': 'server { listen 80; location / { location /api/ { proxy_pass http://127.0.0.1:8000; } if ($x) { } } }\n',
    })
    expect(m.locations.map((l) => [l.path, l.file, l.line])).toEqual([['/api/', '/etc/nginx/conf.d/a.conf', 1]])
  })

  it('reads listen backlogs', () => {
    const m = nginx('server { listen 80 backlog=4096 reuseport; listen [::]:443 ssl http2; }')
    expect(m.servers[0].listen.map((l) => [l.host, l.port, l.backlog, l.ssl])).toEqual([['*', 80, 4096, false], ['::', 443, null, true]])
  })
})

describe('matching client targets to listeners', () => {
  it('follows wildcard, loopback and unix rules', () => {
    const e = (host: string | null, port: number | null, unix: string | null = null) => ({host, port, unix})
    expect(endpointMatches(e('127.0.0.1', 8000), e('0.0.0.0', 8000))).toBe(true)
    expect(endpointMatches(e('localhost', 8000), e('127.0.0.1', 8000))).toBe(true)
    expect(endpointMatches(e('::1', 8000), e('::', 8000))).toBe(true)
    expect(endpointMatches(e('127.0.0.1', 8000), e('::', 8000))).toBe(true)
    expect(endpointMatches(e('127.0.0.1', 8001), e('0.0.0.0', 8000))).toBe(false)
    expect(endpointMatches(e('10.0.0.2', 8000), e('127.0.0.1', 8000))).toBe(false)
    expect(endpointMatches(e(null, null, '/run/g.sock'), e(null, null, '/run/g.sock'))).toBe(true)
    expect(endpointMatches(e(null, null, '/run/g.sock'), e('127.0.0.1', 8000))).toBe(false)
  })
})

describe('lighttpd model', () => {
  function lighttpd(text: string, version: string | null) {
    const r = parseLighttpd('/etc/lighttpd/lighttpd.conf', new MemoryFileReader({'/etc/lighttpd/lighttpd.conf': text}))
    return buildLighttpdModel({effective: effectiveLighttpd(r.value), entry: '/etc/lighttpd/lighttpd.conf', files: r.value.files, version, versionSource: 'test'})
  }

  it('takes keep-alive request defaults by version', () => {
    expect(lighttpd('server.port = 80\n', '1.4.45').scopes[0].keepAliveRequests.num).toBe(16)
    expect(lighttpd('server.port = 80\n', '1.4.55').scopes[0].keepAliveRequests.num).toBe(100)
    expect(lighttpd('server.port = 80\n', '1.4.69').scopes[0].keepAliveRequests.num).toBe(1000)
    expect(lighttpd('server.port = 80\n', null).scopes[0].keepAliveIdle.num).toBe(5)
  })

  it('keeps conditional scopes, listen sockets and proxy targets', () => {
    const m = lighttpd('server.port = 8080\nserver.modules += ("mod_proxy")\n$SERVER["socket"] == ":443" { server.max-keep-alive-idle = 30 }\nproxy.server = ("" => (("host" => "127.0.0.1", "port" => 8000)))\n', '1.4.69')
    expect(m.scopes.map((s) => [s.label, s.keepAliveIdle.num])).toEqual([['global', 5], ['$SERVER["socket"] == ":443"', 30]])
    expect(m.listen.map((l) => [l.host, l.port])).toEqual([['*', 8080], ['*', 443]])
    expect(m.proxies).toMatchObject([{host: '127.0.0.1', port: 8000}])
  })
})

describe('Connection from a map keyed on something else', () => {
  const tenants = (n: number, value: (i: number) => string) =>
    nginx(`map $host $conn {\n  default "";\n${Array.from({length: n}, (_, i) => `  t${i}.example ${value(i)};`).join('\n')}\n}\nupstream app { server 127.0.0.1:8000; keepalive 8; }\nserver { listen 80; location / { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection $conn; } }`)

  it('decides it when every value agrees', () => {
    expect(tenants(3, () => '""').locations[0]!.connection).toMatchObject({value: '', closes: false, how: 'every value of map $host $conn at /etc/nginx/nginx.conf:3 is ""'})
  })

  it('names the differing values, the first eight of a large map and how many more', () => {
    expect(tenants(2, (i) => (i ? 'close' : 'keep-alive')).locations[0]!.connection).toMatchObject({value: null, closes: null, how: expect.stringContaining('its values differ ("", "keep-alive", "close"): what')})
    const many = tenants(12, (i) => `v${i}`).locations[0]!.connection.how
    expect(many).toContain('its values differ ("", "v0", "v1", "v2", "v3", "v4", "v5", "v6", … 5 more): what')
  })
})

describe('Connection from a `set` variable', () => {
  // The rewrite module runs the server's `set`s, then the location's: the nearest wins, a later
  // one in the same block wins, and a sibling location's `set` is not in scope.
  it('the nearest set wins; siblings do not see each other', () => {
    const m = nginx(`upstream app { server 127.0.0.1:8000; keepalive 8; }
server { listen 80;
  set $conn close;
  set $conn2 close;
  set $conn2 "";
  location /own/ { set $conn ""; proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection $conn; }
  location /inherited/ { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection $conn; }
  location /later/ { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection $conn2; }
  location /outer/ { location /outer/inner/ { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection $conn; } }
}`)
    const by = (path: string) => m.locations.find((l) => l.path === path)!.connection
    expect(by('/own/')).toMatchObject({value: '', closes: false})
    expect(by('/inherited/')).toMatchObject({value: 'close', closes: true})
    expect(by('/later/')).toMatchObject({value: '', closes: false})
    expect(by('/outer/inner/')).toMatchObject({value: 'close', closes: true})
  })
})

describe('other uses of a map variable sent as Connection', () => {
  // Editing a map also changes every other directive that reads its variable: those are named
  // (once per directive, ${name} and $name alike; another map keyed on it, or returning it, reads
  // it; the map defining it and Connection headers do not), a few of them when there are many.
  const ws = (extra: string) =>
    nginx(`map $http_upgrade $connection_upgrade { default upgrade; '' close; }
map $connection_upgrade $other { default 1; }
upstream app { server 127.0.0.1:8000; keepalive 8; }
server { listen 80;
  location / { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection $connection_upgrade; }
${extra}
}`).locations[0]!.connection.fixHow
  it('names each directive that reads it', () => {
    expect(ws('  add_header X-C "$connection_upgrade/$connection_upgrade";\n  location /b/ { return 200 "${connection_upgrade}"; proxy_set_header Connection $connection_upgrade; }')).toMatch(
      /^\$connection_upgrade is also used by map at \/etc\/nginx\/nginx\.conf:4, add_header at \/etc\/nginx\/nginx\.conf:8, return at \/etc\/nginx\/nginx\.conf:9: editing the map/,
    )
  })
  it('a map used only as Connection headers is edited in place', () => {
    const m = nginx(`map $http_upgrade $connection_upgrade { default upgrade; '' close; }
geo $connection_upgrade_geo { default 1; }
upstream app { server 127.0.0.1:8000; keepalive 8; }
server { listen 80;
  location / { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection $connection_upgrade; }
  location /b/ { proxy_set_header Connection $connection_upgrade; }
}`)
    expect(m.locations[0]!.connection.fixHow).toMatch(/^in map \$http_upgrade \$connection_upgrade/)
  })
  it('a map value that returns it is a use', () => {
    const m = nginx(`map $http_upgrade $connection_upgrade { default upgrade; '' close; }
map $host $echo { default $connection_upgrade; }
upstream app { server 127.0.0.1:8000; keepalive 8; }
server { listen 80;
  location / { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection $connection_upgrade; }
}`)
    expect(m.locations[0]!.connection.fixHow).toMatch(/^\$connection_upgrade is also used by a map entry at \/etc\/nginx\/nginx\.conf:4: editing/)
  })
  it('a few of many uses', () => {
    const many = Array.from({length: 9}, (_, i) => `  location /x${i}/ { add_header X-C $connection_upgrade; }`).join('\n')
    expect(ws(many)).toMatch(/^\$connection_upgrade is also used by map at \S+, (add_header at \S+, ){3}add_header at \S+ and 5 more: editing/)
  })
})
