// Tables keyed by names a config chooses (directives, worker classes, wrapper programs) are
// plain objects, so table[name] also finds Object.prototype's members: a directive named
// `constructor` read Object's own function. Look names up here instead.

/** table[key] when it is the table's own entry, else undefined. */
export function own<V>(table: Record<string, V>, key: string): V | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined
}
