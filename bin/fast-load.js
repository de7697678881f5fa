// Loads the fast path (dist/bundle/cli/fast.cjs) with the V8 code cache the build wrote beside
// it (fast.cjs.cache): compiling the 670 KB bundle and the functions a run calls was ≈ 45 ms of
// every `check` and `audit`. Node 20 has no code cache for ES modules, so the bundle is a
// function body compiled with vm.Script, in strict mode as the module it was.
//
// V8 checks a cache against its own version and flags, and the source only by its length; the
// cache file therefore starts with the SHA-256 of the source it was made from, and any other
// source compiles without it. A cache V8 rejects (another Node) costs nothing but the read.
import {readFileSync} from 'node:fs'
import {hash} from 'node:crypto'
import {createRequire} from 'node:module'
import {dirname} from 'node:path'
import {pathToFileURL} from 'node:url'
import vm from 'node:vm'

/** The cache file: 64 hex digits of the source's SHA-256, a newline, then V8's data. */
const HEAD = 65

/**
 * Compiles and runs the bundle at `file`, or null when there is none. `cached` says whether V8
 * took the cache; `script` is kept so the build can write one (createCachedData).
 */
export function loadFast(file, {useCache = true} = {}) {
  let source
  try {
    source = readFileSync(file, 'utf8')
  } catch (error) {
    if (error?.code === 'ENOENT') return null
    throw error
  }
  const digest = hash('sha256', source, 'hex')
  let cachedData
  if (useCache) {
    try {
      const c = readFileSync(`${file}.cache`)
      if (c.length > HEAD && c.toString('latin1', 0, HEAD) === `${digest}\n`) cachedData = c.subarray(HEAD)
    } catch {
      // No cache (a build that made none): compile.
    }
  }
  // One line of wrapper before the source, so its line numbers are the bundle's own.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname, __ctMetaUrl) {"use strict";${source}\n})`, {
    filename: file,
    ...(cachedData ? {cachedData} : {}),
  })
  const module = {exports: {}}
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file), pathToFileURL(file).href)
  return {exports: module.exports, script, digest, cached: cachedData !== undefined && !script.cachedDataRejected}
}

/** The cache file's bytes for a loaded bundle, after it has run (so what ran is compiled in it). */
export function cacheBytes(loaded) {
  return Buffer.concat([Buffer.from(`${loaded.digest}\n`, 'latin1'), loaded.script.createCachedData()])
}
