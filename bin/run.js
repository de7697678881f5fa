#!/usr/bin/env node
// Two fast paths skip loading oclif (≈ 65 ms of its ~160 CommonJS modules and config):
// - a lone `--version` prints the line oclif prints, "conntune/VERSION PLATFORM-ARCH node-vX";
// - `audit` and `check` with a command line cli/fast-argv.ts reads exactly as oclif would run
//   without it. Everything else (help, --json, any doubt about a flag) goes to oclif.
const argv = process.argv.slice(2)
// cli/fast.ts FAST_COMMANDS, named here so other commands do not load the fast bundle (a test compares).
const FAST = new Set(['audit', 'check'])
if (argv.length === 1 && argv[0] === '--version') {
  const {readFileSync} = await import('node:fs')
  const {version} = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  process.stdout.write(`conntune/${version} ${process.platform}-${process.arch} node-${process.version}\n`)
} else if (FAST.has(argv[0]) && (await fast())) {
  // Ran.
} else {
  const {execute} = await import('@oclif/core')
  await execute({dir: import.meta.url})
}

/** The fast path, or false when this build has none (a dist/ from before it): oclif runs then. */
async function fast() {
  const [{loadFast}, {fileURLToPath}] = await Promise.all([import('./fast-load.js'), import('node:url')])
  const loaded = loadFast(fileURLToPath(new URL('../dist/bundle/cli/fast.cjs', import.meta.url)))
  return loaded ? loaded.exports.runFast(argv) : false
}
