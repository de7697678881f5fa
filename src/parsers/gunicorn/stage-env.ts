// The ENV of a Dockerfile build stage. A stage built FROM an earlier one starts with all of
// its environment ("a stage inherits any environment variables that were set using ENV by
// its parent stage or any ancestor"); copying that map into every stage made a chain of n
// stages cost O(n²). Here a stage keeps only what it sets and points at its base. A base is
// complete before a later FROM can name it (its instructions end at that FROM), so what it
// holds never changes under the stages built on it.

import {PersistentMap} from './persistent-map.js'

export interface EnvValue {
  value: string
  line: number
}

export class StageEnv implements Iterable<[string, EnvValue]> {
  private readonly own = new Map<string, EnvValue>()
  /**
   * Everything this stage holds, its bases' variables included, as a persistent map: made
   * when a stage built on this one first looks up a variable this one did not set. Walking
   * the bases at each lookup instead cost O(n²) for n stages of a chain each reading a
   * variable no base sets.
   */
  private full: PersistentMap<EnvValue> | undefined
  private whole: Map<string, EnvValue> | undefined

  constructor(private readonly base: StageEnv | null = null) {}

  get(name: string): EnvValue | undefined {
    return this.own.get(name) ?? this.base?.complete().get(name)
  }

  /** Bases are complete before a stage can name them, so what this returns never goes stale. */
  private complete(): PersistentMap<EnvValue> {
    if (this.full) return this.full
    // A loop, not recursion: chains can be as deep as the file has FROM lines.
    const pending: StageEnv[] = []
    let e: StageEnv | null = this
    for (; e && !e.full; e = e.base) pending.push(e)
    let map = e?.full ?? PersistentMap.empty<EnvValue>()
    for (let i = pending.length - 1; i >= 0; i--) {
      for (const [k, v] of pending[i].own) map = map.set(k, v)
      pending[i].full = map
    }
    return map
  }

  set(name: string, value: EnvValue): void {
    this.own.set(name, value)
    this.whole = undefined
    this.full = undefined
  }

  get size(): number {
    return this.flat().size
  }

  [Symbol.iterator](): IterableIterator<[string, EnvValue]> {
    return this.flat()[Symbol.iterator]()
  }

  /**
   * Every variable, in the order a copied Map would have them: the root stage's first, each
   * stage's new ones after, an override keeping the place of what it overrides. Built when a
   * stage's environment is read whole, once, from each stage's own variables.
   */
  private flat(): Map<string, EnvValue> {
    if (this.whole) return this.whole
    const chain: StageEnv[] = []
    for (let e: StageEnv | null = this; e; e = e.base) chain.push(e)
    const out = new Map<string, EnvValue>()
    for (let i = chain.length - 1; i >= 0; i--) for (const [k, v] of chain[i].own) out.set(k, v)
    return (this.whole = out)
  }
}
