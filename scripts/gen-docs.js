#!/usr/bin/env node
// Writes docs/rules/ID.md for every shipped rule (from the built code: run after the build).
import {mkdirSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const {loadRuleDir} = await import(join(root, 'dist/rules/load.js'))
const {ruleDoc, docsPath} = await import(join(root, 'dist/rules/docs.js'))
const rules = await loadRuleDir(join(root, 'rules'), true)
mkdirSync(join(root, 'docs/rules'), {recursive: true})
for (const r of rules) writeFileSync(join(root, docsPath(r.id)), ruleDoc(r))
console.log(`wrote ${rules.length} rule pages to docs/rules/`)
