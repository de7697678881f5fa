// An immutable string-keyed map whose set() returns a new map sharing all but O(log n) nodes
// with the old one: a treap, with random priorities (so its depth stays logarithmic whatever
// order hostile keys arrive in) and path copying. It lets every Dockerfile stage hold its whole
// inherited environment without copying it (a chain of n stages) and without walking its
// ancestors at each lookup (n stages each reading a variable only a sibling set).

interface Node<V> {
  readonly key: string
  readonly value: V
  readonly prio: number
  readonly left: Node<V> | null
  readonly right: Node<V> | null
}

export class PersistentMap<V> {
  static empty<V>(): PersistentMap<V> {
    return new PersistentMap<V>(null)
  }

  private constructor(private readonly root: Node<V> | null) {}

  get(key: string): V | undefined {
    let n = this.root
    while (n) {
      if (key === n.key) return n.value
      n = key < n.key ? n.left : n.right
    }
    return undefined
  }

  set(key: string, value: V): PersistentMap<V> {
    return new PersistentMap(insert(this.root, key, value))
  }
}

function node<V>(key: string, value: V, prio: number, left: Node<V> | null, right: Node<V> | null): Node<V> {
  return {key, value, prio, left, right}
}

// Recursion is as deep as the treap, which random priorities keep near 2·ln(n).
function insert<V>(t: Node<V> | null, key: string, value: V): Node<V> {
  if (!t) return node(key, value, Math.random(), null, null)
  if (key === t.key) return node(key, value, t.prio, t.left, t.right)
  if (key < t.key) {
    const l = insert(t.left, key, value)
    // The new node rose above t: rotate right.
    if (l.prio > t.prio) return node(l.key, l.value, l.prio, l.left, node(t.key, t.value, t.prio, l.right, t.right))
    return node(t.key, t.value, t.prio, l, t.right)
  }
  const r = insert(t.right, key, value)
  if (r.prio > t.prio) return node(r.key, r.value, r.prio, node(t.key, t.value, t.prio, t.left, r.left), r.right)
  return node(t.key, t.value, t.prio, t.left, r)
}
