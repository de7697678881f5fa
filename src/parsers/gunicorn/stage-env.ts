// The ENV of a Dockerfile build stage. A stage built FROM an earlier one starts with all of
// its environment ("a stage inherits any environment variables that were set using ENV by
// its parent stage or any ancestor"); copying that map into every stage made a chain of n
// stages cost O(n²). Here a stage keeps only what it sets and points at its base. A base is
// complete before a later FROM can name it (its instructions end at that FROM), so what it
// holds never changes under the stages built on it.

export interface EnvValue {
  value: string
  line: number
}

export class StageEnv implements Iterable<[string, EnvValue]> {
  private readonly own = new Map<string, EnvValue>()
  /** Lookups answered by the bases, kept: a variable of an ancestor read in every stage of a chain walks it once. */
  private inherited: Map<string, EnvValue | undefined> | undefined
  private whole: Map<string, EnvValue> | undefined

  constructor(private readonly base: StageEnv | null = null) {}

  get(name: string): EnvValue | undefined {
    const mine = this.own.get(name)
    if (mine !== undefined) return mine
    if (this.inherited?.has(name)) return this.inherited.get(name)
    // A loop, not recursion: chains can be as deep as the file has FROM lines.
    let found: EnvValue | undefined
    for (let e = this.base; e; e = e.base) {
      found = e.own.get(name)
      if (found !== undefined) break
      if (e.inherited?.has(name)) { found = e.inherited.get(name); break }
    }
    // Made on the first such lookup: most stages never read a variable they did not set.
    this.inherited ??= new Map()
    this.inherited.set(name, found)
    return found
  }

  set(name: string, value: EnvValue): void {
    this.own.set(name, value)
    this.whole = undefined
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
