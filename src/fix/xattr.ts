// Extended attributes (POSIX ACLs live in system.posix_acl_*, SELinux labels in security.*)
// survive a rewrite only if copied: Node has no xattr API, so getfattr/setfattr (Debian's
// `attr` package) are used when installed, through argument arrays. Without them, owner,
// group and mode are still kept; the README says so.
import {execFileSync} from 'node:child_process'

let available: boolean | undefined

function haveAttrTools(): boolean {
  if (available === undefined) {
    try {
      execFileSync('getfattr', ['--version'], {stdio: 'ignore'})
      execFileSync('setfattr', ['--version'], {stdio: 'ignore'})
      available = true
    } catch {
      available = false
    }
  }
  return available
}

/** name → hex-encoded value ("0x…") of every attribute of `path` (no links followed). */
export function readXattrs(path: string): Array<[string, string]> {
  if (!haveAttrTools()) return []
  let out: string
  try {
    out = execFileSync('getfattr', ['--absolute-names', '--no-dereference', '-d', '-m', '-', '-e', 'hex', '--', path], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 20})
  } catch {
    return [] // no attributes, or a filesystem without them
  }
  const attrs: Array<[string, string]> = []
  for (const line of out.split('\n')) {
    const m = /^([^#=\s][^=]*)=(0x[0-9a-fA-F]*)$/.exec(line)
    if (m) attrs.push([m[1], m[2]])
  }
  return attrs
}

export function writeXattrs(path: string, attrs: Array<[string, string]>): void {
  for (const [name, value] of attrs) {
    try {
      execFileSync('setfattr', ['--no-dereference', '-n', name, '-v', value, '--', path], {stdio: 'ignore'})
    } catch {
      // security.* may be refused to an unprivileged user; the file itself is still written.
    }
  }
}
