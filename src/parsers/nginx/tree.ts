// Walking and flattening nginx trees. Walks use an explicit stack: an inlined tree can nest
// files inside blocks inside files, deeper than is safe for recursion.
import {MAX_INCLUDE_DEPTH} from '../../limits.js'
import type {NginxConfig, NginxDirective} from './types.js'

/**
 * Visit every directive depth-first in document order. `parents` is the chain of enclosing
 * block directives, valid only during the call. Return false to skip a block's contents.
 */
export function walkNginx(
  directives: NginxDirective[],
  visit: (d: NginxDirective, parents: readonly NginxDirective[]) => void | false,
): void {
  const stack: Array<{list: NginxDirective[]; i: number; opened: boolean}> = [{list: directives, i: 0, opened: false}]
  const parents: NginxDirective[] = []
  while (stack.length > 0) {
    const top = stack[stack.length - 1]
    if (top.i >= top.list.length) {
      stack.pop()
      if (top.opened) parents.pop()
      continue
    }
    const d = top.list[top.i++]
    if (visit(d, parents) !== false && d.block && d.block.length > 0) {
      parents.push(d)
      stack.push({list: d.block, i: 0, opened: true})
    }
  }
}

export const DEFAULT_EXPANSION_BUDGET = 5_000_000

export interface InlineOptions {
  /**
   * One budget for directives copied and includes expanded: a graph of files that each
   * include the whole directory expands factorially, and its includes alone (no directive
   * to count) must stop it too. Default 5e6 (a 100 000-server config uses about 1.3e6).
   */
  maxDirectives?: number
  /**
   * Called once if the budget cut the tree short, with the include chain (entry first) being
   * expanded at that moment, so callers can say the result is partial and where it blew up.
   */
  onTruncate?: (limit: number, chain: string[]) => void
  /** Expand includes this many levels deep, like parseNginx's bound. Default 32. */
  maxIncludeDepth?: number
}

/**
 * The effective tree: each `include` replaced by the directives of the files it included
 * (each keeping its own file and line), as crossplane's `--combine` does. An include that
 * would re-enter a file already being expanded (a cycle), or go deeper than maxIncludeDepth,
 * expands to nothing; an include without `includes` (malformed) is kept as it is.
 */
export function inlineIncludes(config: NginxConfig, opts: InlineOptions = {}): NginxDirective[] {
  const limit = opts.maxDirectives ?? DEFAULT_EXPANSION_BUDGET
  let left = limit
  let truncated = false
  const maxDepth = opts.maxIncludeDepth ?? MAX_INCLUDE_DEPTH
  const expanding = new Set<number>([0])
  const stop = (chain: number[]): void => {
    if (!truncated) opts.onTruncate?.(limit, chain.map((i) => config.files[i]?.file ?? '?'))
    truncated = true
  }

  // Directives without includes below them are shared with the parsed files, not copied:
  // a config with a million directives would otherwise exist twice in memory.
  const expand = (list: NginxDirective[]): NginxDirective[] => {
    const out: NginxDirective[] = []
    for (const d of list) {
      if (left <= 0) {
        stop([...expanding])
        break
      }
      if (d.includes !== undefined) {
        for (const idx of d.includes) {
          // Even an include that expands to nothing (a cycle, too deep) costs one: a wide
          // glob at the depth limit is met once per path that reaches it.
          if (left <= 0) {
            stop([...expanding, idx])
            break
          }
          left--
          const f = config.files[idx]
          if (f === undefined || expanding.has(idx) || expanding.size > maxDepth) continue
          expanding.add(idx)
          for (const x of expand(f.parsed)) out.push(x)
          expanding.delete(idx)
        }
        continue
      }
      left--
      if (!d.block) {
        out.push(d)
        continue
      }
      const block = expand(d.block)
      const same = block.length === d.block.length && block.every((x, i) => x === d.block![i])
      out.push(same ? d : {...d, block})
    }
    return out
  }

  const entry = config.files[0]
  return entry ? expand(entry.parsed) : []
}
