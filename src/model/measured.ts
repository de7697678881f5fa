// Backends measured by `audit --probe`: a hop whose backend conntune has no configuration
// for takes the measured idle timeout instead, so the hop rules can judge it.
import {defaultSetting, type ConfigSetting} from './servers/setting.js'
import type {Hop} from './hops.js'

export interface MeasuredBackend {
  /** The hop target as conntune names it: "127.0.0.1:8000", "unix:/run/app.sock". */
  target: string
  at: string
  /** The server kept the idle connection open (it did not close right after the response). */
  keepsAlive: boolean
  /** Seconds the server kept the idle connection before closing it; null when it outlived the probe. */
  idleSeconds: number | null
  /** The probe stopped waiting after this many seconds (the bound). */
  waitedSeconds: number
  keepAliveHeader: string | null
  /** Why a measurement failed (connect refused, no response). */
  error?: string
}

export function applyMeasured(hops: Hop[], measured: MeasuredBackend[]): void {
  for (const hop of hops) {
    if (hop.kind !== 'upstream' || hop.server.kind !== 'unknown') continue
    const m = measured.find((x) => x.target === hop.target && !x.error)
    if (!m) continue
    const origin = `measured by probe at ${m.at}`
    const idle: ConfigSetting = m.keepsAlive
      ? m.idleSeconds !== null
        ? {name: 'idle timeout', value: `${m.idleSeconds}s`, num: m.idleSeconds, explicit: true, origin, file: null, line: null, col: null, insertAt: null}
        : {...defaultSetting('idle timeout', null, null, '', null), origin: `${origin}: still open after ${m.waitedSeconds} s`, unresolved: 'longer than the probe waited'}
      : {name: 'idle timeout', value: '0s', num: 0, explicit: true, origin: `${origin}: closes after every response`, file: null, line: null, col: null, insertAt: null}
    hop.server = {kind: 'probed', name: `the backend at ${hop.target} (measured by probe${m.keepAliveHeader ? `, Keep-Alive: ${m.keepAliveHeader}` : ''})`, idle, file: null, line: null}
    if (!m.keepsAlive) {
      hop.reuse = false
      hop.reuseReason = `the backend at ${hop.target} closes after every response (measured by probe)`
    }
  }
}
