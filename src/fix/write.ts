// `conntune fix --write`: every file is checked first (it still has the text the plan was made
// from), then each is backed up beside itself and replaced atomically (temp file + rename, mode
// kept). If any write fails, the files already replaced are restored from their backups:
// all of the fix lands, or none of it. Backups are dot-files: nginx's and lighttpd's include
// globs (glob(3) without GLOB_PERIOD) skip them, so `include sites-enabled/*;` does not load
// the old copy next to the new one.
import {chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmdirSync, statSync, unlinkSync, writeFileSync} from 'node:fs'
import {basename, dirname, join} from 'node:path'
import {UserError} from '../errors.js'
import type {FixPlan} from './edits.js'

export interface Written {
  file: string
  backup: string | null
  created: boolean
  /** The directory made for a new file (e.g. /etc/sysctl.d), removed again on rollback. */
  madeDir?: string
}

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

/** `onDisk` maps a plan path (a host path) to where it is here (under --root). */
export function applyPlan(plan: FixPlan, onDisk: (path: string) => string, opts: {existed: (path: string) => boolean; stamp?: string}): Written[] {
  const stamp = opts.stamp ?? new Date().toISOString().replace(/[:.]/g, '-')
  const targets = [...plan.after].filter(([p, text]) => plan.before.get(p) !== text || !opts.existed(p))
  // 1. Nothing is written unless every file is as it was read.
  for (const [path] of targets) {
    const real = onDisk(path)
    if (opts.existed(path)) {
      let now: string
      try {
        now = readFileSync(real, 'utf8')
      } catch (error) {
        throw new UserError(`${path}: cannot read it again before writing: ${errno(error)}; nothing was changed`)
      }
      if (now !== plan.before.get(path)) throw new UserError(`${path}: changed since it was read; nothing was changed (run conntune fix again)`)
    } else if (existsSync(real)) {
      throw new UserError(`${path}: appeared since it was read; nothing was changed`)
    }
  }
  // 2. Back up and replace, undoing everything on the first failure.
  const done: Written[] = []
  try {
    for (const [path, text] of targets) {
      const real = onDisk(path)
      const existed = opts.existed(path)
      const backup = existed ? join(dirname(real), `.${basename(real)}.conntune-${stamp}.bak`) : null
      const tmp = join(dirname(real), `.${basename(real)}.conntune-${process.pid}.tmp`)
      let madeDir: string | undefined
      try {
        if (!existed && !existsSync(dirname(real))) madeDir = mkdirSync(dirname(real), {recursive: true, mode: 0o755})
        if (backup) copyFileSync(real, backup)
        writeFileSync(tmp, text, {flag: 'wx'})
        if (existed) chmodSync(tmp, statSync(real).mode & 0o7777)
        renameSync(tmp, real)
      } catch (error) {
        try {
          unlinkSync(tmp)
        } catch {
          // never created
        }
        if (madeDir) removeMadeDir(madeDir, dirname(real))
        throw new UserError(`${path}: cannot write: ${errno(error)}`)
      }
      done.push({file: path, backup: backup, created: !existed, ...(madeDir ? {madeDir} : {})})
    }
  } catch (error) {
    for (const w of done.reverse()) {
      try {
        if (w.backup) renameSync(w.backup, onDisk(w.file))
        else unlinkSync(onDisk(w.file))
        if (w.madeDir) removeMadeDir(w.madeDir, dirname(onDisk(w.file)))
      } catch {
        // Best effort: the message below names what may need a look.
      }
    }
    const msg = error instanceof UserError ? error.message : errno(error)
    throw new UserError(`${msg}; ${done.length ? `the ${done.length} file(s) already written were restored` : 'nothing was changed'}`)
  }
  return done
}
