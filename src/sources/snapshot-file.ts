// The snapshot source: files written by `conntune collect` or by the collector script run
// through another engine. Validated against the shipped schema; bad ones are exit 2.
import {readRegular} from './read-regular.js'
import {UserError} from '../errors.js'
import {parseSnapshotText} from '../snapshot/validate.js'
import type {Snapshot} from '../snapshot/types.js'

// V8 cannot hold a longer string; the largest host output (320 MiB, output-budget.ts) fits
// with the room JSON escaping takes (most config text grows a few percent).
const MAX_SNAPSHOT_BYTES = 512 * 1024 * 1024

export async function readSnapshotFile(file: string, toolVersion = 'unknown'): Promise<Snapshot> {
  let text: string
  try {
    const r = readRegular(file, MAX_SNAPSHOT_BYTES)
    if ('error' in r) throw new UserError(r.error === 'EISDIR' ? `${file}: is a directory, not a snapshot file` : `${file}: cannot read snapshot: ${r.error}`)
    if (r.truncated) throw new UserError(`${file}: snapshot is larger than 512 MiB`)
    const buf = r.data
    // The collector script's own output (run by Ansible, Salt, a DaemonSet) is a snapshot too.
    const {looksLikeCollectorOutput, parseCollectorOutput} = await import('./collector-output.js')
    if (looksLikeCollectorOutput(buf)) return parseCollectorOutput(buf, {source: 'script', toolVersion}).snapshot
    text = buf.toString('utf8')
  } catch (error) {
    if (error instanceof UserError) throw error
    throw new UserError(`${file}: cannot read snapshot: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`)
  }
  return parseSnapshotText(text, file)
}
