// Fixture trees as in-memory files, mounted where the config expects them.
import {readdirSync, readFileSync, statSync} from 'node:fs'
import {join, posix} from 'node:path'
import {fileURLToPath} from 'node:url'
import {MemoryFileReader, type FileTexts} from '../../../../src/parsers/memory-reader.js'
import type {ParseError} from '../../../../src/parsers/types.js'

export const FIXTURES = fileURLToPath(new URL('../../../fixtures/lighttpd/', import.meta.url))

/** Every file under `dir` (relative to the fixtures), keyed as `mount` + its relative path. */
export function treeTexts(dir: string, mount: string): FileTexts {
  const root = join(FIXTURES, dir)
  const out: FileTexts = {}
  const walk = (rel: string): void => {
    for (const name of readdirSync(join(root, rel))) {
      const r = rel ? `${rel}/${name}` : name
      if (statSync(join(root, r)).isDirectory()) walk(r)
      else out[posix.join(mount, r)] = readFileSync(join(root, r), 'utf8')
    }
  }
  walk('')
  return out
}

export function treeReader(dir: string, mount: string): MemoryFileReader {
  return new MemoryFileReader(treeTexts(dir, mount))
}

/** "file:line:col kind: message" lines, for readable assertions. */
export function brief(errors: ParseError[]): string[] {
  return errors.map((e) => `${e.file}:${e.line}:${e.col} ${e.kind}: ${e.message}`)
}
