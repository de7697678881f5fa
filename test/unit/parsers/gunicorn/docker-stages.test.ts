// Multi-stage Dockerfiles: FROM <stage> by name (case-insensitive), and what a stage inherits
// from the stage it is built on, as the Dockerfile reference describes them; StageEnv (the
// shared, parent-chained env) against the copy-per-stage Map it replaced.
import fc from 'fast-check'
import {readDockerfile, effectiveCommand} from '../../../../src/parsers/gunicorn/dockerfile.js'
import {StageEnv, type EnvValue} from '../../../../src/parsers/gunicorn/stage-env.js'
import {PersistentMap} from '../../../../src/parsers/gunicorn/persistent-map.js'
import {gunicornFromDockerfile} from '../../../../src/parsers/gunicorn/sources.js'

const envOf = (text: string, stage: number) => Object.fromEntries([...readDockerfile(text).stages[stage].env].map(([k, v]) => [k, v.value]))

describe('stage names', () => {
  it('are case-insensitive: FROM BUILDER builds on the stage named Builder', () => {
    const d = 'FROM python:3.12 AS Builder\nENV A=1\nFROM BUILDER AS Final\nCMD ["gunicorn", "app:app"]\n'
    const p = readDockerfile(d)
    expect(p.stages.map((s) => [s.name, s.from])).toEqual([['builder', 'python:3.12'], ['final', 'BUILDER']])
    expect(envOf(d, 1)).toEqual({A: '1'})
    expect(gunicornFromDockerfile(d, 'Dockerfile', {stage: 'FINAL'}).value[0].env['A']).toEqual({value: '1', file: 'Dockerfile', line: 2})
  })

  it('name only earlier stages: FROM a name defined later, or an image, starts afresh', () => {
    const d = 'FROM later\nENV X=1\nFROM python:3.12 AS later\nENV Y=2\n'
    expect([envOf(d, 0), envOf(d, 1)]).toEqual([{X: '1'}, {Y: '2'}])
  })

  it('can be many: each FROM finds its base among thousands of named stages', () => {
    const stages = Array.from({length: 2000}, (_, i) => `FROM python:3.12 AS s${i}\nENV E${i}=v${i}\n`).join('')
    const d = `${stages}FROM S1234\nCMD ["gunicorn", "app:app"]\n`
    expect(envOf(d, 2000)).toEqual({E1234: 'v1234'})
  })
})

describe('what a stage inherits', () => {
  // "A stage inherits any environment variables that were set using ENV by its parent stage or any ancestor."
  const d = [
    'FROM python:3.12 AS s0', // 1
    'ARG X=arg',
    'ENV A=1 B=1',
    'FROM s0 AS s1', // 4
    'ENV B=2 C=${A} X2=${X}',
    'FROM s1 AS s2', // 6
    'ENV A=3 D=$B',
    'FROM s0 AS s3', // 8
    'ENV E=5',
    '',
  ].join('\n')

  it('sees the env of every ancestor, its own ENV over theirs', () => {
    expect(envOf(d, 1)).toEqual({A: '1', B: '2', C: '1', X2: ''})
    expect(envOf(d, 2)).toEqual({A: '3', B: '2', C: '1', X2: '', D: '2'})
  })

  it('does not see what a later stage built on its base sets, nor does the base', () => {
    expect(envOf(d, 3)).toEqual({A: '1', B: '1', E: '5'})
    expect(envOf(d, 0)).toEqual({A: '1', B: '1'})
  })

  it('keeps the line of the ENV that set each variable', () => {
    expect([...readDockerfile(d).stages[2].env].map(([k, v]) => [k, v.line]).sort()).toEqual([['A', 7], ['B', 5], ['C', 5], ['D', 7], ['X2', 5]])
  })

  it('inherits SHELL, and a SHELL in one stage changes neither its base nor its siblings', () => {
    const s = 'FROM python AS s0\nSHELL ["/bin/bash", "-c"]\nFROM s0 AS s1\nSHELL ["/bin/zsh", "-c"]\nCMD a\nFROM s0 AS s2\nCMD b\n'
    const p = readDockerfile(s)
    expect(p.stages.map((st) => st.shell)).toEqual([['/bin/bash', '-c'], ['/bin/zsh', '-c'], ['/bin/bash', '-c']])
    expect(effectiveCommand(p.stages[2])?.argv).toEqual(['/bin/bash', '-c', 'b'])
  })

  it('reaches through a long chain, an override in the middle seen from there on', () => {
    const chain = Array.from({length: 3000}, (_, i) => `FROM s${i} AS s${i + 1}\nENV E${i + 1}=v${i + 1}${i === 1500 ? ' A=mid' : ''} R${i + 1}=$A\n`).join('')
    const p = readDockerfile(`FROM python:3.12 AS s0\nENV A=top\n${chain}`)
    const last = p.stages[3000].env
    expect(last.size).toBe(1 + 3000 * 2)
    expect([last.get('A')?.value, last.get('E1')?.value, last.get('R1500')?.value, last.get('R1501')?.value, last.get('R1502')?.value]).toEqual(['mid', 'v1', 'top', 'top', 'mid'])
  })
})

describe('StageEnv', () => {
  // A program of stages: each built on an earlier one (or on none), then setting a few names.
  type Program = Array<{base: number | null; sets: Array<[string, number]>}>
  const program: fc.Arbitrary<Program> = fc.array(fc.record({base: fc.option(fc.nat(), {nil: null}), sets: fc.array(fc.tuple(fc.constantFrom('A', 'B', 'C', 'D'), fc.nat(99)), {maxLength: 4})}), {minLength: 1, maxLength: 8})

  it('gives every stage the entries, in the order, a copied Map gave it', () => {
    fc.assert(fc.property(program, fc.array(fc.constantFrom('A', 'B', 'C', 'D', 'E')), (stages, reads) => {
      const copies: Array<Map<string, EnvValue>> = []
      const shared: StageEnv[] = []
      // What each side answers, compared once at the end (an expect per lookup is slow).
      const seen: {copy: unknown[]; shared: unknown[]} = {copy: [], shared: []}
      stages.forEach(({base, sets}, i) => {
        const b = base === null || i === 0 ? null : base % i
        const copy = new Map(b === null ? [] : copies[b])
        const env = new StageEnv(b === null ? null : shared[b])
        for (const [k, line] of sets) {
          // An ENV reads before it sets: the lookups must see the same as the copy.
          for (const r of reads) {
            seen.copy.push(copy.get(r))
            seen.shared.push(env.get(r))
          }
          copy.set(k, {value: k, line})
          env.set(k, {value: k, line})
        }
        copies.push(copy)
        shared.push(env)
      })
      shared.forEach((env, i) => {
        seen.copy.push([...copies[i]], copies[i].size, ...reads.map((r) => copies[i].get(r)))
        seen.shared.push([...env], env.size, ...reads.map((r) => env.get(r)))
      })
      expect(seen.shared).toEqual(seen.copy)
    }), {numRuns: 1000})
  })
})

describe('PersistentMap', () => {
  it('answers as a Map does after each set, and every earlier version keeps its answers', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.string({maxLength: 3}), fc.nat(9))), fc.array(fc.string({maxLength: 3})), (sets, reads) => {
      const versions: Array<PersistentMap<number>> = [PersistentMap.empty()]
      const copies: Array<Map<string, number>> = [new Map()]
      for (const [k, v] of sets) {
        versions.push(versions[versions.length - 1].set(k, v))
        copies.push(new Map(copies[copies.length - 1]).set(k, v))
      }
      const keys = [...reads, ...sets.map(([k]) => k)]
      expect(versions.map((m) => keys.map((k) => m.get(k)))).toEqual(copies.map((m) => keys.map((k) => m.get(k))))
    }), {numRuns: 500})
  })

  it('stays shallow for keys set in sorted order (a plain search tree would be a list)', () => {
    let m = PersistentMap.empty<number>()
    // Sorted keys made a chain n deep in an unbalanced tree; insert() recurses its depth.
    for (let i = 0; i < 200_000; i++) m = m.set(`K${String(i).padStart(6, '0')}`, i)
    expect([m.get('K000000'), m.get('K199999'), m.get('K2')]).toEqual([0, 199_999, undefined])
  })
})
