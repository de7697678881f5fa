#!/usr/bin/env node
// Regenerates src/parsers/nginx/directives.json from the developers' nginx directive table
// (one row per ngx_command_t definition): `node scripts/gen-nginx-directives.js [FILE]`.
// The output is committed; nothing reads the developers' copy at run or test time.
// Rows without contexts are dropped: they are variables, SSI parameters and module names
// that the extraction picked up, not directives nginx accepts in any block.
import {readFileSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const from = process.argv[2]
if (!from) {
  console.error('usage: node scripts/gen-nginx-directives.js PATH/TO/nginx-directives.json')
  process.exit(2)
}
const data = JSON.parse(readFileSync(from, 'utf8'))
const versions = data.versions
const out = {}
for (const row of data.directives) {
  if (row.contexts.length === 0) continue
  // Versions as a bit mask over `versions`: one small integer per definition.
  const v = row.versions.reduce((m, ver) => m | (1 << versions.indexOf(ver)), 0)
  const def = {c: row.contexts, a: row.args, v}
  if (row.min) def.m = row.min
  if (row.any) def.any = 1
  if (row.flag) def.f = 1
  if (row.block) def.b = 1
  ;(out[row.name] ??= []).push(def)
}
const sorted = Object.fromEntries(Object.keys(out).sort().map((k) => [k, out[k]]))
writeFileSync(join(root, 'src/parsers/nginx/directives.json'), JSON.stringify({source: data.source, versions, directives: sorted}) + '\n')
console.log(`${Object.keys(sorted).length} directives, versions ${versions.join(' ')}`)
