#!/usr/bin/env node
// `--version` alone answers without loading oclif (≈ 80 ms of its ~160 CommonJS modules):
// the same line oclif prints, "conntune/VERSION PLATFORM-ARCH node-vX".
if (process.argv.length === 3 && process.argv[2] === '--version') {
  const {readFileSync} = await import('node:fs')
  const {version} = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  process.stdout.write(`conntune/${version} ${process.platform}-${process.arch} node-${process.version}\n`)
} else {
  const {execute} = await import('@oclif/core')
  await execute({dir: import.meta.url})
}
