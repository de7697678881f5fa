// Shape e of the scale benches (bench/scale.mjs) and the growth test: a repository of many
// services, each with an nginx.conf, a gunicorn.conf.py, a lighttpd.conf and a sysctl.d file —
// many entry points rather than one large config. Returns {entry, bytes, files}.
import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

export function generateRepo(dir, files) {
  let bytes = 0
  const put = (p, t) => {
    mkdirSync(join(dir, p, '..'), {recursive: true})
    writeFileSync(join(dir, p), t)
    bytes += Buffer.byteLength(t)
  }
  for (let i = 0; i < files / 4; i++) {
    put(`svc${i}/nginx/nginx.conf`, `events {}\nhttp {\n    keepalive_timeout 65s;\n    upstream app {\n        server 127.0.0.1:${8000 + (i % 1000)};\n        keepalive 8;\n    }\n    server {\n        listen 80;\n        location / {\n            proxy_pass http://app;\n            proxy_http_version 1.1;\n            proxy_set_header Connection "";\n        }\n    }\n}\n`)
    put(`svc${i}/gunicorn.conf.py`, `bind = "127.0.0.1:${8000 + (i % 1000)}"\nworkers = 4\nworker_class = "gthread"\nthreads = 4\nkeepalive = 75\ntimeout = 30\n`)
    put(`svc${i}/lighttpd/lighttpd.conf`, `server.document-root = "/srv/www"\nserver.port = ${9000 + (i % 1000)}\nserver.max-keep-alive-idle = 5\nserver.max-keep-alive-requests = 100\n`)
    put(`svc${i}/sysctl.d/60-net.conf`, `net.ipv4.tcp_tw_reuse = 1\nnet.ipv4.ip_local_port_range = 15000 65000\nnet.ipv4.tcp_keepalive_time = 600\n`)
  }
  return {entry: dir, bytes, files}
}
