// sysctl key spelling, as systemd-sysctl normalises it (src/shared/sysctl-util.c, sysctl_normalize)
// and procps prints it.
//
// A key names a path under /proc/sys. Written with dots, "/" inside a component stays a literal
// character of that component (an interface name like "enp3s0.200" or "eth0/1"): when the first
// separator is ".", dots and slashes swap roles. When the first separator is "/", the key is
// already a path. systemd then simplifies the path (repeated separators collapse, "."
// components go, a leading "/" goes).

/** Characters that make systemd treat a key as a glob (string_is_glob: "*?["). */
export function isGlobKey(key: string): boolean {
  return /[*?[]/.test(key)
}

/** The /proc/sys-relative path of a key as written: "net.ipv4.conf.eth0/1.rp_filter" → "net/ipv4/conf/eth0.1/rp_filter". */
export function sysctlKeyToPath(raw: string): string {
  const firstSep = raw.search(/[./]/)
  let path = raw
  if (firstSep !== -1 && raw[firstSep] === '.') {
    path = raw.replace(/[./]/g, (c) => (c === '.' ? '/' : '.'))
  }
  // path_simplify(): drop empty and "." components; ".." is kept as written.
  return path
    .split('/')
    .filter((part) => part !== '' && part !== '.')
    .join('/')
}

/** The dotted spelling `sysctl -a` prints for a path: "net/ipv4/conf/eth0.1/rp_filter" → "net.ipv4.conf.eth0/1.rp_filter". */
export function sysctlPathToKey(path: string): string {
  return path.replace(/[./]/g, (c) => (c === '.' ? '/' : '.'))
}

/** Any spelling of a key → the dotted form ("net/ipv4/tcp_fin_timeout" → "net.ipv4.tcp_fin_timeout"). */
export function normalizeSysctlKey(raw: string): string {
  return sysctlPathToKey(sysctlKeyToPath(raw))
}
