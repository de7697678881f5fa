#!/usr/bin/env node
// Build: type-check and compile (tsc), compile the shipped rules into dist/rules.json
// (validated, so a broken rule fails the build), bundle the commands, write the oclif manifest.
import {execFileSync} from 'node:child_process'
import {readFileSync, rmSync, writeFileSync} from 'node:fs'
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
// CONNTUNE_BUILD_READABLE=1 keeps the bundles' lines and names apart, so a CPU profile names
// functions by line (bench/README.md, profiling); the shipped build is minified.
const readable = process.env.CONNTUNE_BUILD_READABLE === '1'
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
  external: ['@oclif/core', 'ajv', 'ajv-draft-04', 'yaml', 'listr2', 'diff', 'eta', 'tinyglobby'],
  minifySyntax: true,
  minifyWhitespace: !readable,
  logLevel: 'warning',
})

// audit and check also run without oclif (src/cli/fast.ts, called first by bin/run.js), as one
// file: with no chunks to resolve and link it starts ≈ 15 ms sooner. Library imports stay lazy.
// It is a function body, not a module (bin/fast-load.js compiles it with vm.Script and the V8
// code cache written below; Node 20 has no code cache for ES modules): so import() of a library
// becomes require() (Node ≥ 20.19 requires ES modules too), and import.meta.url a parameter.
const fastOptions = {
  entryPoints: [join(root, 'src/cli/fast.ts')],
  bundle: true,
  platform: 'node',
  target: 'node20',
  external: ['@oclif/core', 'ajv', 'ajv-draft-04', 'yaml', 'listr2', 'diff', 'eta', 'tinyglobby'],
  minifySyntax: true,
  minifyWhitespace: !readable,
  logLevel: 'warning',
}
await build({
  ...fastOptions,
  outfile: join(root, 'dist/bundle/cli/fast.cjs'),
  format: 'cjs',
  supported: {'dynamic-import': false},
  define: {'import.meta.url': '__ctMetaUrl'},
})

// The fast path is only fast if it never loads oclif, and loads libraries only on demand: in
// one file, a library some module imports at its top would load on every run. A CommonJS
// metafile calls every import a require-call, so the same entry is bundled as a module (not
// written) to tell the two apart.
const asModule = await build({...fastOptions, outfile: join(root, 'dist/bundle/cli/fast.mjs'), format: 'esm', write: false, metafile: true})
for (const i of Object.values(asModule.metafile.outputs)[0].imports) {
  if (i.path.startsWith('@oclif/') || (i.kind === 'import-statement' && !i.path.startsWith('node:'))) {
    console.error(`build: the fast path (src/cli/fast.ts) loads ${i.path} ${i.kind === 'import-statement' ? 'at startup' : 'on demand'}: make it a lazy import (see src/yaml-sync.ts)`)
    process.exit(1)
  }
}

// The manifest lets oclif start without importing every command. Written with @oclif/core
// directly, as `oclif manifest` does, without the oclif CLI's own plugins (its update check
// shells out and has failed builds here).
rmSync(join(root, 'oclif.manifest.json'), {force: true})
const {Plugin} = await import('@oclif/core')
const plugin = new Plugin({errorOnManifestCreate: true, ignoreManifest: true, respectNoCacheDefault: true, root, type: 'core'})
await plugin.load()
writeFileSync(join(root, 'oclif.manifest.json'), JSON.stringify(plugin.manifest, null, 2))

// The fast path's flag table, from the same oclif definitions (src/cli/fast-table.ts).
{
  const [{fastCommand}, {FAST_COMMANDS}] = await Promise.all([import(join(root, 'dist/cli/fast-table.js')), import(join(root, 'dist/cli/fast.js'))])
  const table = {version: JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version, commands: {}}
  for (const id of FAST_COMMANDS) table.commands[id] = fastCommand(await plugin.findCommand(id, {must: true}))
  writeFileSync(join(root, 'dist/fast-flags.json'), JSON.stringify(table))
}

// The fast path's V8 code cache (bin/fast-load.js), made last: it runs the bundle just built.
run(process.execPath, [join(root, 'scripts/fast-cache.js')])
