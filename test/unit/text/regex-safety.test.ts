// Every regex literal in src/, checked for super-linear backtracking with recheck (a static
// and fuzzing ReDoS checker): conntune runs its regexes on files, snapshots and ssh output
// that anyone may have crafted, and V8's backtracking engine turns an ambiguous pattern into
// minutes on a line of blanks (/\s+#.*$/: 40 000 blanks, 2.5 s). A regex it flags must be
// rewritten (test/unit/text/linear-regexes.test.ts holds the rewrites) or listed below with
// why the text it runs on cannot hurt.
import {readdirSync, readFileSync, statSync} from 'node:fs'
import {join, relative} from 'node:path'
import {checkSync} from 'recheck'
import ts from 'typescript'

const SRC = join(process.cwd(), 'src')

/** file:line → why that flagged regex is safe where it runs. */
const SAFE_WHERE_USED: Record<string, string> = {
  'src/parsers/gunicorn/compose.ts': 'interpolation regex, run only up to the last } of the text (replaceBeforeLastBrace): every [^}]* stops at a } and matches',
  'src/parsers/gunicorn/dockerfile.ts': 'as compose.ts: substitute() runs it only up to the last }',
}

function regexLiterals(): Array<{at: string; file: string; source: string; flags: string}> {
  const out: Array<{at: string; file: string; source: string; flags: string}> = []
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name)
      if (statSync(p).isDirectory()) walk(p)
      else if (p.endsWith('.ts')) {
        const sf = ts.createSourceFile(p, readFileSync(p, 'utf8'), ts.ScriptTarget.Latest, true)
        const visit = (n: ts.Node): void => {
          if (n.kind === ts.SyntaxKind.RegularExpressionLiteral) {
            const lit = n.getText(sf)
            const slash = lit.lastIndexOf('/')
            const file = relative(process.cwd(), p)
            out.push({at: `${file}:${sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1}`, file, source: lit.slice(1, slash), flags: lit.slice(slash + 1)})
          }
          ts.forEachChild(n, visit)
        }
        visit(sf)
      }
    }
  }
  walk(SRC)
  return out
}

describe('regexes in src/', () => {
  const all = regexLiterals()

  it('are found (the scan is not empty)', () => {
    expect(all.length).toBeGreaterThan(300)
  })

  it('backtrack at most linearly, or are listed with why their input cannot hurt', () => {
    const flagged: string[] = []
    for (const r of all) {
      // g and y change where a match starts, not how one is tried.
      const d = checkSync(r.source, r.flags.replace(/[gy]/g, ''), {timeout: 20_000})
      if (d.status === 'safe') continue
      if (d.status === 'vulnerable' && SAFE_WHERE_USED[r.file]) continue
      flagged.push(`${r.at} /${r.source}/${r.flags}: ${d.status}${d.status === 'vulnerable' ? ` (${d.complexity.type}; attack ${d.attack.pattern})` : ''}`)
    }
    expect(flagged).toEqual([])
    // recheck fuzzes each pattern: about 30 s for the ~430 in src/ on the project machine.
  }, 240_000)
})
