#!/usr/bin/env node
// Writes dist/bundle/cli/fast.cjs.cache (bin/fast-load.js): the V8 code cache of the fast path,
// made after `check` has run over a small repository of every kind and `audit --root` over a
// small host tree, so the functions a run calls are compiled in it, not only the top level. Run by scripts/build.js in a
// process of its own, with plain node flags (V8 refuses a cache made under other flags).
import {mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {cacheBytes, loadFast} from '../bin/fast-load.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const bundle = join(root, 'dist/bundle/cli/fast.cjs')
// --out FILE: write the cache there instead (a test does), not beside the bundle.
const outAt = process.argv.indexOf('--out')
const out = outAt > 0 ? process.argv[outAt + 1] : `${bundle}.cache`

// What a deployment repository holds: an nginx include tree with upstreams, gunicorn in a
// config file, a unit and a Procfile, sysctl.d, lighttpd, a Dockerfile and a Compose file.
const FILES = {
  'deploy/nginx/nginx.conf': 'events {}\nhttp {\n  keepalive_timeout 65s;\n  map $http_upgrade $connection_upgrade { default upgrade; "" close; }\n  include conf.d/*.conf;\n}\n',
  'deploy/nginx/conf.d/app.conf':
    'upstream app { server 127.0.0.1:8000; keepalive 16; }\nupstream sock { server unix:/run/app.sock; }\nserver {\n  listen 80;\n  listen [::]:443 ssl http2;\n  server_name app.example.com;\n  location / { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_read_timeout 30s; }\n  location /ws { proxy_pass http://sock; proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection $connection_upgrade; }\n  location /other { proxy_pass http://10.0.0.9:9000; }\n}\n',
  'services/app/gunicorn.conf.py': 'import os\nbind = os.environ.get("BIND", "127.0.0.1:8000")\nworker_class = "gthread"\nthreads = 4\nkeepalive = 2\ntimeout = 30\n',
  'deploy/systemd/app.service': '[Service]\nWorkingDirectory=/srv/app\nExecStart=/srv/app/venv/bin/gunicorn -b 127.0.0.1:8001 -k gthread --threads 4 app:app\n',
  'deploy/sysctl.d/60-tuning.conf': 'net.ipv4.tcp_fin_timeout = 30\nnet.ipv4.tcp_tw_reuse = 1\nnet.core.somaxconn = 4096\n',
  'deploy/lighttpd/lighttpd.conf': 'server.document-root = "/srv/static"\nserver.port = 9000\nserver.max-keep-alive-idle = 5\n',
  Procfile: 'web: gunicorn app.wsgi --bind 0.0.0.0:$PORT --workers 3\n',
  Dockerfile: 'FROM python:3.12\nENV PORT=8000\nCMD ["gunicorn", "-b", "0.0.0.0:8000", "app.wsgi"]\n',
  'compose.yaml': 'services:\n  web:\n    build: .\n    command: gunicorn -b 0.0.0.0:8000 --keep-alive 5 app.wsgi\n',
}

// A host tree for `audit --root`: the kernel's settings and sockets, sysctl.d and nginx.
const SYS = {
  'net/ipv4/ip_local_port_range': '32768\t60999', 'net/ipv4/tcp_fin_timeout': '60', 'net/ipv4/tcp_keepalive_time': '7200',
  'net/ipv4/tcp_keepalive_intvl': '75', 'net/ipv4/tcp_keepalive_probes': '9', 'net/ipv4/tcp_max_tw_buckets': '262144',
  'net/ipv4/tcp_tw_reuse': '2', 'net/ipv4/tcp_timestamps': '1', 'net/core/somaxconn': '4096', 'kernel/osrelease': '6.1.0-18-amd64',
}
const TCP_HEAD = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n'
const HOST = {
  ...Object.fromEntries(Object.entries(SYS).map(([k, v]) => [`proc/sys/${k}`, `${v}\n`])),
  'proc/net/tcp': `${TCP_HEAD}   0: 00000000:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1000 1 0000000000000000 100 0 0 10 0\n   1: 0100007F:1F40 0100007F:C350 06 00000000:00000000 03:00000BB8 00000000     0        0 0 3 0000000000000000\n`,
  'proc/net/tcp6': TCP_HEAD,
  'proc/net/sockstat': 'sockets: used 12\nTCP: inuse 2 orphan 0 tw 1 alloc 2 mem 1\n',
  'proc/net/netstat': 'TcpExt: TW TWRecycled TWKilled TCPTimeWaitOverflow\nTcpExt: 1 0 0 0\n',
  'etc/sysctl.d/60-tuning.conf': FILES['deploy/sysctl.d/60-tuning.conf'],
  'etc/nginx/nginx.conf': FILES['deploy/nginx/nginx.conf'],
  'etc/nginx/conf.d/app.conf': FILES['deploy/nginx/conf.d/app.conf'],
}

const repo = mkdtempSync(join(tmpdir(), 'conntune-cache-'))
try {
  const put = (dir, files) => {
    for (const [p, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, p)), {recursive: true})
      writeFileSync(join(dir, p), text)
    }
  }
  put(join(repo, 'repo'), FILES)
  put(join(repo, 'host'), HOST)
  // The runs look for .conntune.yaml from the checked tree and the working directory upward:
  // one here, and the working directory here, keep them from reading /tmp/.conntune.yaml or
  // any other file a local user could leave above (a bad one would fail the build).
  put(repo, {'.conntune.yaml': 'frontend: aws-alb\nbackends:\n  - address: "10.0.0.9:9000"\n    kind: node\n    idleTimeout: 5\n'})
  process.chdir(repo)
  const loaded = loadFast(bundle, {useCache: false})
  if (!loaded) throw new Error(`${bundle} is missing`)
  for (const format of ['text', 'json']) {
    await loaded.exports.runFast(['check', join(repo, 'repo'), '--format', format, '-o', join(repo, `check.${format}`), '--fail-on', 'none'])
    await loaded.exports.runFast(['audit', '--root', join(repo, 'host'), '--format', format, '-o', join(repo, `audit.${format}`), '--fail-on', 'none'])
  }
  process.exitCode = 0
  const tmp = `${out}.tmp`
  writeFileSync(tmp, cacheBytes(loaded))
  renameSync(tmp, out)
} finally {
  process.chdir(root)
  rmSync(repo, {recursive: true, force: true})
}
