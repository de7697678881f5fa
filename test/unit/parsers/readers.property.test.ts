// Property fuzzers for the readers the parser fuzzers did not cover: sysctl.d, systemd units
// (and EnvironmentFile=), Procfiles, Dockerfiles and the collector's framed output. On random
// and mutated-valid input each returns a result with its typed errors — never throws anything
// else — stays quick (inputs are bounded by the generators), and every file:line it reports
// is a line of its input.
import fs from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import {parseSysctlConf} from '../../../src/parsers/sysctl/index.js'
import {parseEnvFile, parseUnitFile} from '../../../src/parsers/gunicorn/systemd.js'
import {readDockerfile} from '../../../src/parsers/gunicorn/dockerfile.js'
import {gunicornFromDockerfile, gunicornFromProcfile, gunicornFromSystemdUnit} from '../../../src/parsers/gunicorn/sources.js'
import {CollectorOutputError, parseCollectorOutput} from '../../../src/sources/collector-output.js'
import {validateSnapshot} from '../../../src/snapshot/validate.js'
import {ParseError} from '../../../src/parsers/types.js'

const read = (...p: string[]) => fs.readFileSync(path.resolve('test/fixtures', ...p), 'utf8')
const dir = (...p: string[]) => fs.readdirSync(path.resolve('test/fixtures', ...p)).map((f) => read(...p, f))
const SYSCTL = [read('hosts/legacy-recycle/etc/sysctl.conf'), read('hosts/server-closes-first/etc/sysctl.d/90-web.conf'), read('hosts/clean/usr/lib/sysctl.d/50-default.conf')]
const UNITS = dir('gunicorn/systemd')
const DOCKER = dir('gunicorn/docker')
const PROCFILES = dir('gunicorn/procfile')

/** Up to 8 edits (delete some, insert a short string) at random places of a valid input. */
const mutate = (base: string[]) =>
  fc.tuple(fc.constantFrom(...base), fc.array(fc.tuple(fc.nat(), fc.nat({max: 8}), fc.string({maxLength: 6})), {maxLength: 8})).map(([text, edits]) => {
    let t = text
    for (const [at, del, ins] of edits) {
      const i = t.length ? at % t.length : 0
      t = t.slice(0, i) + ins + t.slice(i + del)
    }
    return t
  })

const texts = (base: string[], pieces: string[]) =>
  fc.oneof(mutate(base), fc.string({maxLength: 300}), fc.string({unit: 'binary', maxLength: 200}), fc.array(fc.constantFrom(...pieces), {maxLength: 60}).map((a) => a.join('')))

/** The most lines any reader may count: every \r\n, \n or lone \r ends one. */
const maxLine = (t: string) => (t.match(/\r\n|\n|\r/g)?.length ?? 0) + 1

function inRange(t: string, items: Array<{line: number; col?: number}>): void {
  for (const it of items) {
    expect(Number.isInteger(it.line)).toBe(true)
    expect(it.line).toBeGreaterThanOrEqual(1)
    expect(it.line).toBeLessThanOrEqual(maxLine(t))
    if (it.col !== undefined) {
      expect(it.col).toBeGreaterThanOrEqual(1)
      expect(it.col).toBeLessThanOrEqual(t.length + 2)
    }
  }
}

function typed(t: string, errors: unknown[]): void {
  for (const e of errors) {
    expect(e).toBeInstanceOf(ParseError)
    expect((e as ParseError).message).not.toMatch(/\n/)
  }
  inRange(t, errors as ParseError[])
}

function quick<T>(f: () => T): T {
  const t0 = Date.now()
  const r = f()
  expect(Date.now() - t0).toBeLessThan(2000)
  return r
}

describe('property: readers never throw and keep positions in range', () => {
  it('sysctl.d', () => {
    const pieces = ['net.ipv4.tcp_tw_reuse', 'net/ipv4/ip_local_port_range', ' = ', '=', '-', '*', '?', '[', '#', ';', '\n', '\r\n', '\r', ' ', '\t', '1', '32768 60999', '\uFEFF', 'é', '\0']
    fc.assert(
      fc.property(texts(SYSCTL, pieces), fc.option(fc.integer({min: 1, max: 200}), {nil: undefined}), (t, maxLineLength) => {
        const r = quick(() => parseSysctlConf(t, '/etc/sysctl.d/x.conf', maxLineLength ? {maxLineLength, maxErrors: 5} : {}))
        typed(t, r.errors)
        inRange(t, [...r.value.entries, ...r.value.comments, ...r.value.exclusions])
        for (const e of r.value.entries) expect(e.valueCol).toBeGreaterThanOrEqual(e.keyCol)
      }),
      {numRuns: 500},
    )
  })

  it('systemd units and EnvironmentFile=', () => {
    const pieces = ['[Service]', '[Unit]', 'ExecStart=', 'Environment=', 'EnvironmentFile=-/etc/x.env', 'gunicorn', ' -b ', '"', "'", '\\', '\\\n', '\n', '\r\n', ' ', ';', '$VAR', '${VAR}', '%i', 'A=1', '#', '\0', 'é']
    fc.assert(
      fc.property(texts([...UNITS], pieces), (t) => {
        const u = quick(() => parseUnitFile(t, '/etc/systemd/system/x.service'))
        inRange(t, [...u.entries, ...u.errors])
        const env = quick(() => parseEnvFile(t))
        inRange(t, [...env.vars, ...env.errors])
        const g = quick(() => gunicornFromSystemdUnit(t, '/etc/systemd/system/x.service'))
        typed(t, g.errors)
        expect(Array.isArray(g.value)).toBe(true)
      }),
      {numRuns: 400},
    )
  })

  it('Procfiles and Dockerfiles', () => {
    const pieces = ['web: ', 'FROM python:3.12 AS app\n', 'CMD ', 'ENTRYPOINT ', 'ENV ', 'ARG ', 'SHELL ', '["gunicorn", "-b", ":8000"]', 'gunicorn a:b', '$PORT', '${X:-1}', '\\\n', '\n', '# escape=`\n', '`', '"', ' ', '\0']
    fc.assert(
      fc.property(texts([...DOCKER, ...PROCFILES], pieces), (t) => {
        const d = quick(() => readDockerfile(t))
        inRange(t, [...d.instructions, ...d.errors, ...d.stages])
        for (const r of [quick(() => gunicornFromDockerfile(t, 'Dockerfile')), quick(() => gunicornFromProcfile(t, '/app/Procfile'))]) {
          typed(t, r.errors)
          expect(Array.isArray(r.value)).toBe(true)
        }
      }),
      {numRuns: 400},
    )
  })

  it('collector output: only CollectorOutputError, and a snapshot that passes the schema', async () => {
    const B = '--conntune-0f0e0d0c-1111-2222-3333-444455556666'
    const h = (s: string) => `\n${B} ${s}\n`
    const valid = [
      `conntune-collector 1 ${B}\n${h('KERNEL ok osrelease')}6.1.0${h('KERNEL ok hostname')}web1${h('SYSCTL ok net.ipv4.tcp_tw_reuse')}2${h('SYSCTLS')}/proc/sys/net/ipv4/tcp_fin_timeout:60\n${h('PROC ok 64 net/tcp')}  sl  local_address\n${h('FILE ok 4194304 /etc/nginx/nginx.conf')}events {}\n${h('DIR ok /etc/nginx/conf.d')}a.conf\nb.conf\n${h('LINK /etc/nginx/sites-enabled/x')}/etc/nginx/sites-available/x${h('CMD 100 nginx -V')}${h('CMDERR nginx -V')}nginx version: nginx/1.24.0${h('CMDRC nginx -V')}0${h('META timeout 10')}${h('FAIL /etc/x')}${h('END')}`,
    ]
    const pieces = [B, `\n${B} `, 'FILE ', 'PROC ', 'DIR ', 'CMD ', 'END', 'ok ', 'ENOENT ', '4194304 ', '99999999999999999 ', '/etc/nginx/a.conf', 'net/tcp', '\n', '\0', ' ', 'conntune-collector 1 ']
    const outputs = fc.oneof(
      texts(valid, pieces).map((t) => Buffer.from(t, 'utf8')),
      fc.uint8Array({maxLength: 400}).map((a) => Buffer.from(a)),
      fc.array(fc.constantFrom(...pieces), {maxLength: 40}).map((a) => Buffer.from(`conntune-collector 1 ${B}\n${a.join('')}`, 'utf8')),
    )
    const seen: Buffer[] = []
    fc.assert(
      fc.property(outputs, (buf) => {
        try {
          const r = quick(() => parseCollectorOutput(buf, {source: 'ssh', toolVersion: 't', fallbackName: 'h'}))
          expect(r.errors.every((e) => typeof e === 'string' && !e.includes('\n'))).toBe(true)
          seen.push(buf)
        } catch (error) {
          if (!(error instanceof CollectorOutputError)) throw error
        }
      }),
      {numRuns: 400},
    )
    // Every snapshot it makes is one `audit --snapshot` accepts.
    expect(seen.length).toBeGreaterThan(20)
    for (const buf of seen) {
      const snap = parseCollectorOutput(buf, {source: 'ssh', toolVersion: 't', fallbackName: 'h'}).snapshot
      expect(await validateSnapshot(snap)).toBeNull()
    }
  })

  it('collector output with one sysctl repeated 200 000 times stays linear', () => {
    // Each line copied the key's list so far: 40 000 lines took 15 s.
    const B = '--conntune-0f0e0d0c-1111-2222-3333-444455556666'
    const buf = Buffer.from(`conntune-collector 1 ${B}\n\n${B} SYSCTLS\n${'/proc/sys/net/ipv4/tcp_fin_timeout:60\n'.repeat(200_000)}\n${B} END\n`)
    const r = quick(() => parseCollectorOutput(buf, {source: 'ssh', toolVersion: 't'}))
    expect(r.snapshot.sysctl['net.ipv4.tcp_fin_timeout']?.value).toMatch(/^60\n60\n/)
  })
})
