// audit --probe: measure the backends of this host's hops that conntune has no configuration
// for. Only loopback/private addresses and unix sockets (a public address is probed only when
// the user names it to `conntune probe`), one connection each, waiting at most the proxy's own
// idle timeout plus a margin.
import {buildHostModel, type ModelOptions} from '../model/build.js'
import type {MeasuredBackend} from '../model/measured.js'
import type {Snapshot} from '../snapshot/types.js'
import {isPrivateTarget, parseProbeTarget, probe} from './probe.js'

const MARGIN_SECONDS = 10

export async function probeUnknownBackends(snap: Snapshot, opts: ModelOptions, limits: {timeoutSeconds: number}): Promise<{measured: MeasuredBackend[]; notes: string[]}> {
  const model = buildHostModel(snap, opts)
  const wanted = new Map<string, number>()
  const notes: string[] = []
  for (const h of model.hops) {
    if (h.kind !== 'upstream' || h.server.kind !== 'unknown') continue
    const wait = (h.client.idle.num ?? 60) + MARGIN_SECONDS
    wanted.set(h.target, Math.max(wanted.get(h.target) ?? 0, wait))
  }
  const runs: Array<Promise<MeasuredBackend>> = []
  for (const [target, wait] of wanted) {
    let t
    try {
      t = parseProbeTarget(target)
    } catch {
      notes.push(`--probe: ${target} is not an address that can be probed`)
      continue
    }
    if (!isPrivateTarget(t)) {
      notes.push(`--probe: ${target} is not a loopback or private address; probe it by name with conntune probe`)
      continue
    }
    runs.push(probe(t, {method: 'HEAD', maxIdleSeconds: Math.min(wait, limits.timeoutSeconds), timeoutSeconds: limits.timeoutSeconds}))
  }
  const measured = await Promise.all(runs)
  for (const m of measured) if (m.error) notes.push(`--probe: ${m.target} not measured (${m.error})`)
  return {measured, notes}
}
