// YAML documents to plain data, for files a stranger may have written. An alias may point
// at a node full of aliases, so nine lines can expand to a billion values ("billion laughs");
// the yaml package stops at maxAliasCount but throws without a position. Here the refusal
// names the line where expansion compounds: the first alias of a node that holds aliases.
import type {Document, Node} from 'yaml'
import {yamlSync} from '../yaml-sync.js'
import {UserError, where} from '../errors.js'

/** The yaml package's own default: each alias may expand to at most this many nodes. */
export const MAX_ALIAS_COUNT = 100

function holdsAlias(node: Node | null | undefined): boolean {
  const {visit} = yamlSync()
  let found = false
  if (!node) return false
  visit(node, {
    Alias() {
      found = true
      return visit.BREAK
    },
  })
  return found
}

function lineCol(text: string, offset: number): {line: number; col: number} {
  const before = text.slice(0, offset)
  const line = before.split('\n').length
  return {line, col: offset - before.lastIndexOf('\n')}
}

export function yamlToJs(doc: Document, text: string, file: string): unknown {
  try {
    return doc.toJS({maxAliasCount: MAX_ALIAS_COUNT})
  } catch (error) {
    if (!(error instanceof ReferenceError) || !/alias/i.test(error.message)) throw error
    const {visit} = yamlSync()
    let at: number | undefined
    let first: number | undefined
    visit(doc, {
      Alias(_key, alias) {
        first ??= alias.range?.[0]
        if (holdsAlias(alias.resolve(doc) as Node | undefined)) {
          at = alias.range?.[0]
          return visit.BREAK
        }
        return undefined
      },
    })
    const offset = at ?? first
    const pos = offset === undefined ? undefined : lineCol(text, offset)
    throw new UserError(`${where(file, pos?.line, pos?.col)}: invalid YAML: aliases expand to more than ${MAX_ALIAS_COUNT} nodes each (a "billion laughs" document); write the values out`)
  }
}
