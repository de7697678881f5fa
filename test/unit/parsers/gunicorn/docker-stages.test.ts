// Multi-stage Dockerfiles: FROM <stage> by name (case-insensitive), as the Dockerfile
// reference describes it.
import {readDockerfile} from '../../../../src/parsers/gunicorn/dockerfile.js'
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
