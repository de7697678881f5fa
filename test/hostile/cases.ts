// The hostile-input catalogue, as data: one entry per crafted input. Add a case family by
// adding an array here (or a file exporting one) and listing it in ALL_CASES; catalogue.test.ts
// runs every case through the built CLI and checks exit code, message and bounds.
export interface HostileCase {
  /** Shown as the test name. */
  name: string
  /** Files to create in a fresh temporary directory (relative path -> content). */
  files: Record<string, string>
  /** FIFOs to create (relative paths): opening one for reading blocks until a writer comes. */
  fifos?: string[]
  /** Symlinks to create (relative path -> target, as written in the link). */
  links?: Record<string, string>
  /** chmod after creating (relative path -> mode); with it the CLI runs as uid nobody when we are root, so modes bind. */
  modes?: Record<string, number>
  /** Programs put first on PATH (name -> sh script), e.g. a fake `ssh`. */
  bin?: Record<string, string>
  /** conntune arguments; paths are relative to the temporary directory (the cwd). */
  args: string[]
  exit: number
  /** Must appear in stdout + stderr. */
  message: RegExp
  /** Must not appear in stdout + stderr. */
  absent?: RegExp
  /** Generous bounds, so machine noise never flakes a run. */
  maxSeconds: number
  maxRssMb: number
}

/** Files that each include the whole directory: factorial expansion unless bounded. */
function allIncludeAll(n: number): Record<string, string> {
  const files: Record<string, string> = {'nginx.conf': 'include d/*.conf;\n'}
  for (let i = 1; i <= n; i++) files[`d/${String(i).padStart(2, '0')}.conf`] = 'include d/*.conf;\n'
  return files
}

export const INCLUDE_CASES: HostileCase[] = [
  {
    name: 'fourteen 18-byte files that each include d/*.conf (check)',
    files: allIncludeAll(14),
    args: ['check', 'nginx.conf'],
    exit: 3,
    message: /include expansion stopped at its budget of \d+ directives and includes, expanding nginx\.conf -> d\//,
    maxSeconds: 15,
    maxRssMb: 500,
  },
  {
    name: '2000 files that each include d/*.conf (check)',
    files: allIncludeAll(2000),
    args: ['check', 'nginx.conf'],
    exit: 3,
    message: /more than 100000 includes in all/,
    maxSeconds: 20,
    maxRssMb: 600,
  },
  {
    // Each unmapped absolute include used to count the newlines before it: 19.7 s for these.
    name: '40 000 absolute includes outside the checked tree (check)',
    files: {'nginx.conf': `events {}\nhttp {\n${Array.from({length: 40000}, (_, i) => `    include /etc/nginx/x${i}.conf;\n`).join('')}}\n`},
    args: ['check', 'nginx.conf'],
    exit: 3,
    message: /nginx\.conf:40002: \/etc\/nginx\/x39999\.conf is outside the checked tree and was not read/,
    maxSeconds: 8,
    maxRssMb: 500,
  },
]

export const SYSCTL_CASES: HostileCase[] = [
  {
    // indexOf('=') from each line scanned the rest of the file: quadratic, 45 s.
    name: '4 MiB sysctl.conf of "x" lines, none an assignment (parse sysctl)',
    files: {'sysctl.conf': 'x\n'.repeat(2 * 1024 * 1024)},
    args: ['parse', 'sysctl', 'sysctl.conf'],
    exit: 3,
    message: /sysctl\.conf:1:1: line is not an assignment/,
    maxSeconds: 15,
    maxRssMb: 500,
  },
]

// A config whose file name and server_name carry a clear-screen CSI, an OSC 52 clipboard
// write and a right-to-left override: a person's terminal must see them escaped, never act.
const ESC_NAME = 'n\x1b[2Jginx.conf'
const ESC_CONFIG = {
  [ESC_NAME]: 'events {}\nhttp {\n  upstream app { server 127.0.0.1:8000; }\n  server {\n    listen 80;\n    server_name "a\x1b]52;c;aGk=\x07b\u202e";\n    location / { proxy_pass http://app; }\n  }\n}\n',
}
const RAW_CONTROLS = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/

export const TERMINAL_CASES: HostileCase[] = [
  ...(['text', 'markdown', 'github', 'junit', 'sarif'] as const).map((format) => ({
    name: `ESC, OSC 52 and U+202E in a file name and server_name (check -f ${format})`,
    files: ESC_CONFIG,
    args: ['check', ESC_NAME, '-f', format],
    exit: 0,
    message: format === 'sarif' ? /n\\\\x1b\[2Jginx\.conf:3/ : /n\\x1b\[2Jginx\.conf/,
    absent: RAW_CONTROLS,
    maxSeconds: 15,
    maxRssMb: 400,
  })),
  {
    name: 'OSC 52 clipboard write in a missing file name: the one-line error on stderr',
    files: {},
    args: ['check', 'x\x1b]52;c;aGk=\x07'],
    exit: 2,
    message: /conntune: x\\x1b\]52;c;aGk=\\x07: no such file/,
    absent: RAW_CONTROLS,
    maxSeconds: 15,
    maxRssMb: 400,
  },
]

// Only regular files are opened: a FIFO blocked open() forever, /dev/zero grew without bound.
export const REGULAR_FILE_CASES: HostileCase[] = [
  {
    name: 'FIFO at proc/net/tcp under --root (audit)',
    files: {},
    fifos: ['R/proc/net/tcp'],
    args: ['audit', '--root', 'R'],
    exit: 3,
    message: /\/proc\/net\/tcp: cannot read: not a regular file/,
    maxSeconds: 15,
    maxRssMb: 400,
  },
  {
    name: 'FIFO as .conntune.yaml (check)',
    files: {'nginx.conf': 'events {}\nhttp {}\n'},
    fifos: ['.conntune.yaml'],
    args: ['check', 'nginx.conf'],
    exit: 2,
    message: /\.conntune\.yaml: cannot read: not a regular file/,
    maxSeconds: 15,
    maxRssMb: 400,
  },
  {
    name: 'FIFO as a rule file (rules test DIR)',
    files: {},
    fifos: ['rules/x.yaml'],
    args: ['rules', 'test', 'rules'],
    exit: 2,
    message: /rules\/x\.yaml: cannot read rule: not a regular file/,
    maxSeconds: 15,
    maxRssMb: 400,
  },
  {
    name: 'parse sysctl /dev/zero',
    files: {},
    args: ['parse', 'sysctl', '/dev/zero'],
    exit: 2,
    message: /\/dev\/zero: cannot read: not a regular file/,
    maxSeconds: 15,
    maxRssMb: 400,
  },
  {
    name: 'a 5 MiB nginx.conf says its real size (check)',
    files: {'nginx.conf': `events {}\n${'#'.repeat(5 * 1024 * 1024)}\n`},
    args: ['check', 'nginx.conf'],
    exit: 2,
    message: /nginx\.conf: 5242891 bytes, larger than the 4194304-byte bound/,
    maxSeconds: 15,
    maxRssMb: 400,
  },
  {
    // The capture kept its first 4 MiB and the parser read them as the whole file: a bogus
    // "unexpected end of file" deep inside it, and the servers after the cut silently gone.
    name: 'a 5 MiB included file is not read, and says why (check)',
    files: {'nginx.conf': 'events {}\nhttp {\n    include conf.d/*.conf;\n}\n', 'conf.d/big.conf': 'server { listen 8080; location / { return 204; } }\n'.repeat(110_000)},
    args: ['check', 'nginx.conf'],
    exit: 3,
    message: /nginx\.conf:3:\d+: open\(\) "conf\.d\/big\.conf" failed \(5610000 bytes, larger than the 4194304-byte bound for a config file; not read\)/,
    absent: /unexpected end of file/,
    maxSeconds: 20,
    maxRssMb: 500,
  },
  {
    name: 'the same file read whole with --max-file-size 8MiB (check)',
    files: {'nginx.conf': 'events {}\nhttp {\n    include conf.d/*.conf;\n}\n', 'conf.d/big.conf': 'server { listen 8080; location / { return 204; } }\n'.repeat(110_000)},
    args: ['check', 'nginx.conf', '--max-file-size', '8MiB'],
    exit: 0,
    message: /2 files \(nginx\.conf, conf\.d\/big\.conf\); 110000 server blocks/,
    absent: /incomplete|not read/,
    maxSeconds: 30,
    maxRssMb: 700,
  },
  {
    name: 'a named 5 MiB file names the flag that reads it (check)',
    files: {'big.conf': 'server { listen 8080; location / { return 204; } }\n'.repeat(110_000)},
    args: ['check', 'big.conf', '--kind', 'nginx'],
    exit: 2,
    message: /big\.conf: 5610000 bytes, larger than the 4194304-byte bound \(check --max-file-size raises it\)/,
    maxSeconds: 15,
    maxRssMb: 400,
  },
]

const LAUGHS = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
for (const [prev, cur] of ['ab', 'bc', 'cd', 'de', 'ef', 'fg', 'gh', 'hi']) LAUGHS.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(',')}]`)
const NGINX = {'nginx.conf': 'events {}\nhttp {}\n'}

export const PROJECT_FILE_CASES: HostileCase[] = [
  {
    // 9^9 strings from nine lines: the yaml package threw without a position (internal error).
    name: 'billion-laughs .conntune.yaml (check)',
    files: {...NGINX, '.conntune.yaml': LAUGHS.join('\n') + '\n'},
    args: ['check', 'nginx.conf'],
    exit: 2,
    message: /\.conntune\.yaml:3:8: invalid YAML: aliases expand to more than 100 nodes each/,
    maxSeconds: 15,
    maxRssMb: 400,
  },
  {
    name: 'dangling .conntune.yaml symlink (check)',
    files: NGINX,
    links: {'.conntune.yaml': 'nowhere.yaml'},
    args: ['check', 'nginx.conf'],
    exit: 2,
    message: /\.conntune\.yaml: a symlink to nothing \(dangling\)/,
    maxSeconds: 15,
    maxRssMb: 400,
  },
  {
    name: 'looping .conntune.yaml symlink (check)',
    files: NGINX,
    links: {'.conntune.yaml': '.conntune.yaml'},
    args: ['check', 'nginx.conf'],
    exit: 2,
    message: /\.conntune\.yaml: a symlink loop/,
    maxSeconds: 15,
    maxRssMb: 400,
  },
]

// Run as a user who cannot read everything the server reads: what was not read must show.
const UNREADABLE_TREE = {'d/nginx.conf': 'events {}\nhttp {\n  include conf.d/*.conf;\n}\n', 'd/conf.d/a.conf': 'server { listen 80; }\n', 'd/extra.conf': 'keepalive_timeout 5;\n'}

export const UNREADABLE_CASES: HostileCase[] = [
  {
    name: 'an unreadable file inside check DIR (mode 000): incomplete, listed',
    files: UNREADABLE_TREE,
    modes: {'d/extra.conf': 0o000},
    args: ['check', 'd'],
    exit: 3,
    message: /incomplete: d\/extra\.conf: cannot read: EACCES/,
    maxSeconds: 15,
    maxRssMb: 400,
  },
  {
    name: 'include conf.d/*.conf over an unreadable conf.d (mode 000): incomplete, listed',
    files: UNREADABLE_TREE,
    modes: {'d/conf.d': 0o000},
    args: ['check', 'd/nginx.conf'],
    exit: 3,
    message: /incomplete: d\/conf\.d: cannot list the directory: EACCES/,
    maxSeconds: 15,
    maxRssMb: 400,
  },
  {
    name: 'an unreadable directory inside check DIR: incomplete, not an invocation error',
    files: UNREADABLE_TREE,
    modes: {'d/conf.d': 0o000},
    args: ['check', 'd'],
    exit: 3,
    message: /incomplete: d\/conf\.d: cannot list the directory: EACCES/,
    maxSeconds: 15,
    maxRssMb: 400,
  },
]

export const SSH_CASES: HostileCase[] = [
  {
    // execa buffered up to 1 GiB a host (1.2 GB RSS), then V8 refused the string.
    name: 'an ssh host that prints without end (audit --host)',
    files: {},
    // conntune asks `ssh -G` for the resolved configuration first: answer it like a strict ssh.
    bin: {ssh: 'for a; do [ "$a" = -G ] && { echo "stricthostkeychecking yes"; echo "userknownhostsfile /root/.ssh/known_hosts"; exit 0; }; done\nexec yes conntune'},
    args: ['audit', '--host', 'evil.example'],
    exit: 3,
    message: /ssh:\/\/evil\.example: bad-output: collector output exceeded 320 MiB; stopped/,
    maxSeconds: 30,
    maxRssMb: 800,
  },
]

/** 2.5 MB of lighttpd host conditionals, each with a proxy.server: 61 MB of tree JSON. */
function lighttpdHosts(): string {
  const lines = ['server.port = 80']
  for (let i = 0; i < 18_500; i++) {
    lines.push(`$HTTP["host"] == "h${i}.example" { server.document-root = "/srv/${i}" proxy.server = ("" => (("host" => "127.0.0.1", "port" => ${9000 + (i % 100)}))) }`)
  }
  return lines.join('\n') + '\n'
}

export const PARSE_JSON_CASES: HostileCase[] = [
  {
    // oclif's logJson tokenized the whole pretty text, an object per token: 1.2 GB RSS.
    name: '2.5 MB lighttpd.conf of host conditionals (parse lighttpd --json)',
    files: {'lighttpd.conf': lighttpdHosts()},
    args: ['parse', 'lighttpd', 'lighttpd.conf', '--json'],
    exit: 0,
    message: /"directive"|"key"|"port"/,
    maxSeconds: 20,
    maxRssMb: 500,
  },
  {
    // 0.84 GB RSS before, for 29 MB of JSON.
    name: '3.3 MB sysctl.conf of 100 000 assignments (parse sysctl --json)',
    files: {'sysctl.conf': Array.from({length: 100_000}, (_, i) => `net.ipv4.tcp_fin_timeout = ${i}\n`).join('')},
    args: ['parse', 'sysctl', 'sysctl.conf', '--json'],
    exit: 0,
    message: /"net\.ipv4\.tcp_fin_timeout"/,
    maxSeconds: 20,
    maxRssMb: 400,
  },
]

/** A snapshot as a crafted host (or a pull request) could hand to `audit --snapshot`. */
function snapshot(parts: {proc?: object; files?: object; dirs?: object}): string {
  return JSON.stringify({
    format: 'conntune-snapshot',
    version: 2,
    collector: {tool: 'conntune', version: '0.1.0', source: 'ssh'},
    collectedAt: '2026-01-01T00:00:00Z',
    host: {name: 'crafted'},
    kernel: {release: '6.1.0'},
    sysctl: {},
    proc: parts.proc ?? {},
    files: parts.files ?? {},
    dirs: parts.dirs ?? {},
  })
}

/** /proc/net/tcp with N sockets in LISTEN on 127.x.y.1, ports 1..N spread over addresses. */
function listeners(n: number): string {
  const rows = ['  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode']
  for (let i = 0; i < n; i++) {
    const addr = `${(1 + (i >> 16)).toString(16).padStart(2, '0').toUpperCase()}00007F`
    const port = (1 + (i % 65535)).toString(16).padStart(4, '0').toUpperCase()
    rows.push(`${String(i).padStart(4)}: ${addr}:${port} 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 ${1000 + i} 1 0000000000000000 100 0 0 10 0`)
  }
  return rows.join('\n') + '\n'
}

export const SNAPSHOT_CASES: HostileCase[] = [
  {
    // Both sources cap a config at 4 MiB; a crafted snapshot had no cap and was analysed whole.
    name: 'snapshot with an 8 MiB nginx.conf (audit --snapshot)',
    files: {'s.json': snapshot({files: {'/etc/nginx/nginx.conf': {text: `events {}\nhttp {\n${'server { listen 80; keepalive_timeout 65; }\n'.repeat(200_000)}}\n`}}})},
    args: ['audit', '--snapshot', 's.json'],
    exit: 2,
    message: /s\.json: invalid snapshot at \/files\/~1etc~1nginx~1nginx\.conf\/text: must NOT have more than 4194304 characters/,
    maxSeconds: 15,
    maxRssMb: 400,
  },
  {
    // Both sources list at most 10 000 names a directory; 50 000 were taken as they came.
    name: 'snapshot with a 50 000-name /etc/nginx/conf.d listing (audit --snapshot)',
    files: {'s.json': snapshot({dirs: {'/etc/nginx/conf.d': {entries: Array.from({length: 50_000}, (_, i) => `f${i}.conf`)}}})},
    args: ['audit', '--snapshot', 's.json'],
    exit: 2,
    message: /invalid snapshot at \/dirs\/~1etc~1nginx~1conf\.d\/entries: must NOT have more than 10000 items/,
    maxSeconds: 15,
    maxRssMb: 400,
  },
  {
    // Within the caps, a hostile host's sockets are analysed in bounded time: listeners are
    // reported per port (at most 65 535), not per socket.
    name: 'snapshot with 200 000 listening sockets (audit --snapshot)',
    files: {'s.json': snapshot({proc: {'net/tcp': {text: listeners(200_000)}}})},
    args: ['audit', '--snapshot', 's.json', '--fail-on', 'none'],
    exit: 0,
    message: /crafted/,
    maxSeconds: 20,
    maxRssMb: 600,
  },
]

// Inputs shaped so that one item's work grows with the others: each must stay linear.
export const GROWTH_CASES: HostileCase[] = [
  {
    // Each ignore comment of a run rescanned the rest of the run for the line it covers.
    name: '100 000 consecutive inline-ignore comments in nginx.conf (check)',
    files: {'nginx.conf': `events {}\nhttp {\n${'  # conntune: ignore nginx-x -- r\n'.repeat(100_000)}  keepalive_timeout 5s;\n}\n`},
    args: ['check', 'nginx.conf', '--kind', 'nginx', '-f', 'json'],
    exit: 0,
    message: /"format": "conntune-report"/,
    maxSeconds: 15,
    maxRssMb: 500,
  },
  {
    // Math.min(...) over every location's proxy_read_timeout: past the arguments a call takes.
    name: '140 000 locations behind one upstream (check --max-file-size 8MiB)',
    files: {'nginx.conf': `events {}\nhttp {\n  upstream app { server 127.0.0.1:8000; keepalive 8; }\n  server {\n    listen 80;\n    proxy_http_version 1.1;\n    proxy_set_header Connection "";\n${Array.from({length: 140_000}, (_, i) => `    location /${i} { proxy_pass http://app; }\n`).join('')}  }\n}\n`},
    args: ['check', 'nginx.conf', '--kind', 'nginx', '--max-file-size', '8MiB'],
    exit: 0,
    message: /140000 proxying locations/,
    absent: /internal error/,
    maxSeconds: 20,
    maxRssMb: 900,
  },
  {
    // Merging two entry points' models spread each list into push(): the same limit.
    name: 'two nginx entry points, one with 140 000 locations (check a.conf b.conf)',
    files: {
      'a.conf': 'events {}\nhttp { server { listen 8080; location / { proxy_pass http://127.0.0.1:9000; } } }\n',
      'b.conf': `events {}\nhttp {\n  upstream app { server 127.0.0.1:8000; keepalive 8; }\n  server {\n    listen 80;\n    proxy_http_version 1.1;\n    proxy_set_header Connection "";\n${Array.from({length: 140_000}, (_, i) => `    location /${i} { proxy_pass http://app; }\n`).join('')}  }\n}\n`,
    },
    args: ['check', 'a.conf', 'b.conf', '--kind', 'nginx', '--max-file-size', '8MiB'],
    exit: 0,
    message: /140001 proxying locations/,
    absent: /internal error/,
    maxSeconds: 20,
    maxRssMb: 900,
  },
  {
    // Directive names that are Object.prototype keys were read through the directive table.
    name: 'directives named constructor, __proto__ and toString (check)',
    files: {'nginx.conf': 'events {}\nhttp {\n  constructor;\n  __proto__ on;\n  toString 1;\n  server { listen 80; }\n}\n'},
    args: ['check', 'nginx.conf', '--kind', 'nginx'],
    exit: 1,
    message: /unknown directive "constructor"/,
    absent: /internal error/,
    maxSeconds: 15,
    maxRssMb: 400,
  },
  {
    // A value nested 6 400 deep was copied by recursive code: the JavaScript stack overflowed.
    // lighttpd (1.4.69 -p) drops such a statement past its parser stack of 100.
    name: 'a lighttpd value nested 6 400 parentheses deep (check)',
    files: {'lighttpd.conf': `server.document-root = "/tmp"\nserver.port = 8080\nvar.x = ${'('.repeat(6400)}"a"${')'.repeat(6400)}\n`},
    args: ['check', 'lighttpd.conf', '--kind', 'lighttpd'],
    exit: 3,
    message: /nested more than 1000 levels deep; rest of .*lighttpd\.conf not read/,
    absent: /internal error/,
    maxSeconds: 15,
    maxRssMb: 400,
  },
  {
    // The unit's environment was gathered with push(...entries): past V8's argument limit.
    name: 'a gunicorn unit with 150 000 Environment= lines (check --max-file-size 8MiB)',
    files: {'app.service': `[Service]\n${Array.from({length: 150_000}, (_, i) => `Environment="E${i}=v"\n`).join('')}ExecStart=/srv/venv/bin/gunicorn app:app --bind 0.0.0.0:8000 --keep-alive 2\n`},
    args: ['check', 'app.service', '--max-file-size', '8MiB'],
    exit: 0,
    message: /gunicorn/,
    absent: /internal error/,
    maxSeconds: 20,
    maxRssMb: 600,
  },
  {
    // repr() of a list that holds itself (`xs += [xs]`) recursed until the stack ran out.
    name: 'a gunicorn.conf.py list that contains itself (check)',
    files: {'gunicorn.conf.py': 'bind = ["127.0.0.1:8000"]\nxs = []\nxs += [xs]\nraw_env = xs\n'},
    args: ['check', 'gunicorn.conf.py', '--kind', 'gunicorn'],
    exit: 3,
    message: /invalid value for raw_env = \[\[\.\.\.\]\]: TypeError: Not a string: \[\[\.\.\.\]\]/,
    absent: /internal error/,
    maxSeconds: 15,
    maxRssMb: 400,
  },
  {
    // A sysctl.d glob key became one [^.]* per star, which V8 backtracked exponentially in the
    // number of stars against each kernel key (16 stars: minutes).
    name: 'a sysctl.d glob key of 60 stars (check)',
    files: {'sysctl.d/99-glob.conf': `-net.ipv4.${'*'.repeat(60)}x = 1\nnet.ipv4.tcp_fin_timeout = 30\n`},
    args: ['check', 'sysctl.d'],
    exit: 0,
    message: /sysctl/,
    absent: /internal error/,
    maxSeconds: 15,
    maxRssMb: 400,
  },
  {
    // /\/+$/ on the previous WORKDIR rescanned its run of slashes from every position: O(n²).
    name: 'a Dockerfile WORKDIR of 300 000 slashes, then a relative one (check)',
    files: {Dockerfile: `FROM python:3.12\nWORKDIR /srv${'/'.repeat(300_000)}x\nWORKDIR app\nCMD ["gunicorn", "app:app", "--keep-alive", "2"]\n`},
    args: ['check', 'Dockerfile'],
    exit: 0,
    message: /gunicorn/,
    absent: /internal error/,
    maxSeconds: 15,
    maxRssMb: 400,
  },
  {
    // Every finding normalized and hashed its whole line for the fingerprint, and each inline
    // ignore was compared with every finding of its line: a config on one line is O(n²).
    name: 'an nginx config of 20 000 servers on one line under 20 000 inline ignores (check --max-file-size 16MiB)',
    files: {'nginx.conf': `${Array.from({length: 20_000}, (_, i) => `# conntune: ignore rule-${i} -- not this one\n`).join('')}http { ${Array.from({length: 20_000}, (_, i) => `upstream u${i} { server 10.0.${i >> 8}.${i & 255}:8000; keepalive 8; } server { listen ${10000 + (i % 50000)}; location / { proxy_pass http://u${i}; proxy_http_version 1.1; proxy_set_header Connection ""; } }`).join(' ')} }\n`},
    args: ['check', 'nginx.conf', '--format', 'json', '--max-file-size', '16MiB'],
    exit: 0,
    message: /"ruleId": "hop-unresolved-backend"/,
    absent: /internal error/,
    maxSeconds: 30,
    maxRssMb: 800,
  },
  {
    // A listing is cut at 10 000 names (sorted); the files past them went unread and unsaid.
    name: 'an include glob over a directory of 10 001 files (check)',
    files: {'nginx.conf': 'http { include conf.d/*.conf; }\n', ...Object.fromEntries(Array.from({length: 10_001}, (_, i) => [`conf.d/s${String(i).padStart(5, '0')}.conf`, `server { listen ${20000 + i}; }\n`]))},
    args: ['check', 'nginx.conf'],
    exit: 3,
    message: /conf\.d: the directory holds 10001 names; only the first 10000 \(sorted\) were listed/,
    absent: /internal error/,
    maxSeconds: 30,
    maxRssMb: 600,
  },
]

export const ALL_CASES: HostileCase[] = [...GROWTH_CASES, ...INCLUDE_CASES, ...SYSCTL_CASES, ...TERMINAL_CASES, ...REGULAR_FILE_CASES, ...PROJECT_FILE_CASES, ...UNREADABLE_CASES, ...SSH_CASES, ...PARSE_JSON_CASES, ...SNAPSHOT_CASES]
