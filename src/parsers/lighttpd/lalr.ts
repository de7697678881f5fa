// LALR(1) tables for the grammar in grammar.ts, with LEMON's "default reduce" per state.
// Why build tables instead of writing a recursive-descent parser: on a token it cannot use,
// lighttpd 1.4.69's LEMON parser first applies the state's default reduction and then drops
// the token, so what a sloppy config *means* depends on those defaults. Reproducing them is
// the only way our tree says what lighttpd actually runs with.
import {RULES, START_SYMBOL, TERMINALS, type Rule, type Terminal} from './grammar.js'
import {LALR_TABLES} from './lalr-tables.js'

export type Action =
  | {type: 'shift'; state: number}
  | {type: 'reduce'; rule: number}
  | {type: 'accept'}
  | {type: 'error'}

export interface Tables {
  rules: readonly Rule[]
  /** action(state, terminal): the explicit entry, else the state's default. */
  action(state: number, terminal: Terminal): Action
  /** State after reducing to a nonterminal. */
  goto(state: number, nonterminal: string): number
  stateCount: number
}

const ERROR: Action = {type: 'error'}
const ACCEPT: Action = {type: 'accept'}

interface Item { rule: number; dot: number }

/**
 * The tables as plain data: per state its explicit actions and gotos (in the order built) and
 * its default action. lalr-tables.ts holds them for RULES, written by scripts/gen-lalr.js, so a
 * run does not rebuild them (≈ 7 ms of every lighttpd parse's start); a test checks that
 * file against this builder.
 */
export interface TableData {
  explicit: Array<Array<[string, Action]>>
  defaults: Action[]
  transitions: Array<Array<[string, number]>>
}

let cached: Tables | undefined

export function lighttpdTables(): Tables {
  cached ??= fromData(RULES, LALR_TABLES)
  return cached
}

export function fromData(rules: readonly Rule[], data: TableData): Tables {
  const explicit = data.explicit.map((acts) => new Map(acts))
  const transitions = data.transitions.map((t) => new Map(t))
  const {defaults} = data
  return {
    rules,
    stateCount: defaults.length,
    action: (state, terminal) => explicit[state].get(terminal) ?? defaults[state],
    goto: (state, nonterminal) => {
      const target = transitions[state].get(nonterminal)
      if (target === undefined) throw new Error(`lighttpd grammar: no goto from ${state} on ${nonterminal}`)
      return target
    },
  }
}

export function buildTables(userRules: readonly Rule[]): TableData {
  // Rule 0' (index = userRules.length) is the augmented $accept ::= input.
  const rules: Rule[] = [...userRules, {lhs: '$accept', rhs: [START_SYMBOL]}]
  const augmented = rules.length - 1
  const terminals = new Set<string>(TERMINALS)
  const isTerminal = (s: string): boolean => terminals.has(s)
  const byLhs = new Map<string, number[]>()
  rules.forEach((rule, i) => {
    const list = byLhs.get(rule.lhs) ?? []
    list.push(i)
    byLhs.set(rule.lhs, list)
  })

  const {first, nullable} = firstSets(rules, isTerminal)
  const firstOfSeq = (seq: string[], from: number): {set: Set<string>; nullable: boolean} => {
    const set = new Set<string>()
    for (let i = from; i < seq.length; i++) {
      const s = seq[i]
      if (isTerminal(s)) { set.add(s); return {set, nullable: false} }
      for (const t of first.get(s) ?? []) set.add(t)
      if (!nullable.has(s)) return {set, nullable: false}
    }
    return {set, nullable: true}
  }

  // LR(0) automaton over kernels.
  const itemKey = (it: Item): string => `${it.rule}.${it.dot}`
  const closure0 = (kernel: Item[]): Item[] => {
    const out = [...kernel]
    const seen = new Set(out.map(itemKey))
    for (let i = 0; i < out.length; i++) {
      const {rule, dot} = out[i]
      const next = rules[rule].rhs[dot]
      if (next === undefined || isTerminal(next)) continue
      for (const ri of byLhs.get(next) ?? []) {
        const it = {rule: ri, dot: 0}
        if (!seen.has(itemKey(it))) { seen.add(itemKey(it)); out.push(it) }
      }
    }
    return out
  }
  const kernels: Item[][] = [[{rule: augmented, dot: 0}]]
  const stateByKernel = new Map<string, number>([[kernelKey(kernels[0]), 0]])
  const transitions: Array<Map<string, number>> = []
  for (let s = 0; s < kernels.length; s++) {
    const moves = new Map<string, Item[]>()
    for (const {rule, dot} of closure0(kernels[s])) {
      const sym = rules[rule].rhs[dot]
      if (sym === undefined) continue
      const list = moves.get(sym) ?? []
      list.push({rule, dot: dot + 1})
      moves.set(sym, list)
    }
    const trans = new Map<string, number>()
    for (const [sym, kernel] of moves) {
      kernel.sort((a, b) => a.rule - b.rule || a.dot - b.dot)
      const key = kernelKey(kernel)
      let target = stateByKernel.get(key)
      if (target === undefined) {
        target = kernels.length
        kernels.push(kernel)
        stateByKernel.set(key, target)
      }
      trans.set(sym, target)
    }
    transitions.push(trans)
  }

  // LALR(1) lookaheads: propagate through LR(1) closures until nothing changes.
  const kernelLa: Array<Map<string, Set<string>>> = kernels.map((k) => new Map(k.map((it) => [itemKey(it), new Set<string>()])))
  kernelLa[0].get(itemKey({rule: augmented, dot: 0}))!.add('$')
  const closures: Array<Map<string, {item: Item; la: Set<string>}>> = []
  let changed = true
  while (changed) {
    changed = false
    for (let s = 0; s < kernels.length; s++) {
      const items = new Map<string, {item: Item; la: Set<string>}>()
      for (const it of kernels[s]) items.set(itemKey(it), {item: it, la: new Set(kernelLa[s].get(itemKey(it)))})
      let grew = true
      while (grew) {
        grew = false
        for (const {item, la} of [...items.values()]) {
          const rhs = rules[item.rule].rhs
          const next = rhs[item.dot]
          if (next === undefined || isTerminal(next)) continue
          const f = firstOfSeq(rhs, item.dot + 1)
          const add = new Set(f.set)
          if (f.nullable) for (const t of la) add.add(t)
          for (const ri of byLhs.get(next) ?? []) {
            const k = itemKey({rule: ri, dot: 0})
            let entry = items.get(k)
            if (!entry) { entry = {item: {rule: ri, dot: 0}, la: new Set()}; items.set(k, entry); grew = true }
            for (const t of add) if (!entry.la.has(t)) { entry.la.add(t); grew = true }
          }
        }
      }
      closures[s] = items
      for (const {item, la} of items.values()) {
        const sym = rules[item.rule].rhs[item.dot]
        if (sym === undefined) continue
        const target = transitions[s].get(sym)!
        const set = kernelLa[target].get(itemKey({rule: item.rule, dot: item.dot + 1}))!
        for (const t of la) if (!set.has(t)) { set.add(t); changed = true }
      }
    }
  }

  // Action tables, then LEMON's compression: the most frequent reduce (first seen on a tie,
  // in terminal order; never the start rule) becomes the state's default action.
  const explicit: Array<Map<string, Action>> = []
  const defaults: Action[] = []
  for (let s = 0; s < kernels.length; s++) {
    const acts = new Map<string, Action>()
    const put = (t: string, a: Action): void => {
      const old = acts.get(t)
      if (old && JSON.stringify(old) !== JSON.stringify(a)) {
        throw new Error(`lighttpd grammar conflict in state ${s} on ${t}`)
      }
      acts.set(t, a)
    }
    for (const {item, la} of closures[s].values()) {
      const sym = rules[item.rule].rhs[item.dot]
      if (sym !== undefined) {
        if (isTerminal(sym)) put(sym, {type: 'shift', state: transitions[s].get(sym)!})
      } else if (item.rule === augmented) {
        put('$', ACCEPT)
      } else {
        for (const t of la) put(t, {type: 'reduce', rule: item.rule})
      }
    }
    let best = -1
    let bestCount = 0
    const counted = new Set<number>()
    for (const t of TERMINALS) {
      const a = acts.get(t)
      if (a?.type !== 'reduce' || counted.has(a.rule) || rules[a.rule].lhs === START_SYMBOL) continue
      counted.add(a.rule)
      let n = 0
      for (const b of acts.values()) if (b.type === 'reduce' && b.rule === a.rule) n++
      if (n > bestCount) { bestCount = n; best = a.rule }
    }
    if (best >= 0) {
      for (const [t, a] of acts) if (a.type === 'reduce' && a.rule === best) acts.delete(t)
      defaults.push({type: 'reduce', rule: best})
    } else {
      defaults.push(ERROR)
    }
    explicit.push(acts)
  }

  return {explicit: explicit.map((m) => [...m]), defaults, transitions: transitions.map((m) => [...m])}
}

function kernelKey(kernel: Item[]): string {
  return kernel.map((it) => `${it.rule}.${it.dot}`).join(',')
}

function firstSets(rules: Rule[], isTerminal: (s: string) => boolean): {first: Map<string, Set<string>>; nullable: Set<string>} {
  const first = new Map<string, Set<string>>()
  const nullable = new Set<string>()
  for (const rule of rules) first.set(rule.lhs, first.get(rule.lhs) ?? new Set())
  let changed = true
  while (changed) {
    changed = false
    for (const {lhs, rhs} of rules) {
      const set = first.get(lhs)!
      let allNullable = true
      for (const s of rhs) {
        if (isTerminal(s)) {
          if (!set.has(s)) { set.add(s); changed = true }
          allNullable = false
          break
        }
        for (const t of first.get(s) ?? []) if (!set.has(t)) { set.add(t); changed = true }
        if (!nullable.has(s)) { allNullable = false; break }
      }
      if (allNullable && !nullable.has(lhs)) { nullable.add(lhs); changed = true }
    }
  }
  return {first, nullable}
}
