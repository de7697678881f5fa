// The yaml package (72 CommonJS modules, 12–24 ms) only for runs that meet a YAML file: a
// top-level import would load it for every audit. The readers that need it are synchronous,
// so it is required on first use rather than imported.
import {createRequire} from 'node:module'
import type * as Yaml from 'yaml'

let loaded: typeof Yaml | undefined

export function yamlSync(): typeof Yaml {
  return (loaded ??= createRequire(import.meta.url)('yaml') as typeof Yaml)
}
