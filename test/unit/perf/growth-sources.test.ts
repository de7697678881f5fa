// Growth exponents of the readers of how gunicorn is started (systemd units, Dockerfiles,
// Compose files), each on generated text of n and 4n lines, stages or services: linear work
// gives a ratio near 4, quadratic near 16. Each shape was quadratic once (see its comment).
import {readCompose} from '../../../src/parsers/gunicorn/compose.js'
import {readDockerfile} from '../../../src/parsers/gunicorn/dockerfile.js'
import {gunicornFromDockerfile} from '../../../src/parsers/gunicorn/sources.js'
import {parseUnitFile} from '../../../src/parsers/gunicorn/systemd.js'
import {discoverServers} from '../../../src/model/servers/discover.js'
import type {Snapshot} from '../../../src/snapshot/types.js'
import {BOUND, bestOf, timed} from './best-of.js'

// These cases take milliseconds, where a garbage collection or a busy moment weighs more:
// more runs than the pipeline's growth tests, for a steadier best.
const RUNS = 5

/** Times `run` on the text for n and for 4n, and checks that 4x the input costs < BOUND x the time. */
function grows(label: string, n: number, text: (n: number) => string, run: (text: string, n: number) => void): void {
  const small = text(n)
  const large = text(4 * n)
  const {a, b} = bestOf(label, () => timed(() => run(small, n)), () => timed(() => run(large, 4 * n)), RUNS)
  expect(b / a).toBeLessThan(BOUND)
}

describe('growth exponent of the gunicorn source readers', () => {
  // The continuation test ran a regex over the whole joined value at every line (16 000 lines: 6.1 s).
  it('an ExecStart= continued over n lines', () => {
    const unit = (n: number) => `[Service]\nExecStart=/srv/venv/bin/gunicorn app:app \\\n${Array.from({length: n}, (_, i) => `  --bind 0.0.0.0:${1000 + i} \\\n`).join('')}  --keep-alive 2\n`
    grows('unitcont', 30000, unit, (text, n) => {
      const [entry] = parseUnitFile(text, 'app.service').entries
      if (entry.value.split(' --bind ').length !== n + 1) throw new Error('the continued ExecStart= was not read whole')
    })
  })

  // As above, for a Dockerfile ENV (16 000 lines: 3.6 s).
  it('a Dockerfile ENV continued over n lines', () => {
    const dockerfile = (n: number) => `FROM python:3.12\nENV ${Array.from({length: n}, (_, i) => `E${i}=v${i} \\\n  `).join('')}Z=1\nCMD gunicorn app:app\n`
    grows('dockercont', 8000, dockerfile, (text, n) => {
      if (readDockerfile(text).stages[0].env.size !== n + 1) throw new Error('the continued ENV was not read whole')
    })
  })

  // Every FROM searched all earlier stages for its base by name (32 000 stages: 11.4 s).
  it('n named stages, the last built on the first', () => {
    const dockerfile = (n: number) => `${Array.from({length: n}, (_, i) => `FROM python:3.12 AS s${i}\nENV E${i}=v${i}\n`).join('')}FROM s0\nCMD ["gunicorn", "app:app"]\n`
    grows('dockerstages', 12000, dockerfile, (text, n) => {
      const {stages} = readDockerfile(text)
      if (stages.length !== n + 1 || stages[n].env.get('E0')?.value !== 'v0') throw new Error('the last stage was not built on the first')
    })
  })

  // Every stage copied the env it inherits: a chain of n stages held O(n²) entries (8 000 stages: 6.4 s).
  it('a chain of n stages, each FROM the one before with one ENV, its env read whole', () => {
    const dockerfile = (n: number) => `FROM python:3.12 AS s0\nENV A=1\n${Array.from({length: n - 1}, (_, i) => `FROM s${i} AS s${i + 1}\nENV E${i + 1}=v${i + 1}\n`).join('')}CMD ["gunicorn", "app:app"]\n`
    grows('dockerfrom', 6000, dockerfile, (text, n) => {
      const [inv] = gunicornFromDockerfile(text, 'Dockerfile').value
      if (Object.keys(inv?.env ?? {}).length !== n) throw new Error('the last stage did not inherit the whole chain')
    })
  })

  // Each lookup of a variable no base set walked every base (32 000 stages: 34 s).
  it('a chain of n stages, each reading a variable nothing sets', () => {
    const dockerfile = (n: number) => `FROM python:3.12 AS s0\nENV A=1\n${Array.from({length: n - 1}, (_, i) => `FROM s${i} AS s${i + 1}\nWORKDIR /srv/\${U${i}}x\n`).join('')}CMD ["gunicorn", "app:app"]\n`
    grows('dockerunset', 6000, dockerfile, (text, n) => {
      const {stages} = readDockerfile(text)
      if (stages[n - 1].workdir !== `/srv/x` || stages[n - 1].env.get('A')?.value !== '1') throw new Error('the chain was not read')
    })
  })

  // As above, for variables a sibling sets: a set of the names ever set would not help here.
  it('a chain of n stages, each reading a variable only a stage beside the chain sets', () => {
    const dockerfile = (n: number) => `FROM python:3.12 AS s0\nFROM s0 AS side\nENV ${Array.from({length: n}, (_, i) => `V${i}=x`).join(' ')}\n${Array.from({length: n - 1}, (_, i) => `FROM s${i} AS s${i + 1}\nWORKDIR /srv/$V${i}\n`).join('')}CMD ["gunicorn", "app:app"]\n`
    grows('dockersibling', 6000, dockerfile, (text, n) => {
      const {stages} = readDockerfile(text)
      if (stages[n].workdir !== `/srv/` || stages[1].env.get(`V${n - 1}`)?.value !== 'x') throw new Error('the chain was not read')
    })
  })

  // Each alias was resolved by yaml's Alias.resolve(doc), which walks the whole document at every
  // call (1 000 services merging one fragment: 7.5 s).
  it('n services that each merge one fragment with <<: *base', () => {
    const compose = (n: number) => `x-base: &base\n  image: x\n  environment:\n    A: "1"\nservices:\n${Array.from({length: n}, (_, i) => `  web${i}:\n    <<: *base\n    command: gunicorn app:app --keep-alive 2\n`).join('')}`
    grows('composemerge', 250, compose, (text, n) => {
      const {value} = readCompose(text, '/repo/compose.yaml')
      if (value.length !== n || value[n - 1].env['A']?.value !== '1') throw new Error('a service did not get the merged fragment')
    })
  })
})

describe('growth exponent of server discovery over many entry points', () => {
  // Each lighttpd entry copied the scopes of all before it, and each gunicorn.conf.py was looked
  // for among every app found (a repository of 100 000 files: 25.7 s, now 12 s). At the sizes a
  // unit test can afford the parsing still outweighs that: the old code gave 7.4 here, under the
  // bound; bench/scale.mjs shape e is where it showed (10 000 → 100 000 files: 14x → 6.6x).
  // This guards against anything worse.
  it('n lighttpd entries and n gunicorn.conf.py files', () => {
    const snap = (n: number) => {
      const files: Record<string, {text: string}> = {}
      const lighttpd: string[] = []
      const gunicornConf: string[] = []
      for (let i = 0; i < n; i++) {
        // Small files: what is timed is the gathering, not the parsing.
        files[`/srv/s${i}/lighttpd.conf`] = {text: `server.port = ${9000 + (i % 1000)}\n`}
        files[`/srv/s${i}/gunicorn.conf.py`] = {text: ''}
        lighttpd.push(`/srv/s${i}/lighttpd.conf`)
        gunicornConf.push(`/srv/s${i}/gunicorn.conf.py`)
      }
      return {format: 'conntune-snapshot', version: 1, collector: {tool: 'conntune', version: 't', source: 'files'}, collectedAt: 'x', host: {name: 'files'}, kernel: {release: null}, sysctl: {}, proc: {}, files, dirs: {}, entries: {lighttpd, gunicornConf}} as unknown as Snapshot
    }
    const small = snap(3_000)
    const large = snap(12_000)
    const run = (s: Snapshot, n: number) => timed(() => {
      const found = discoverServers(s, {entries: {...s.entries, units: []} as never})
      if (found.gunicorn.length !== n || (found.lighttpd?.files.length ?? 0) < n) throw new Error('not every entry was read')
    })
    const {a, b} = bestOf('discover', () => run(small, 3_000), () => run(large, 12_000))
    expect(b / a).toBeLessThan(BOUND)
  })
})
