// Where server configuration lives on a host: what the collectors capture (as raw text) so
// the analysis side can parse it. One list, shared by the local source and the SSH collector.
import {MAX_INCLUDE_DEPTH} from '../limits.js'

/** Directory trees captured whole (bounded), for nginx's and lighttpd's include graphs. */
export const CONFIG_TREES = {
  nginx: ['/etc/nginx', '/usr/local/nginx/conf', '/usr/local/etc/nginx', '/usr/local/openresty/nginx/conf'],
  lighttpd: ['/etc/lighttpd', '/usr/local/etc/lighttpd'],
} as const

/** The main config files, first existing wins (unless `nginx -V` names --conf-path). */
export const MAIN_CONFIGS = {
  nginx: ['/etc/nginx/nginx.conf', '/usr/local/nginx/conf/nginx.conf', '/usr/local/etc/nginx/nginx.conf', '/usr/local/openresty/nginx/conf/nginx.conf'],
  lighttpd: ['/etc/lighttpd/lighttpd.conf', '/usr/local/etc/lighttpd/lighttpd.conf'],
} as const

/** systemd unit directories, highest priority first; units that run gunicorn are captured. */
export const UNIT_DIRS = ['/etc/systemd/system', '/run/systemd/system', '/usr/local/lib/systemd/system', '/usr/lib/systemd/system', '/lib/systemd/system'] as const

/** Usual places for gunicorn configuration outside units. */
export const GUNICORN_FILES = ['/etc/gunicorn.conf.py', '/etc/gunicorn.d'] as const

/** Programs whose own output the local collector records (never with --root: an image's binaries are not run). */
export const COMMANDS = {
  'nginx -V': {program: 'nginx', args: ['-V']},
  'nginx -T': {program: 'nginx', args: ['-T']},
  'lighttpd -v': {program: 'lighttpd', args: ['-v']},
} as const

export const CAPTURE_LIMITS = {
  filesPerTree: 2000,
  unitFiles: 5000,
  unitBytes: 256 * 1024,
  commandBytes: 64 * 1024 * 1024,
  commandSeconds: 10,
  includeRounds: MAX_INCLUDE_DEPTH,
} as const

/**
 * nginx logs read as evidence: the last `tailBytes` of each log (and of its rotated `.1`
 * while the budget lasts), at most `files` logs, keeping the newest `lines` matching lines
 * per log, each cut at `lineChars`. The SSH collector uses the same numbers.
 */
export const LOG_LIMITS = {
  tailBytes: 8 * 1024 * 1024,
  files: 32,
  lines: 500,
  lineChars: 2048,
} as const
