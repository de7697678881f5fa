#!/usr/bin/env node
// Build: compile, copy the JSON schemas beside their modules, compile the shipped rules into
// dist/rules.json (validated, so a broken rule fails the build), write the oclif manifest.
import {execFileSync} from 'node:child_process'
import {copyFileSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {dirname, join, relative} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const run = (cmd, args) => execFileSync(cmd, args, {cwd: root, stdio: 'inherit'})

rmSync(join(root, 'dist'), {recursive: true, force: true})
run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'])

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) yield* walk(p)
    else yield p
  }
}
for (const file of walk(join(root, 'src'))) {
  if (!file.endsWith('.json')) continue
  const out = join(root, 'dist', relative(join(root, 'src'), file))
  mkdirSync(dirname(out), {recursive: true})
  copyFileSync(file, out)
}

const {buildRuleCache, RULE_CACHE} = await import(join(root, 'dist/rules/load.js'))
try {
  writeFileSync(RULE_CACHE, JSON.stringify(await buildRuleCache()))
} catch (error) {
  console.error(`build: ${error.message}`)
  process.exit(1)
}

rmSync(join(root, 'oclif.manifest.json'), {force: true})
run(process.execPath, [join(root, 'node_modules/oclif/bin/run.js'), 'manifest'])
