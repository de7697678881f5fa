#!/usr/bin/env node
// Two fast paths skip loading oclif (≈ 65 ms of its ~160 CommonJS modules and config):
// - a lone `--version` prints the line oclif prints, "conntune/VERSION PLATFORM-ARCH node-vX";
// - `audit` and `check` with a command line cli/fast-argv.ts reads exactly as oclif would run
//   without it. Everything else (help, --json, any doubt about a flag) goes to oclif.
const argv = process.argv.slice(2)
if (argv.length === 1 && argv[0] === '--version') {
  const {readFileSync} = await import('node:fs')
  const {version} = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  process.stdout.write(`conntune/${version} ${process.platform}-${process.arch} node-${process.version}\n`)
} else if ((argv[0] === 'audit' || argv[0] === 'check') && (await (await import('../dist/bundle/cli/fast.js')).runFast(argv))) {
  // Ran.
} else {
  const {execute} = await import('@oclif/core')
  await execute({dir: import.meta.url})
}
