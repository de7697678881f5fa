// docs/rules/ID.md must match what the YAML generates, so SARIF helpUri and `rules show`
// never point at a stale page. Regenerate with `npm run docs`.
import {existsSync, readFileSync, readdirSync} from 'node:fs'
import {join} from 'node:path'
import {docsPath, ruleDoc} from '../../../src/rules/docs.js'
import {IGNORE_WITHOUT_REASON} from '../../../src/rules/ignores.js'
import {loadRuleDir} from '../../../src/rules/load.js'
import {BUILTIN_RULES_DIR, PACKAGE_ROOT} from '../../../src/paths.js'
import {IGNORE_EXPIRED} from '../../../src/pipeline/project.js'

const rules = await loadRuleDir(BUILTIN_RULES_DIR, true)

describe('docs/rules', () => {
  for (const rule of rules) {
    it(`${rule.id}.md is up to date (npm run docs)`, () => {
      const file = join(PACKAGE_ROOT, docsPath(rule.id))
      expect(existsSync(file) ? readFileSync(file, 'utf8') : `(missing ${file})`).toBe(ruleDoc(rule))
    })
  }

  it('has a page for each finding conntune itself makes, and none for unknown rules', () => {
    for (const id of [IGNORE_WITHOUT_REASON, IGNORE_EXPIRED]) expect(existsSync(join(PACKAGE_ROOT, docsPath(id)))).toBe(true)
    const known = new Set([...rules.map((r) => r.id), IGNORE_WITHOUT_REASON, IGNORE_EXPIRED])
    for (const f of readdirSync(join(PACKAGE_ROOT, 'docs/rules'))) expect(known.has(f.replace(/\.md$/, ''))).toBe(true)
  })
})
