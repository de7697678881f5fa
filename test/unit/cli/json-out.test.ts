// writeJson writes in pieces but must write the very bytes JSON.stringify(v, null, 2) does,
// for any value: nested, empty, with undefined/functions, toJSON, and deeper than its own
// recursion limit.
import {spawnSync} from 'node:child_process'
import {closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import fc from 'fast-check'
import {writeJson} from '../../../src/cli/json-out.js'
import {BIN} from '../../integration/run-cli.js'

let dir: string
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'ct-json-out-'))))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

function written(value: unknown): string {
  const path = join(dir, 'out.json')
  const fd = openSync(path, 'w')
  try {
    writeJson(value, fd)
  } finally {
    closeSync(fd)
  }
  return readFileSync(path, 'utf8')
}

const same = (v: unknown) => expect(written(v)).toBe(JSON.stringify(v, null, 2) + '\n')

describe('writeJson', () => {
  it('equals JSON.stringify(v, null, 2) for arbitrary values', () => {
    const odd = fc.oneof(fc.constant(undefined), fc.constant(() => 1), fc.date({noInvalidDate: true}), fc.constant({toJSON: () => ({a: [1]})}))
    const {tree} = fc.letrec((tie) => ({
      tree: fc.oneof({depthSize: 'small'}, fc.jsonValue({maxDepth: 2}), odd, fc.array(tie('tree'), {maxLength: 5}), fc.dictionary(fc.string({maxLength: 6}), tie('tree'), {maxKeys: 5})),
    }))
    // Inside an array and an object: at the top, JSON.stringify(undefined) is no text at all.
    fc.assert(fc.property(tree, (v) => (same([v]), same({k: v}))), {numRuns: 300})
  })

  it('deeper than its recursion limit, and larger than one chunk', () => {
    let deep: unknown = {leaf: ['x']}
    for (let i = 0; i < 200; i++) deep = i % 2 ? [deep, i] : {k: deep, n: null}
    same(deep)
    same({files: Array.from({length: 30_000}, (_, i) => ({file: `/etc/nginx/${i}.conf`, args: ['a"b', 'ü\n'], line: i}))})
  })

  it('a reader that goes away (| head) ends the output quietly (built CLI)', () => {
    const file = join(dir, 'sysctl.conf')
    writeFileSync(file, Array.from({length: 50_000}, (_, i) => `net.ipv4.tcp_fin_timeout = ${i}\n`).join(''))
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${BIN}" parse sysctl "${file}" --json | head -c 1`], {encoding: 'utf8'})
    expect(r.stdout).toBe('{')
    expect(r.stderr).toBe('')
  })
})
