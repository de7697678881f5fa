// Differential test: conntune's directive validation against the installed `nginx -t`.
// A few hundred generated configs (typos, wrong arity, wrong block, bad values, and valid
// ones) must get the same verdict — refused or accepted — from both. nginx runs with -p/-c/-g
// into a temp dir, with every temp path there, so nothing is written elsewhere.
import {spawnSync} from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {parseNginxText} from '../../src/parsers/nginx/parser.js'
import {validateNginx} from '../../src/parsers/nginx/validate.js'
import {describeReal, missingProgram} from './require-real.js'

const TEMP = ['client_body_temp_path', 'proxy_temp_path', 'fastcgi_temp_path', 'uwsgi_temp_path', 'scgi_temp_path']

// Directives of modules every Debian nginx build has, each with the block it belongs in.
const LINES: Array<{ctx: 'main' | 'events' | 'http' | 'server' | 'location' | 'upstream'; name: string; args: string[]}> = [
  {ctx: 'main', name: 'worker_processes', args: ['1']},
  {ctx: 'events', name: 'worker_connections', args: ['512']},
  {ctx: 'http', name: 'keepalive_timeout', args: ['65']},
  {ctx: 'http', name: 'keepalive_requests', args: ['1000']},
  {ctx: 'http', name: 'send_timeout', args: ['30s']},
  {ctx: 'http', name: 'gzip', args: ['on']},
  {ctx: 'http', name: 'client_max_body_size', args: ['10m']},
  {ctx: 'http', name: 'client_body_buffer_size', args: ['16k']},
  {ctx: 'http', name: 'sendfile', args: ['on']},
  {ctx: 'http', name: 'lingering_timeout', args: ['5s']},
  {ctx: 'upstream', name: 'keepalive', args: ['16']},
  {ctx: 'upstream', name: 'keepalive_timeout', args: ['60s']},
  {ctx: 'server', name: 'server_name', args: ['example.com']},
  {ctx: 'server', name: 'client_header_timeout', args: ['10s']},
  {ctx: 'location', name: 'proxy_pass', args: ['http://app']},
  {ctx: 'location', name: 'proxy_read_timeout', args: ['60s']},
  {ctx: 'location', name: 'proxy_connect_timeout', args: ['5s']},
  {ctx: 'location', name: 'proxy_http_version', args: ['1.1']},
  {ctx: 'location', name: 'proxy_buffering', args: ['off']},
]
const TIMES = ['10x', '-5', '1y', '1M', '30m1h', '1h30m', '500ms', '1m30', '0.5s', '2w', '5S', '1d', '0', '1ms1s']
const FLAGS = ['yes', 'On', 'OFF', 'true', '1', 'off']
const NUMS = ['abc', '-1', '0', '+5', '100', '1e3']
const SIZES = ['1g', '1G', '16k', '1mb', '-1', '8M']
const WRONG_CTX = ['main', 'events', 'http', 'server', 'location', 'upstream'] as const

/** Deterministic, so a failure is the same failure on every run. */
function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32)
}

function render(lines: typeof LINES, dir: string, listen: string): string {
  const at = (ctx: string, indent: string) => lines.filter((l) => l.ctx === ctx).map((l) => `${indent}${[l.name, ...l.args].join(' ')};\n`).join('')
  return `pid ${dir}/nginx.pid;\nerror_log ${dir}/error.log;\n${at('main', '')}events {\n${at('events', '  ')}}\nhttp {\n  access_log off;\n${TEMP.map((t) => `  ${t} ${dir}/${t};\n`).join('')}${at('http', '  ')}  upstream app {\n    server 127.0.0.1:21180;\n${at('upstream', '    ')}  }\n  server {\n    listen ${listen};\n${at('server', '    ')}    location / {\n${at('location', '      ')}    }\n  }\n}\n`
}

function mutate(r: () => number): {lines: typeof LINES; listen: string} {
  const lines = LINES.map((l) => ({...l, args: [...l.args]}))
  let listen = '127.0.0.1:21181'
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]
  const n = 1 + Math.floor(r() * 2)
  for (let k = 0; k < n; k++) {
    const l = pick(lines)
    const what = Math.floor(r() * 6)
    if (what === 0) {
      // A typo: drop, double or swap one character.
      const i = Math.floor(r() * l.name.length)
      const kind = Math.floor(r() * 3)
      l.name = kind === 0 ? l.name.slice(0, i) + l.name.slice(i + 1) : kind === 1 ? l.name.slice(0, i) + l.name[i] + l.name.slice(i) : l.name.slice(0, i) + (l.name[i + 1] ?? '') + l.name[i] + l.name.slice(i + 2)
    } else if (what === 1) {
      l.args.push(pick(['1', '2s', 'on', 'x']))
      if (r() < 0.3) l.args.push('3')
    } else if (what === 2) {
      // Not where the same name already is: a second one is "duplicate", which is not checked here.
      const to = pick(WRONG_CTX)
      if (!lines.some((x) => x !== l && x.ctx === to && x.name === l.name)) l.ctx = to
    } else if (what === 3) {
      const kind = /timeout|_time$/.test(l.name) ? TIMES : /requests|connections|processes|^keepalive$/.test(l.name) ? NUMS : /size/.test(l.name) ? SIZES : /gzip|sendfile|buffering/.test(l.name) ? FLAGS : null
      if (kind) l.args = [pick(kind)]
    } else if (what === 4) {
      listen = `127.0.0.1:21181 backlog=${pick(['0', 'abc', '511', '-1', '4096'])}`
    } else if (l.name === 'keepalive_timeout' && l.ctx === 'http') {
      l.args = ['65', pick(['10ms', '1y', '60', 'x', '1h'])]
    }
  }
  return {lines, listen}
}

describeReal('nginx directive validation against the real nginx -t', [missingProgram('nginx', ['-v'])], () => {
  let dir = ''
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conntune-validate-'))
  })
  afterAll(() => fs.rmSync(dir, {recursive: true, force: true}))

  it('gives the same verdict as nginx -t on 300 generated configs', () => {
    const version = /nginx\/(\d+\.\d+\.\d+)/.exec(spawnSync('nginx', ['-v'], {encoding: 'utf8'}).stderr)?.[1] ?? null
    const r = rng(1108)
    const disagreements: string[] = []
    let refused = 0
    for (let i = 0; i < 300; i++) {
      const {lines, listen} = i === 0 ? {lines: LINES, listen: '127.0.0.1:21181'} : mutate(r)
      const text = render(lines, dir, listen)
      const file = path.join(dir, 'nginx.conf')
      fs.writeFileSync(file, text)
      const real = spawnSync('nginx', ['-t', '-q', '-p', dir, '-c', file, '-e', path.join(dir, 'error.log')], {encoding: 'utf8', timeout: 10_000})
      const tree = parseNginxText(text, file, {spans: false}).value.parsed
      const ours = validateNginx(tree, {version}).problems.filter((p) => p.severity === 'error')
      const nginxRefuses = real.status !== 0
      if (nginxRefuses) refused++
      if (nginxRefuses !== ours.length > 0) disagreements.push(`nginx ${nginxRefuses ? 'refuses' : 'accepts'} (${real.stderr.trim().split('\n')[0]}), conntune ${ours.length > 0 ? `refuses: ${ours[0].message}` : 'accepts'}\n${text}`)
    }
    expect(disagreements.slice(0, 3)).toEqual([])
    // Both verdicts occur, so the comparison means something.
    expect(refused).toBeGreaterThan(50)
    expect(refused).toBeLessThan(300)
  })
})
