// `conntune fix --write`: every file is checked first (it still has the text the plan was made
// from), then each is backed up beside itself (its original bytes) and replaced atomically
// (temp file + rename) keeping owner, group, mode and extended attributes. A link is not
// replaced: `onDisk` names its target, which is written, once however many paths reach it. If any write fails, the files already replaced are restored from their backups:
// all of the fix lands, or none of it. Backups are dot-files: nginx's and lighttpd's include
// globs (glob(3) without GLOB_PERIOD) skip them, so `include sites-enabled/*;` does not load
// the old copy next to the new one.
import {chmodSync, chownSync, existsSync, mkdirSync, renameSync, rmdirSync, statSync, unlinkSync, writeFileSync} from 'node:fs'
import {basename, dirname, join} from 'node:path'
import {UserError} from '../errors.js'
import {LIMITS} from '../snapshot/kernel-keys.js'
import {readRegular} from '../sources/read-regular.js'
import type {FixPlan} from './edits.js'
import {readXattrs, writeXattrs} from './xattr.js'

export interface Written {
  file: string
  backup: string | null
  created: boolean
  /** The directory made for a new file (e.g. /etc/sysctl.d), removed again on rollback. */
  madeDir?: string
}

type Done = Written & {real: string}

function errno(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error as Error).message
}

/** Removes the empty directories mkdir -p made, deepest first, up to the first one it made. */
function removeMadeDir(first: string, deepest: string): void {
  for (let d = deepest; d.length >= first.length; d = dirname(d)) {
    try {
      rmdirSync(d)
    } catch {
      return
    }
  }
}

/** What a replaced file keeps: its owner, group, mode and extended attributes (ACLs among them). */
interface Kept {
  uid: number
  gid: number
  mode: number
  xattrs: Array<[string, string]>
}

function keptOf(real: string): Kept {
  const st = statSync(real)
  return {uid: st.uid, gid: st.gid, mode: st.mode & 0o7777, xattrs: readXattrs(real)}
}

/** Owner before mode: chown(2) clears set-id bits. Only root may give a file away; others keep what they can. */
function applyKept(path: string, k: Kept): void {
  try {
    chownSync(path, k.uid, k.gid)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') throw error
  }
  chmodSync(path, k.mode)
  writeXattrs(path, k.xattrs)
}

/** `onDisk` maps a plan path (a host path) to the real place it is written (under --root, links resolved and contained). */
export function applyPlan(plan: FixPlan, onDisk: (path: string) => string, opts: {existed: (path: string) => boolean; stamp?: string}): Written[] {
  const stamp = opts.stamp ?? new Date().toISOString().replace(/[:.]/g, '-')
  const targets = [...plan.after].filter(([p, text]) => plan.before.get(p) !== text || !opts.existed(p))
  // 1. Nothing is written unless every file is as it was read, and is written once.
  const original = new Map<string, Buffer>()
  const byReal = new Map<string, string>()
  for (const [path, text] of targets) {
    const real = onDisk(path)
    const twin = byReal.get(real)
    if (twin !== undefined) {
      if (plan.after.get(twin) !== text) throw new UserError(`${path} and ${twin} are the same file (${real}) with different changes; nothing was changed`)
      continue
    }
    byReal.set(real, path)
    if (opts.existed(path)) {
      let now: Buffer
      try {
        const r = readRegular(real, LIMITS.configBytes)
        if ('error' in r || r.truncated) throw Object.assign(new Error('changed'), {code: 'error' in r ? r.error : 'EFBIG'})
        now = r.data
      } catch (error) {
        throw new UserError(`${path}: cannot read it again before writing: ${errno(error)}; nothing was changed`)
      }
      if (now.toString('utf8') !== plan.before.get(path)) throw new UserError(`${path}: changed since it was read; nothing was changed (run conntune fix again)`)
      original.set(path, now)
    } else if (existsSync(real)) {
      throw new UserError(`${path}: appeared since it was read; nothing was changed`)
    }
  }
  const once = new Set(byReal.values())
  // 2. Back up and replace, undoing everything on the first failure.
  const done: Done[] = []
  try {
    for (const [path, text] of targets) {
      if (!once.has(path)) continue
      const real = onDisk(path)
      const existed = opts.existed(path)
      const backup = existed ? join(dirname(real), `.${basename(real)}.conntune-${stamp}.bak`) : null
      const tmp = join(dirname(real), `.${basename(real)}.conntune-${process.pid}.tmp`)
      let madeDir: string | undefined
      // What this step made, so a failure part-way removes exactly that (not a file of the same name it found).
      let madeBackup = false
      let madeTmp = false
      try {
        if (!existed && !existsSync(dirname(real))) madeDir = mkdirSync(dirname(real), {recursive: true, mode: 0o755})
        const kept = existed ? keptOf(real) : null
        // The backup is the bytes that were checked, readable by no more people than the file.
        if (backup && kept) {
          writeFileSync(backup, original.get(path)!, {flag: 'wx', mode: 0o600})
          madeBackup = true
          applyKept(backup, kept)
        }
        writeFileSync(tmp, text, {flag: 'wx', mode: 0o600})
        madeTmp = true
        if (kept) applyKept(tmp, kept)
        else chmodSync(tmp, 0o644)
        renameSync(tmp, real)
      } catch (error) {
        for (const [made, file] of [[madeTmp, tmp], [madeBackup, backup]] as const) {
          if (!made || !file) continue
          try {
            unlinkSync(file)
          } catch {
            // Best effort: the message below names the file.
          }
        }
        if (madeDir) removeMadeDir(madeDir, dirname(real))
        throw new UserError(`${path}: cannot write: ${errno(error)}`)
      }
      done.push({file: path, backup: backup, created: !existed, ...(madeDir ? {madeDir} : {}), real})
    }
  } catch (error) {
    for (const w of done.reverse()) {
      try {
        if (w.backup) renameSync(w.backup, w.real)
        else unlinkSync(w.real)
        if (w.madeDir) removeMadeDir(w.madeDir, dirname(w.real))
      } catch {
        // Best effort: the message below names what may need a look.
      }
    }
    const msg = error instanceof UserError ? error.message : errno(error)
    throw new UserError(`${msg}; ${done.length ? `the ${done.length} file(s) already written were restored` : 'nothing was changed'}`)
  }
  return done.map(({real: _real, ...w}) => w)
}
