// The collector script's text, from one place: `conntune collect --script` prints it, the SSH
// source sends it to `sh -s`. It is a fixed file shipped with the package, never assembled
// from input, so what runs on a host is always exactly what can be read here.
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {PACKAGE_ROOT} from '../paths.js'

export const COLLECTOR_SCRIPT_PATH = join(PACKAGE_ROOT, 'src/sources/collector.sh')

let cached: string | undefined

export function collectorScript(): string {
  cached ??= readFileSync(COLLECTOR_SCRIPT_PATH, 'utf8')
  return cached
}
