// Where the package's own files are, from src/ (tests), dist/ (tsc) and bundled commands
// alike: the nearest directory above this module holding conntune's package.json.
import {existsSync, readFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

function findPackageRoot(start: string): string {
  let dir = start
  for (;;) {
    const pkg = join(dir, 'package.json')
    if (existsSync(pkg) && /"name":\s*"conntune"/.test(readFileSync(pkg, 'utf8'))) return dir
    const up = dirname(dir)
    if (up === dir) throw new Error(`conntune's package.json not found above ${start}`)
    dir = up
  }
}

export const PACKAGE_ROOT = findPackageRoot(dirname(fileURLToPath(import.meta.url)))
export const BUILTIN_RULES_DIR = join(PACKAGE_ROOT, 'rules')
/** Shipped as-is (package.json "files"), so tests and builds read the same schema. */
export const SNAPSHOT_SCHEMA = join(PACKAGE_ROOT, 'src/snapshot/schema.json')
