// Generated nginx trees for the scale benches (bench/scale.mjs) and the growth-exponent test.
// Each shape writes into `dir` and returns {entry, bytes, files}. Shapes:
//   a  the shape: per server an upstream of two servers with keepalive, IPv4 + IPv6
//      listeners, three locations, the usual proxy headers (1 000 servers per include file)
//   b  every server yields findings (upstream without keepalive, short timeouts, HTTP/1.0
//      to the backend) and every proxy target matches no listener on the host
//   c  thousands of distinct listen addresses, and upstream targets that do match them
//   s  one shared upstream (and one WebSocket map) behind every server: the shared-hosting or
//      multi-tenant shape, where every location's settings land on the same upstream
//   d1 one large file; d2 one include file per server; d3 a deep include chain
import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

const ip4 = (i, a = 10) => `${a}.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`
const head = (body) => `user www-data;\nworker_processes auto;\npid /run/nginx.pid;\nevents {\n    worker_connections 4096;\n}\nhttp {\n    server_names_hash_max_size 262144;\n    server_names_hash_bucket_size 128;\n    sendfile on;\n    tcp_nopush on;\n    keepalive_timeout 65s;\n    types_hash_max_size 2048;\n    access_log /var/log/nginx/access.log;\n    error_log /var/log/nginx/error.log;\n${body}}\n`

function serverA(i) {
  return `upstream app_${i} {
    server ${ip4(i)}:8000 max_fails=3 fail_timeout=10s;
    server ${ip4(i, 11)}:8000 max_fails=3 fail_timeout=10s;
    keepalive 32;
    keepalive_timeout 60s;
}
server {
    listen 80;
    listen [::]:80;
    server_name site${i}.example.com www.site${i}.example.com;
    # site ${i}
    client_max_body_size 10m;
    location / {
        proxy_pass http://app_${i};
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host $host;
        proxy_set_header X-Real-IP $remote_addr;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_read_timeout 30s;
    }
    location /api/ {
        proxy_pass http://app_${i};
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host $host;
        proxy_read_timeout 120s;
    }
    location /static/ {
        root /srv/site${i};
        expires 1h;
        access_log off;
    }
}
`
}

// Findings everywhere: no keepalive in the upstream, HTTP/1.0 toward it, a short client
// keepalive_timeout; the targets (192.0.2.0/24-style documentation ranges) listen nowhere here.
function serverB(i) {
  return `upstream app_${i} {
    server ${ip4(i, 198)}:${9000 + (i % 500)};
}
server {
    listen 80;
    listen [::]:80;
    server_name b${i}.example.com;
    keepalive_timeout 5s;
    location / {
        proxy_pass http://app_${i};
        proxy_http_version 1.0;
        proxy_read_timeout 3600s;
    }
    location /direct/ {
        proxy_pass http://${ip4(i, 203)}:${7000 + (i % 900)};
    }
}
`
}

// Distinct listeners (one address per server) and upstreams that point at other servers'
// listeners, so every target resolves to a configured server on this host.
function serverC(i, n) {
  const next = (i + 1) % n
  return `upstream hop_${i} {
    server ${ip4(next, 127)}:${20000 + (next % 20000)};
    keepalive 16;
}
server {
    listen ${ip4(i, 127)}:${20000 + (i % 20000)};
    server_name c${i}.internal;
    keepalive_timeout 75s;
    location / {
        proxy_pass http://hop_${i};
        proxy_http_version 1.1;
        proxy_set_header Connection "";
    }
}
`
}

// Every vhost proxies to one app pool; WebSocket routes use the usual map.
function serverS(i) {
  const shared = i === 0
    ? `upstream app {
    server 127.0.0.1:8000;
    server 127.0.0.1:8001;
    keepalive 64;
}
map $http_upgrade $connection_upgrade {
    default upgrade;
    '' close;
}
`
    : ''
  return `${shared}server {
    listen 80;
    server_name tenant${i}.example.com;
    location / {
        proxy_pass http://app;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host $host;
    }
    location /ws/ {
        proxy_pass http://app;
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
    }
}
`
}

const SHAPES = {a: serverA, b: serverB, c: serverC, s: serverS}

/** Shapes a/b/c/s: N servers, PER_FILE per include file (as a large multi-site host ships them). */
export function generate(dir, shape, n, {perFile = 1000} = {}) {
  const one = SHAPES[shape]
  if (!one) throw new Error(`unknown shape ${shape}`)
  mkdirSync(join(dir, 'sites-enabled'), {recursive: true})
  writeFileSync(join(dir, 'nginx.conf'), head('    include sites-enabled/*.conf;\n'))
  let bytes = 0
  let files = 1
  for (let f = 0; f * perFile < n; f++) {
    const parts = []
    for (let i = f * perFile; i < Math.min(n, (f + 1) * perFile); i++) parts.push(one(i, n))
    const text = parts.join('')
    bytes += Buffer.byteLength(text)
    files++
    writeFileSync(join(dir, 'sites-enabled', `${String(f).padStart(5, '0')}.conf`), text)
  }
  return {entry: join(dir, 'nginx.conf'), bytes, files}
}

/** Shape d: the same N servers of shape a as one file (d1), one include per server (d2), or
 * a chain where each file includes the next (d3, depth capped at `depth`, servers spread). */
export function generateLayout(dir, layout, n, {depth = 8} = {}) {
  mkdirSync(join(dir, 'conf.d'), {recursive: true})
  let bytes = 0
  let files = 1
  if (layout === 'd1') {
    const parts = []
    for (let i = 0; i < n; i++) parts.push(serverA(i))
    const body = parts.join('')
    bytes = Buffer.byteLength(body)
    writeFileSync(join(dir, 'nginx.conf'), head(body))
  } else if (layout === 'd2') {
    writeFileSync(join(dir, 'nginx.conf'), head('    include conf.d/*.conf;\n'))
    for (let i = 0; i < n; i++) {
      const t = serverA(i)
      bytes += Buffer.byteLength(t)
      files++
      writeFileSync(join(dir, 'conf.d', `site${i}.conf`), t)
    }
  } else if (layout === 'd3') {
    writeFileSync(join(dir, 'nginx.conf'), head('    include conf.d/level0.conf;\n'))
    const per = Math.ceil(n / depth)
    for (let d = 0; d < depth; d++) {
      const parts = []
      for (let i = d * per; i < Math.min(n, (d + 1) * per); i++) parts.push(serverA(i))
      if (d + 1 < depth) parts.push(`include conf.d/level${d + 1}.conf;\n`)
      const t = parts.join('')
      bytes += Buffer.byteLength(t)
      files++
      writeFileSync(join(dir, 'conf.d', `level${d}.conf`), t)
    }
  } else throw new Error(`unknown layout ${layout}`)
  return {entry: join(dir, 'nginx.conf'), bytes, files}
}
