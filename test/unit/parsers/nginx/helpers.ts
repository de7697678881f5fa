// Shared by the nginx unit and real tests: fixtures as in-memory trees rooted at /etc/nginx.
import fs from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import type {NginxDirective} from '../../../../src/parsers/nginx/index.js'

export const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../fixtures/nginx')
export const ROOT = '/etc/nginx'

export interface FixtureInfo {
  kind: 'valid' | 'parser-only' | 'error'
  tempPathsFile?: string
  expect?: {file: string; line: number; message: string}
}

export function manifest(): Record<string, FixtureInfo> {
  const raw = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'manifest.json'), 'utf8')) as Record<string, unknown>
  return Object.fromEntries(Object.entries(raw).filter(([k]) => !k.startsWith('_'))) as Record<string, FixtureInfo>
}

/** Relative paths of every file under dir, sorted. */
export function listFiles(dir: string): string[] {
  const out: string[] = []
  const rec = (d: string, rel: string): void => {
    for (const e of fs.readdirSync(d, {withFileTypes: true})) {
      const r = rel ? `${rel}/${e.name}` : e.name
      if (e.isDirectory()) rec(path.join(d, e.name), r)
      else out.push(r)
    }
  }
  rec(dir, '')
  return out.sort()
}

/** A fixture's files keyed by absolute path under `root`. */
export function loadTree(dir: string, root = ROOT): Record<string, string> {
  const out: Record<string, string> = {}
  for (const rel of listFiles(dir)) out[`${root}/${rel}`] = fs.readFileSync(path.join(dir, rel), 'utf8')
  return out
}

export function loadFixture(name: string, root = ROOT): Record<string, string> {
  return loadTree(path.join(FIXTURES, name), root)
}

/** Directives as [name, ...args] with nested blocks, for compact assertions. */
export type Shape = Array<string | Shape[]>
export function shape(list: NginxDirective[]): Shape[] {
  return list.map((d) => {
    const s: Shape = [d.directive, ...d.args]
    if (d.block) s.push(shape(d.block))
    return s
  })
}
