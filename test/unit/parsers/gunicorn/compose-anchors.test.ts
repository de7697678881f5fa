// Which node an alias refers to, and how merge keys combine, in Compose files: expectations
// from the YAML specifications (1.2.2 §3.2.2.2 "the alias refers to the most recent
// preceding node having the same anchor"; the YAML 1.1 merge key type, yaml.org/type/merge).
import {readCompose} from '../../../../src/parsers/gunicorn/compose.js'

const services = (text: string) => {
  const r = readCompose(text, '/repo/compose.yaml')
  expect(r.errors).toEqual([])
  return Object.fromEntries(r.value.map((s) => [s.name, {words: s.words.join(' '), env: Object.fromEntries(Object.entries(s.env).map(([k, v]) => [k, v.value]))}]))
}

describe('aliases', () => {
  it('refer to the most recent preceding node with the anchor, when an anchor is redefined', () => {
    const text = [
      'x-a: &env {A: "1"}',
      'services:',
      '  one: {command: gunicorn one:app, environment: *env}',
      '  two: {command: gunicorn two:app, environment: &env {A: "2"}}',
      '  three: {command: gunicorn three:app, environment: *env}',
      '',
    ].join('\n')
    expect(services(text)).toEqual({
      one: {words: 'gunicorn one:app', env: {A: '1'}},
      two: {words: 'gunicorn two:app', env: {A: '2'}},
      three: {words: 'gunicorn three:app', env: {A: '2'}},
    })
  })

  it('follow an alias of a node that holds aliases', () => {
    const text = ['x-cmd: &cmd gunicorn app:app', 'x-svc: &svc {command: *cmd}', 'services:', '  web: *svc', ''].join('\n')
    expect(services(text)).toEqual({web: {words: 'gunicorn app:app', env: {}}})
  })
})

describe('merge keys', () => {
  // The specification's own example: "<< : [ *BIG, *LEFT, *SMALL ]" with "x: 1" over them gives
  // { x: 1, y: 2, r: 10 }: the map's keys first, then earlier maps in the list over later ones.
  it('put the map own keys over merged ones, and earlier merged maps over later ones', () => {
    const text = [
      'x-center: &CENTER {X: "1", Y: "2"}',
      'x-left: &LEFT {X: "0", Y: "2"}',
      'x-big: &BIG {R: "10"}',
      'x-small: &SMALL {R: "1"}',
      'services:',
      '  web:',
      '    command: gunicorn app:app',
      '    environment:',
      '      <<: [*BIG, *LEFT, *SMALL]',
      '      X: "1"',
      '      LABEL: center/big',
      '',
    ].join('\n')
    expect(services(text).web.env).toEqual({R: '10', X: '1', Y: '2', LABEL: 'center/big'})
  })

  it('apply through a fragment that merges another, the nearest setting winning', () => {
    const text = [
      'x-base: &base {command: gunicorn base:app, environment: {A: "base"}}',
      'x-mid: &mid {<<: *base, environment: {A: "mid"}}',
      'services:',
      '  plain: {<<: *base}',
      '  derived: {<<: *mid}',
      '  own: {<<: *mid, command: gunicorn own:app}',
      '',
    ].join('\n')
    expect(services(text)).toEqual({
      plain: {words: 'gunicorn base:app', env: {A: 'base'}},
      derived: {words: 'gunicorn base:app', env: {A: 'mid'}},
      own: {words: 'gunicorn own:app', env: {A: 'mid'}},
    })
  })

  it('work for every service of a large file merging one fragment, each with its own overrides', () => {
    const lines = ['x-base: &base', '  command: gunicorn app:app', '  environment: &env {A: "1", B: "1"}', 'services:']
    for (let i = 0; i < 600; i++) lines.push(`  web${i}:`, '    <<: *base', '    environment:', '      <<: *env', `      B: "${i}"`)
    const got = services(lines.join('\n') + '\n')
    expect(Object.keys(got)).toHaveLength(600)
    expect([got.web0, got.web599]).toEqual([{words: 'gunicorn app:app', env: {A: '1', B: '0'}}, {words: 'gunicorn app:app', env: {A: '1', B: '599'}}])
  })
})
