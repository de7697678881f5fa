// Listening addresses indexed by port, then host, so that matching N targets against M
// listeners costs N + M + matches instead of N × M. Answers exactly what endpointMatches()
// answers (address-match.ts); the unit test compares the two on every pair of a corpus.
import type {Endpoint} from './address-match.js'

const WILDCARD4 = new Set(['0.0.0.0', '*', ''])
const WILDCARD6 = new Set(['::', '[::]'])

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.') || host === 'ip6-localhost'
}

/** Ids (insertion order) of listeners on one port, by the way a target can reach them. */
interface Bucket {
  exact: Map<string, number[]>
  wild4: number[]
  wild6: number[]
  loop4: number[]
  loop6: number[]
  localhost: number[]
}

const push = <K>(m: Map<K, number[]>, k: K, id: number) => {
  const list = m.get(k)
  if (list) list.push(id)
  else m.set(k, [id])
}

export class ListenerIndex<T> {
  private readonly values: T[] = []
  private readonly unix = new Map<string, number[]>()
  private readonly ports = new Map<number, Bucket>()

  /** Listeners added earlier win in first(); a value may be added with several listeners. */
  add(listener: Endpoint, value: T): void {
    const id = this.values.length
    this.values.push(value)
    if (listener.unix) return push(this.unix, listener.unix, id)
    if (listener.port === null) return
    let b = this.ports.get(listener.port)
    if (!b) this.ports.set(listener.port, (b = {exact: new Map(), wild4: [], wild6: [], loop4: [], loop6: [], localhost: []}))
    const l = (listener.host ?? '').toLowerCase()
    if (WILDCARD4.has(l)) b.wild4.push(id)
    else if (WILDCARD6.has(l)) b.wild6.push(id)
    else if (l === 'localhost') b.localhost.push(id)
    else if (isLoopback(l)) (l.includes(':') ? b.loop6 : b.loop4).push(id)
    else push(b.exact, l, id)
  }

  /** Sorted id lists that hold every listener `target` reaches. */
  private candidates(target: Endpoint): number[][] {
    if (target.unix) return [this.unix.get(target.unix) ?? []]
    if (target.port === null) return []
    const b = this.ports.get(target.port)
    if (!b) return []
    const t = (target.host ?? '').toLowerCase()
    const out = [b.wild6]
    if (!t.includes(':') || t === '::ffff:' || isLoopback(t)) out.push(b.wild4)
    if (isLoopback(t)) {
      out.push(b.localhost)
      if (t === 'localhost' || !t.includes(':')) out.push(b.loop4)
      if (t === 'localhost' || t.includes(':')) out.push(b.loop6)
    } else {
      const exact = b.exact.get(t)
      if (exact) out.push(exact)
    }
    return out
  }

  /** The value of the earliest-added listener `target` reaches. */
  first(target: Endpoint): T | undefined {
    let best = Infinity
    for (const list of this.candidates(target)) if (list.length > 0 && list[0] < best) best = list[0]
    return best === Infinity ? undefined : this.values[best]
  }

  /** Values of every listener `target` reaches, each once, in insertion order. */
  all(target: Endpoint): T[] {
    const lists = this.candidates(target).filter((l) => l.length > 0)
    const ids = lists.length === 1 ? lists[0] : [...new Set(lists.flat())].sort((a, b) => a - b)
    const out: T[] = []
    const seen = new Set<T>()
    for (const id of ids) {
      const v = this.values[id]
      if (!seen.has(v)) {
        seen.add(v)
        out.push(v)
      }
    }
    return out
  }
}
