// Host-key checking, decided on what ssh itself resolves. Reading --ssh-option text is not
// enough: ssh accepts `false`, `"no"`, `'off'` in any case, an ~/.ssh/config or -F file can set
// the same in a Host block, and `/dev//null` is /dev/null. So before connecting, `ssh -G` (no
// network; the same -F/-o/-p/-l and host) prints the configuration ssh would use, and that is
// what is judged.
//
// "Off" means ssh would accept a key it cannot compare with a remembered one, and say nothing:
//   - StrictHostKeyChecking no/off/false: unknown keys are added, changed keys only warned about;
//   - accept-new where the new key cannot be remembered: ssh adds unknown keys to the FIRST
//     UserKnownHostsFile and, if that write fails, warns and connects anyway — so every run
//     would accept whatever key the host (or a man in the middle) shows. That file must be a
//     writable regular file, or not exist yet in a writable directory (ssh creates it: trust on
//     first use, which is what accept-new means). /dev/null, `none`, a device, a read-only
//     file or a missing directory are refused.
// `yes` and `ask` (BatchMode makes ask refuse) never accept an unknown key, whatever the files.
import {accessSync, constants, realpathSync, statSync} from 'node:fs'
import {dirname, resolve} from 'node:path'

/** Keys of `ssh -G` output this policy reads (ssh prints them lower-case). */
export interface ResolvedHostKeyConfig {
  stricthostkeychecking: string
  userknownhostsfile: string[]
  globalknownhostsfile: string[]
}

/** `ssh -G` output → the host-key settings; null when ssh printed none (not an OpenSSH -G dump). */
export function parseSshG(text: string): ResolvedHostKeyConfig | null {
  const seen = new Map<string, string>()
  for (const line of text.split('\n')) {
    const m = /^([a-z0-9]+) (.*)$/.exec(line.replace(/\r$/, ''))
    if (m && !seen.has(m[1])) seen.set(m[1], m[2])
  }
  const strict = seen.get('stricthostkeychecking')
  if (strict === undefined) return null
  // ssh prints the list space-separated and unquoted; a path with a space splits into names
  // that do not exist, which only ever makes the verdict stricter.
  const files = (k: string) => (seen.get(k) ?? '').split(' ').filter((f) => f && f !== 'none')
  return {stricthostkeychecking: strict.trim().toLowerCase(), userknownhostsfile: files('userknownhostsfile'), globalknownhostsfile: files('globalknownhostsfile')}
}

/** Why accept-new could not remember a key in this file, or null when it can. */
function cannotRemember(file: string): string | null {
  const abs = resolve(file)
  let real: string
  try {
    real = realpathSync(abs)
  } catch {
    // Not there (yet): ssh creates it if its directory is there and writable.
    const dir = dirname(abs)
    try {
      if (!statSync(dir).isDirectory()) return `${JSON.stringify(file)} does not exist and ${JSON.stringify(dir)} is not a directory`
      accessSync(dir, constants.W_OK)
      return null
    } catch {
      return `${JSON.stringify(file)} does not exist and cannot be created`
    }
  }
  if (real === '/dev/null') return `${JSON.stringify(file)} is /dev/null`
  try {
    if (!statSync(real).isFile()) return `${JSON.stringify(file)} is not a regular file`
    accessSync(real, constants.W_OK)
  } catch {
    return `${JSON.stringify(file)} is not writable`
  }
  return null
}

/** Why this resolved configuration has host-key checking off, or null when it is on. */
export function hostKeyCheckingOff(cfg: ResolvedHostKeyConfig): string | null {
  const strict = cfg.stricthostkeychecking
  if (strict === 'false' || strict === 'no' || strict === 'off') return 'StrictHostKeyChecking is off'
  if (strict === 'true' || strict === 'yes' || strict === 'ask') return null
  if (strict !== 'accept-new') return `StrictHostKeyChecking ${JSON.stringify(strict)} is not a value conntune knows`
  const first = cfg.userknownhostsfile[0]
  if (first === undefined) return 'StrictHostKeyChecking accept-new with UserKnownHostsFile none: new keys would be accepted and never remembered'
  const why = cannotRemember(first)
  return why ? `StrictHostKeyChecking accept-new but new keys cannot be remembered (${why}), so every run would accept any key` : null
}
