#!/usr/bin/env node
// Build: type-check and compile (tsc), compile the shipped rules into dist/rules.json
// (validated, so a broken rule fails the build), bundle the commands, write the oclif manifest.
import {execFileSync} from 'node:child_process'
import {rmSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const run = (cmd, args) => execFileSync(cmd, args, {cwd: root, stdio: 'inherit'})

rmSync(join(root, 'dist'), {recursive: true, force: true})
run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'])

const {buildRuleCache, RULE_CACHE} = await import(join(root, 'dist/rules/load.js'))
try {
  writeFileSync(RULE_CACHE, JSON.stringify(await buildRuleCache()))
} catch (error) {
  console.error(`build: ${error.message}`)
  process.exit(1)
}

// Startup is a feature: each command becomes one ESM bundle (our code and cel-js), with
// shared chunks, so a run loads a handful of files instead of dozens of modules. Libraries
// only some runs need (ajv, yaml) stay external and are imported lazily.
const {build} = await import('esbuild')
const {readdirSync, statSync} = await import('node:fs')
const entries = []
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) walk(p)
    else if (p.endsWith('.ts')) entries.push(p)
  }
}
walk(join(root, 'src/commands'))
// oclif loads commands from dist/bundle/commands (package.json); chunks live beside, not inside.
await build({
  entryPoints: entries,
  outdir: join(root, 'dist/bundle'),
  outbase: join(root, 'src'),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunks/[name]-[hash]',
  external: ['@oclif/core', 'ajv', 'ajv-draft-04', 'yaml', 'execa', 'listr2', 'diff', 'eta', 'tinyglobby'],
  minifySyntax: true,
  minifyWhitespace: true,
  logLevel: 'warning',
})

// The manifest lets oclif start without importing every command. Written with @oclif/core
// directly, as `oclif manifest` does, without the oclif CLI's own plugins (its update check
// shells out and has failed builds here).
rmSync(join(root, 'oclif.manifest.json'), {force: true})
const {Plugin} = await import('@oclif/core')
const plugin = new Plugin({errorOnManifestCreate: true, ignoreManifest: true, respectNoCacheDefault: true, root, type: 'core'})
await plugin.load()
writeFileSync(join(root, 'oclif.manifest.json'), JSON.stringify(plugin.manifest, null, 2))
