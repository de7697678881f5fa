// Counts toward each upstream server are summed over the logged peers that reach it. The
// indexed countsTowardEach must answer what the pairwise definition answers, in peer order
// (samples keep the first three), for every address shape a peer and a target can take.
import {emptyCounts, countsTowardEach, peerEndpoint, type LogCounts, type LogEvidence} from '../../../src/model/evidence.js'
import {endpointMatches, type Endpoint} from '../../../src/model/servers/address-match.js'

const hosts = ['0.0.0.0', '::', 'localhost', '127.0.0.1', '127.0.0.2', '::1', '10.0.0.7', 'Example.COM', 'fe80::1']
const targets: Array<Endpoint | null> = [
  ...hosts.flatMap((host) => [8000, 8001].map((port) => ({host, port, unix: null}))),
  {host: null, port: null, unix: '/run/app.sock'},
  null,
  {host: '10.0.0.7', port: 8000, unix: null},
]
const peers = ['127.0.0.1:8000', 'localhost:8000', '[::1]:8000', '10.0.0.7:8000', 'example.com:8001', 'unix:/run/app.sock', '10.0.0.7', '[fe80::1]:8001', '0.0.0.0:8000', '127.0.0.2:8000']

function counts(i: number): LogCounts {
  return {...emptyCounts(), race: i + 1, reset: i, status502: 2 * i, first: `2026-01-0${(i % 9) + 1}`, last: `2026-02-0${(i % 9) + 1}`, lowerBound: i % 4 === 0, samples: [`a${i}`, `b${i}`]}
}

/** The definition: every peer that reaches the target, added in peer order. */
function pairwise(ev: LogEvidence, target: Endpoint | null): LogCounts {
  const out = emptyCounts()
  if (!target) return out
  for (const {peer, counts: c} of ev.peers) {
    if (!endpointMatches(peerEndpoint(peer), target)) continue
    for (const k of ['race', 'prematureClose', 'reset', 'brokenPipe', 'raceNonIdempotent', 'timeouts', 'refused', 'noLive', 'status502', 'status504'] as const) out[k] += c[k]
    if (c.first && (!out.first || c.first < out.first)) out.first = c.first
    if (c.last && (!out.last || c.last > out.last)) out.last = c.last
    out.lowerBound ||= c.lowerBound
    for (const s of c.samples) if (out.samples.length < 3) out.samples.push(s)
  }
  return out
}

describe('countsTowardEach', () => {
  const ev = {read: true, window: {start: '', text: ''}, files: [], unattributed: [], notes: [], peers: peers.map((peer, i) => ({peer, counts: counts(i)}))} as LogEvidence

  it('gives every target what the pairwise definition gives it', () => {
    const got = countsTowardEach(ev, targets)
    // null where no peer reaches the target: the same as counts of zero.
    targets.forEach((t, i) => expect({t, counts: got[i] ?? emptyCounts()}).toEqual({t, counts: pairwise(ev, t)}))
    targets.forEach((t, i) => expect({t, reached: got[i] !== null}).toEqual({t, reached: pairwise(ev, t).race > 0}))
    // Not vacuous: most targets are reached by some peer, several by more than one.
    expect(got.filter((c) => c && c.race > 0).length).toBeGreaterThan(8)
    expect(got.filter((c) => c && c.samples.length === 3).length).toBeGreaterThan(3)
  })

  it('gives no counts to any target when nothing was logged', () => {
    expect(countsTowardEach({...ev, peers: []}, targets)).toEqual(targets.map(() => null))
  })
})
