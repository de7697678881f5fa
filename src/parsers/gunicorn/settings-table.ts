// Every gunicorn setting, as config.py declares it: name, command-line flags, argparse
// action/type, validator and default. The 20.1.0 rows were generated from the Debian 12
// package's gunicorn/config.py (KNOWN_SETTINGS, introspected); later rows and version bounds
// come from the current upstream settings reference. Regenerate the 20.1.0 part with:
//   /usr/bin/python3 test/fixtures/gunicorn/dump-settings.py

export type ValidatorName =
  | 'string' | 'list_string' | 'pos_int' | 'class' | 'bool' | 'reload_engine' | 'list_of_existing_files'
  | 'chdir' | 'user' | 'group' | 'dict' | 'string_to_list' | 'hostport' | 'callable' | 'ssl_version'
  | 'proxy_protocol'

export interface SettingSpec {
  name: string
  /** argparse option strings; none means config-file only */
  cli?: string[]
  /** argparse action; 'store' when absent */
  action?: 'append' | 'store_true' | 'store_const'
  nargs?: '?'
  const?: unknown
  /** argparse type for 'store' options; str when absent */
  type?: 'int' | 'auto_int'
  meta?: string
  validator: ValidatorName
  /** The raw default before validation; HOOK for the built-in no-op hooks */
  default: unknown
  /** Environment variable that replaces the default when set (read when gunicorn starts) */
  envDefault?: 'WEB_CONCURRENCY' | 'PORT' | 'FORWARDED_ALLOW_IPS'
  section: string
  /** First release with this row (inclusive) */
  since?: string
  /** First release without this row */
  until?: string
}

export const HOOK = '<built-in hook>'

/** The release whose settings reference the newer rows were checked against. */
export const CURRENT_RELEASE = '26.1.0'
/** gunicorn in Debian 12 (bookworm). */
export const DEBIAN_RELEASE = '20.1.0'

export const SETTINGS: readonly SettingSpec[] = [
  {name: 'config', cli: ['-c','--config'], meta: 'CONFIG', validator: 'string', default: './gunicorn.conf.py', section: 'Config File'},
  {name: 'wsgi_app', meta: 'STRING', validator: 'string', default: null, section: 'Config File'},
  {name: 'bind', cli: ['-b','--bind'], action: 'append', meta: 'ADDRESS', validator: 'list_string', default: ['127.0.0.1:8000'], envDefault: 'PORT', section: 'Server Socket'},
  {name: 'backlog', cli: ['--backlog'], type: 'int', meta: 'INT', validator: 'pos_int', default: 2048, section: 'Server Socket'},
  {name: 'workers', cli: ['-w','--workers'], type: 'int', meta: 'INT', validator: 'pos_int', default: 1, envDefault: 'WEB_CONCURRENCY', section: 'Worker Processes'},
  {name: 'worker_class', cli: ['-k','--worker-class'], meta: 'STRING', validator: 'class', default: 'sync', section: 'Worker Processes'},
  {name: 'threads', cli: ['--threads'], type: 'int', meta: 'INT', validator: 'pos_int', default: 1, section: 'Worker Processes'},
  {name: 'worker_connections', cli: ['--worker-connections'], type: 'int', meta: 'INT', validator: 'pos_int', default: 1000, section: 'Worker Processes'},
  {name: 'max_requests', cli: ['--max-requests'], type: 'int', meta: 'INT', validator: 'pos_int', default: 0, section: 'Worker Processes'},
  {name: 'max_requests_jitter', cli: ['--max-requests-jitter'], type: 'int', meta: 'INT', validator: 'pos_int', default: 0, section: 'Worker Processes'},
  {name: 'timeout', cli: ['-t','--timeout'], type: 'int', meta: 'INT', validator: 'pos_int', default: 30, section: 'Worker Processes'},
  {name: 'graceful_timeout', cli: ['--graceful-timeout'], type: 'int', meta: 'INT', validator: 'pos_int', default: 30, section: 'Worker Processes'},
  {name: 'keepalive', cli: ['--keep-alive'], type: 'int', meta: 'INT', validator: 'pos_int', default: 2, section: 'Worker Processes'},
  {name: 'limit_request_line', cli: ['--limit-request-line'], type: 'int', meta: 'INT', validator: 'pos_int', default: 4094, section: 'Security'},
  {name: 'limit_request_fields', cli: ['--limit-request-fields'], type: 'int', meta: 'INT', validator: 'pos_int', default: 100, section: 'Security'},
  {name: 'limit_request_field_size', cli: ['--limit-request-field_size'], type: 'int', meta: 'INT', validator: 'pos_int', default: 8190, section: 'Security'},
  {name: 'reload', cli: ['--reload'], action: 'store_true', validator: 'bool', default: false, section: 'Debugging'},
  {name: 'reload_engine', cli: ['--reload-engine'], meta: 'STRING', validator: 'reload_engine', default: 'auto', section: 'Debugging'},
  {name: 'reload_extra_files', cli: ['--reload-extra-file'], action: 'append', meta: 'FILES', validator: 'list_of_existing_files', default: [], section: 'Debugging'},
  {name: 'spew', cli: ['--spew'], action: 'store_true', validator: 'bool', default: false, section: 'Debugging'},
  {name: 'check_config', cli: ['--check-config'], action: 'store_true', validator: 'bool', default: false, section: 'Debugging'},
  {name: 'print_config', cli: ['--print-config'], action: 'store_true', validator: 'bool', default: false, section: 'Debugging'},
  {name: 'preload_app', cli: ['--preload'], action: 'store_true', validator: 'bool', default: false, section: 'Server Mechanics'},
  {name: 'sendfile', cli: ['--no-sendfile'], action: 'store_const', const: false, validator: 'bool', default: null, section: 'Server Mechanics'},
  {name: 'reuse_port', cli: ['--reuse-port'], action: 'store_true', validator: 'bool', default: false, section: 'Server Mechanics'},
  {name: 'chdir', cli: ['--chdir'], validator: 'chdir', default: null, section: 'Server Mechanics'},
  {name: 'daemon', cli: ['-D','--daemon'], action: 'store_true', validator: 'bool', default: false, section: 'Server Mechanics'},
  {name: 'raw_env', cli: ['-e','--env'], action: 'append', meta: 'ENV', validator: 'list_string', default: [], section: 'Server Mechanics'},
  {name: 'pidfile', cli: ['-p','--pid'], meta: 'FILE', validator: 'string', default: null, section: 'Server Mechanics'},
  {name: 'worker_tmp_dir', cli: ['--worker-tmp-dir'], meta: 'DIR', validator: 'string', default: null, section: 'Server Mechanics'},
  {name: 'user', cli: ['-u','--user'], meta: 'USER', validator: 'user', default: null, section: 'Server Mechanics'},
  {name: 'group', cli: ['-g','--group'], meta: 'GROUP', validator: 'group', default: null, section: 'Server Mechanics'},
  {name: 'umask', cli: ['-m','--umask'], type: 'auto_int', meta: 'INT', validator: 'pos_int', default: 0, section: 'Server Mechanics'},
  {name: 'initgroups', cli: ['--initgroups'], action: 'store_true', validator: 'bool', default: false, section: 'Server Mechanics'},
  {name: 'tmp_upload_dir', meta: 'DIR', validator: 'string', default: null, section: 'Server Mechanics'},
  {name: 'secure_scheme_headers', validator: 'dict', default: {'X-FORWARDED-PROTOCOL':'ssl','X-FORWARDED-PROTO':'https','X-FORWARDED-SSL':'on'}, section: 'Server Mechanics'},
  {name: 'forwarded_allow_ips', cli: ['--forwarded-allow-ips'], meta: 'STRING', validator: 'string_to_list', default: '127.0.0.1', envDefault: 'FORWARDED_ALLOW_IPS', section: 'Server Mechanics', until: '23.0.0'},
  {name: 'forwarded_allow_ips', cli: ['--forwarded-allow-ips'], meta: 'STRING', validator: 'string_to_list', default: '127.0.0.1,::1', envDefault: 'FORWARDED_ALLOW_IPS', section: 'Server Mechanics', since: '23.0.0'},
  {name: 'accesslog', cli: ['--access-logfile'], meta: 'FILE', validator: 'string', default: null, section: 'Logging'},
  {name: 'disable_redirect_access_to_syslog', cli: ['--disable-redirect-access-to-syslog'], action: 'store_true', validator: 'bool', default: false, section: 'Logging'},
  {name: 'access_log_format', cli: ['--access-logformat'], meta: 'STRING', validator: 'string', default: '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s"', section: 'Logging'},
  {name: 'errorlog', cli: ['--error-logfile','--log-file'], meta: 'FILE', validator: 'string', default: '-', section: 'Logging'},
  {name: 'loglevel', cli: ['--log-level'], meta: 'LEVEL', validator: 'string', default: 'info', section: 'Logging'},
  {name: 'capture_output', cli: ['--capture-output'], action: 'store_true', validator: 'bool', default: false, section: 'Logging'},
  {name: 'logger_class', cli: ['--logger-class'], meta: 'STRING', validator: 'class', default: 'gunicorn.glogging.Logger', section: 'Logging'},
  {name: 'logconfig', cli: ['--log-config'], meta: 'FILE', validator: 'string', default: null, section: 'Logging'},
  {name: 'logconfig_dict', validator: 'dict', default: {}, section: 'Logging'},
  {name: 'syslog_addr', cli: ['--log-syslog-to'], meta: 'SYSLOG_ADDR', validator: 'string', default: 'udp://localhost:514', section: 'Logging'},
  {name: 'syslog', cli: ['--log-syslog'], action: 'store_true', validator: 'bool', default: false, section: 'Logging'},
  {name: 'syslog_prefix', cli: ['--log-syslog-prefix'], meta: 'SYSLOG_PREFIX', validator: 'string', default: null, section: 'Logging'},
  {name: 'syslog_facility', cli: ['--log-syslog-facility'], meta: 'SYSLOG_FACILITY', validator: 'string', default: 'user', section: 'Logging'},
  {name: 'enable_stdio_inheritance', cli: ['-R','--enable-stdio-inheritance'], action: 'store_true', validator: 'bool', default: false, section: 'Logging'},
  {name: 'statsd_host', cli: ['--statsd-host'], meta: 'STATSD_ADDR', validator: 'hostport', default: null, section: 'Logging', until: '21.0.0'},
  {name: 'statsd_host', cli: ['--statsd-host'], meta: 'STATSD_ADDR', validator: 'string', default: null, section: 'Logging', since: '21.0.0'},
  {name: 'dogstatsd_tags', cli: ['--dogstatsd-tags'], meta: 'DOGSTATSD_TAGS', validator: 'string', default: '', section: 'Logging'},
  {name: 'statsd_prefix', cli: ['--statsd-prefix'], meta: 'STATSD_PREFIX', validator: 'string', default: '', section: 'Logging'},
  {name: 'proc_name', cli: ['-n','--name'], meta: 'STRING', validator: 'string', default: null, section: 'Process Naming'},
  {name: 'default_proc_name', validator: 'string', default: 'gunicorn', section: 'Process Naming'},
  {name: 'pythonpath', cli: ['--pythonpath'], meta: 'STRING', validator: 'string', default: null, section: 'Server Mechanics'},
  {name: 'paste', cli: ['--paste','--paster'], meta: 'STRING', validator: 'string', default: null, section: 'Server Mechanics'},
  {name: 'on_starting', validator: 'callable', default: HOOK, section: 'Server Hooks'},
  {name: 'on_reload', validator: 'callable', default: HOOK, section: 'Server Hooks'},
  {name: 'when_ready', validator: 'callable', default: HOOK, section: 'Server Hooks'},
  {name: 'pre_fork', validator: 'callable', default: HOOK, section: 'Server Hooks'},
  {name: 'post_fork', validator: 'callable', default: HOOK, section: 'Server Hooks'},
  {name: 'post_worker_init', validator: 'callable', default: HOOK, section: 'Server Hooks'},
  {name: 'worker_int', validator: 'callable', default: HOOK, section: 'Server Hooks'},
  {name: 'worker_abort', validator: 'callable', default: HOOK, section: 'Server Hooks'},
  {name: 'pre_exec', validator: 'callable', default: HOOK, section: 'Server Hooks'},
  {name: 'pre_request', validator: 'callable', default: HOOK, section: 'Server Hooks'},
  {name: 'post_request', validator: 'callable', default: HOOK, section: 'Server Hooks'},
  {name: 'child_exit', validator: 'callable', default: HOOK, section: 'Server Hooks'},
  {name: 'worker_exit', validator: 'callable', default: HOOK, section: 'Server Hooks'},
  {name: 'nworkers_changed', validator: 'callable', default: HOOK, section: 'Server Hooks'},
  {name: 'on_exit', validator: 'callable', default: HOOK, section: 'Server Hooks'},
  {name: 'proxy_protocol', cli: ['--proxy-protocol'], action: 'store_true', validator: 'bool', default: false, section: 'Server Mechanics', until: '24.1.0'},
  {name: 'proxy_protocol', cli: ['--proxy-protocol'], nargs: '?', const: 'auto', meta: 'MODE', validator: 'proxy_protocol', default: 'off', section: 'Server Mechanics', since: '24.1.0'},
  {name: 'proxy_allow_ips', cli: ['--proxy-allow-from'], validator: 'string_to_list', default: '127.0.0.1', section: 'Server Mechanics', until: '23.0.0'},
  {name: 'proxy_allow_ips', cli: ['--proxy-allow-from'], validator: 'string_to_list', default: '127.0.0.1,::1', section: 'Server Mechanics', since: '23.0.0'},
  {name: 'keyfile', cli: ['--keyfile'], meta: 'FILE', validator: 'string', default: null, section: 'SSL'},
  {name: 'certfile', cli: ['--certfile'], meta: 'FILE', validator: 'string', default: null, section: 'SSL'},
  {name: 'ssl_version', cli: ['--ssl-version'], validator: 'ssl_version', default: 2, section: 'SSL'},
  {name: 'cert_reqs', cli: ['--cert-reqs'], validator: 'pos_int', default: 0, section: 'SSL'},
  {name: 'ca_certs', cli: ['--ca-certs'], meta: 'FILE', validator: 'string', default: null, section: 'SSL'},
  {name: 'suppress_ragged_eofs', cli: ['--suppress-ragged-eofs'], action: 'store_true', validator: 'bool', default: true, section: 'SSL'},
  {name: 'do_handshake_on_connect', cli: ['--do-handshake-on-connect'], action: 'store_true', validator: 'bool', default: false, section: 'SSL'},
  {name: 'ciphers', cli: ['--ciphers'], validator: 'string', default: null, section: 'SSL'},
  {name: 'raw_paste_global_conf', cli: ['--paste-global'], action: 'append', meta: 'CONF', validator: 'list_string', default: [], section: 'Server Mechanics'},
  {name: 'strip_header_spaces', cli: ['--strip-header-spaces'], action: 'store_true', validator: 'bool', default: false, section: 'Server Mechanics'},
  // Debian 12 backported this with the request-smuggling fixes (20.1.0-6+deb12u1); the
  // current upstream reference no longer lists it.
  {name: 'tolerate_dangerous_framing', cli: ['--tolerate-dangerous-framing'], action: 'store_true', validator: 'bool', default: false, section: 'Server Mechanics', until: '23.0.0'},

  // Added after 20.1.0, from the current settings reference (docs/content/reference/settings.md,
  // generated from config.py; it mentions changes up to 26.1.0) and config.pyi. 'since' is the
  // release the reference names ('Added in'); where it names none, the first release we know
  // to carry the module that uses the setting.
  {name: 'logconfig_json', cli: ['--log-config-json'], meta: 'FILE', validator: 'string', default: null, section: 'Logging', since: '21.0.0'},
  {name: 'ssl_context', validator: 'callable', default: HOOK, section: 'Server Hooks', since: '21.0.0'},
  {name: 'permit_unconventional_http_method', cli: ['--permit-unconventional-http-method'], action: 'store_true', validator: 'bool', default: false, section: 'Server Mechanics', since: '22.0.0'},
  {name: 'permit_unconventional_http_version', cli: ['--permit-unconventional-http-version'], action: 'store_true', validator: 'bool', default: false, section: 'Server Mechanics', since: '22.0.0'},
  {name: 'casefold_http_method', cli: ['--casefold-http-method'], action: 'store_true', validator: 'bool', default: false, section: 'Server Mechanics', since: '22.0.0'},
  {name: 'forwarder_headers', cli: ['--forwarder-headers'], validator: 'string_to_list', default: 'SCRIPT_NAME,PATH_INFO', section: 'Server Mechanics', since: '22.0.0'},
  {name: 'header_map', cli: ['--header-map'], validator: 'string', default: 'drop', section: 'Server Mechanics', since: '22.0.0'},
  {name: 'permit_obsolete_folding', cli: ['--permit-obsolete-folding'], action: 'store_true', validator: 'bool', default: false, section: 'Server Mechanics', since: '23.0.0'},
  {name: 'root_path', cli: ['--root-path'], meta: 'STRING', validator: 'string', default: '', section: 'Server Mechanics', since: '24.0.0'},
  {name: 'asgi_loop', cli: ['--asgi-loop'], meta: 'STRING', validator: 'string', default: 'auto', section: 'Worker Processes', since: '24.0.0'},
  {name: 'asgi_lifespan', cli: ['--asgi-lifespan'], meta: 'STRING', validator: 'string', default: 'auto', section: 'Worker Processes', since: '24.0.0'},
  {name: 'enable_backlog_metric', cli: ['--enable-backlog-metric'], action: 'store_true', validator: 'bool', default: false, section: 'Logging', since: '24.1.0'},
  {name: 'asgi_disconnect_grace_period', cli: ['--asgi-disconnect-grace-period'], type: 'int', meta: 'INT', validator: 'pos_int', default: 3, section: 'Worker Processes', since: '25.0.0'},
  {name: 'http_parser', cli: ['--http-parser'], meta: 'STRING', validator: 'string', default: 'auto', section: 'Worker Processes', since: '25.0.0'},
  {name: 'http_protocols', cli: ['--http-protocols'], meta: 'STRING', validator: 'string_to_list', default: 'h1', section: 'HTTP/2', since: '25.0.0'},
  {name: 'http2_max_concurrent_streams', cli: ['--http2-max-concurrent-streams'], type: 'int', meta: 'INT', validator: 'pos_int', default: 100, section: 'HTTP/2', since: '25.0.0'},
  {name: 'http2_initial_window_size', cli: ['--http2-initial-window-size'], type: 'int', meta: 'INT', validator: 'pos_int', default: 65535, section: 'HTTP/2', since: '25.0.0'},
  {name: 'http2_max_frame_size', cli: ['--http2-max-frame-size'], type: 'int', meta: 'INT', validator: 'pos_int', default: 16384, section: 'HTTP/2', since: '25.0.0'},
  {name: 'http2_max_header_list_size', cli: ['--http2-max-header-list-size'], type: 'int', meta: 'INT', validator: 'pos_int', default: 65536, section: 'HTTP/2', since: '25.0.0'},
  {name: 'protocol', cli: ['--protocol'], meta: 'STRING', validator: 'string', default: 'http', section: 'Server Mechanics', since: '25.0.0'},
  {name: 'uwsgi_allow_ips', cli: ['--uwsgi-allow-from'], validator: 'string_to_list', default: '127.0.0.1,::1', section: 'Server Mechanics', since: '25.0.0'},
  {name: 'dirty_apps', cli: ['--dirty-app'], action: 'append', meta: 'STRING', validator: 'list_string', default: [], section: 'Dirty Arbiters', since: '25.0.0'},
  {name: 'dirty_workers', cli: ['--dirty-workers'], type: 'int', meta: 'INT', validator: 'pos_int', default: 0, section: 'Dirty Arbiters', since: '25.0.0'},
  {name: 'dirty_timeout', cli: ['--dirty-timeout'], type: 'int', meta: 'INT', validator: 'pos_int', default: 300, section: 'Dirty Arbiters', since: '25.0.0'},
  {name: 'dirty_threads', cli: ['--dirty-threads'], type: 'int', meta: 'INT', validator: 'pos_int', default: 1, section: 'Dirty Arbiters', since: '25.0.0'},
  {name: 'dirty_graceful_timeout', cli: ['--dirty-graceful-timeout'], type: 'int', meta: 'INT', validator: 'pos_int', default: 30, section: 'Dirty Arbiters', since: '25.0.0'},
  {name: 'on_dirty_starting', validator: 'callable', default: HOOK, section: 'Dirty Arbiter Hooks', since: '25.0.0'},
  {name: 'dirty_post_fork', validator: 'callable', default: HOOK, section: 'Dirty Arbiter Hooks', since: '25.0.0'},
  {name: 'dirty_worker_init', validator: 'callable', default: HOOK, section: 'Dirty Arbiter Hooks', since: '25.0.0'},
  {name: 'dirty_worker_exit', validator: 'callable', default: HOOK, section: 'Dirty Arbiter Hooks', since: '25.0.0'},
  {name: 'control_socket', cli: ['--control-socket'], meta: 'PATH', validator: 'string', default: null, section: 'Control', since: '25.1.0'},
  {name: 'control_socket_mode', cli: ['--control-socket-mode'], type: 'auto_int', meta: 'INT', validator: 'pos_int', default: 384, section: 'Control', since: '25.1.0'},
  {name: 'control_socket_disable', cli: ['--no-control-socket'], action: 'store_true', validator: 'bool', default: false, section: 'Control', since: '25.1.0'},
]

export function parseVersion(v: string): number[] | null {
  const m = /^\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(v)
  if (!m) return null
  return [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)]
}

export function compareVersions(a: string, b: string): number {
  const x = parseVersion(a) ?? [0, 0, 0]
  const y = parseVersion(b) ?? [0, 0, 0]
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] - y[i]
  return 0
}

const cache = new Map<string, Map<string, SettingSpec>>()

/** The settings of one gunicorn release, by name (unknown or missing version: current). */
export function settingsFor(version?: string): Map<string, SettingSpec> {
  const v = version && parseVersion(version) ? version : CURRENT_RELEASE
  const hit = cache.get(v)
  if (hit) return hit
  const out = new Map<string, SettingSpec>()
  for (const s of SETTINGS) {
    if (s.since && compareVersions(v, s.since) < 0) continue
    if (s.until && compareVersions(v, s.until) >= 0) continue
    out.set(s.name, s)
  }
  cache.set(v, out)
  return out
}

/** Every setting name any release knows (for reading config files without a version). */
export const ALL_SETTING_NAMES: ReadonlySet<string> = new Set(SETTINGS.map((s) => s.name))
