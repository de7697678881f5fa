// target.push(...items) passes every item as an argument: past about 120 000 of them V8
// throws "Maximum call stack size exceeded". Large configs have lists that long.

/** Appends items to target in place, one at a time; returns target. */
export function append<T>(target: T[], items: Iterable<T>): T[] {
  for (const x of items) target.push(x)
  return target
}
