// The nginx parser against the installed nginx. Each fixture is copied into a fresh temp dir
// (absolute /etc/nginx/, /var/log/nginx/ and /run/nginx.pid paths rewritten into it) and
// checked with `nginx -t` / `nginx -T`; nginx runs with -p/-e/-g pointing into the temp dir
// and every fixture with an http{} block keeps its temp paths there too, so nothing is
// written elsewhere. Also: random configs compared error for error with `nginx -t`, and
// argument values compared with what a running nginx actually returns.
import {spawn, spawnSync} from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import fc from 'fast-check'
import {
  escapeControls,
  isLuaBlockDirective,
  parseNginx,
  splitNginxDump,
  walkNginx,
} from '../../src/parsers/nginx/index.js'
import type {NginxConfig, NginxDirective} from '../../src/parsers/nginx/index.js'
import {MemoryFileReader} from '../../src/parsers/memory-reader.js'
import type {ParseError} from '../../src/parsers/types.js'
import {FIXTURES, listFiles, loadTree, manifest} from '../unit/parsers/nginx/helpers.js'
import {describeReal, missingProgram} from './require-real.js'

const TEMP_PATHS = ['client_body_temp_path', 'proxy_temp_path', 'fastcgi_temp_path', 'uwsgi_temp_path', 'scgi_temp_path']
const tempPathLines = (indent = '') => TEMP_PATHS.map((d) => `${indent}${d} ${d.replace('_path', '')};\n`).join('')

const made: string[] = []
function freshDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conntune-nginx-'))
  made.push(dir)
  fs.mkdirSync(path.join(dir, 'logs'))
  return dir
}

afterAll(() => {
  for (const d of made) fs.rmSync(d, {recursive: true, force: true})
})

/** Copy a fixture into a temp dir standing for /etc/nginx. */
function stage(name: string, tempPathsFile?: string): string {
  const dir = freshDir()
  const src = path.join(FIXTURES, name)
  for (const rel of listFiles(src)) {
    const to = path.join(dir, rel)
    fs.mkdirSync(path.dirname(to), {recursive: true})
    // Same length per line: rewriting paths never moves a line number.
    const text = fs.readFileSync(path.join(src, rel), 'utf8')
      .split('/etc/nginx/').join(`${dir}/`)
      .split('/var/log/nginx/').join(`${dir}/logs/`)
      .split('/run/nginx.pid').join(`${dir}/nginx.pid`)
    fs.writeFileSync(to, text)
  }
  if (tempPathsFile) {
    fs.mkdirSync(path.dirname(path.join(dir, tempPathsFile)), {recursive: true})
    fs.writeFileSync(path.join(dir, tempPathsFile), tempPathLines())
  }
  return dir
}

function parseStaged(dir: string) {
  return parseNginx(`${dir}/nginx.conf`, new MemoryFileReader(loadTree(dir, dir)))
}

/** Refuse to run nginx on a config that would create temp dirs or logs outside `dir`. */
function assertContained(config: NginxConfig, dir: string): void {
  const all: NginxDirective[] = config.files.flatMap((f) => {
    const out: NginxDirective[] = []
    walkNginx(f.parsed, (d) => {
      out.push(d)
    })
    return out
  })
  if (!all.some((d) => d.directive === 'http')) return
  const missing = TEMP_PATHS.filter((t) => !all.some((d) => d.directive === t && !d.args[0].startsWith('/')))
  if (missing.length > 0) throw new Error(`fixture would make nginx create ${missing.join(', ')} outside ${dir}`)
  const logs = all.filter((d) => d.directive === 'access_log' || d.directive === 'error_log')
  if (!all.some((d) => d.directive === 'access_log')) throw new Error('fixture has no access_log: nginx would open its compiled-in default')
  for (const d of logs) {
    if (d.args[0].startsWith('/') && !d.args[0].startsWith(dir)) throw new Error(`${d.directive} ${d.args[0]} is outside ${dir}`)
  }
}

function nginx(dir: string, mode: '-t' | '-T', config: NginxConfig): {status: number | null; stdout: string; stderr: string} {
  assertContained(config, dir)
  const hasPid = config.files[0].parsed.some((d) => d.directive === 'pid')
  const args = [mode, '-p', `${dir}/`, '-e', `${dir}/logs/stderr.log`, '-c', `${dir}/nginx.conf`]
  if (!hasPid) args.push('-g', `pid ${dir}/nginx.pid;`)
  const r = spawnSync('nginx', args, {encoding: 'utf8', timeout: 20_000})
  return {status: r.status, stdout: r.stdout, stderr: r.stderr}
}

// A message can span lines: nginx prints the start of a too-long word raw. We escape it.
const EMERG_RAW = /\[emerg\] ([\s\S]*?) in (\/\S+):(\d+)\n/
const emerg = (stderr: string): [string, string, string, string] | null => {
  const m = EMERG_RAW.exec(stderr)
  return m ? [m[0], escapeControls(m[1]), m[2], m[3]] : null
}

describeReal('nginx parser against the real nginx', [missingProgram('nginx', ['-v'])], () => {
  const fixtures = Object.entries(manifest())

  describe.each(fixtures.filter(([, f]) => f.kind === 'valid'))('valid fixture %s', (name, info) => {
    it('nginx -t accepts it, we read it without errors, and we read the same files nginx -T prints', () => {
      const dir = stage(name, info.tempPathsFile)
      const ours = parseStaged(dir)
      expect(ours.errors.map(String)).toEqual([])
      const t = nginx(dir, '-T', ours.value)
      expect(t.stderr).toContain('test is successful')
      expect(t.status).toBe(0)

      const split = splitNginxDump(t.stdout, `nginx -T ${name}`)
      expect(split.errors).toEqual([])
      expect(split.value.entry).toBe(`${dir}/nginx.conf`)
      expect(Object.keys(split.value.files).sort()).toEqual(ours.value.files.map((f) => f.file).sort())
      // Byte for byte what is on disk: the newline nginx appends is taken off again.
      for (const [p, text] of Object.entries(split.value.files)) expect(text).toBe(fs.readFileSync(p, 'utf8'))
      // And the dump parses to the very same tree.
      const fromDump = parseNginx(split.value.entry, new MemoryFileReader(split.value.files))
      expect(fromDump.value).toEqual(ours.value)
    })
  })

  describe.each(fixtures.filter(([, f]) => f.kind === 'error'))('error fixture %s', (name, info) => {
    it('our first error names the file, line and message of nginx\'s [emerg]', () => {
      const dir = stage(name, info.tempPathsFile)
      const ours = parseStaged(dir)
      const t = nginx(dir, '-t', ours.value)
      expect(t.status).not.toBe(0)
      const m = emerg(t.stderr)
      if (!m) throw new Error(`no [emerg] from nginx: ${t.stderr}`)
      const first = ours.errors[0] as ParseError | undefined
      expect({file: first?.file, line: first?.line, message: first?.message}).toEqual({file: m[2], line: Number(m[3]), message: m[1]})
      // The manifest (used by the unit tests) still says what nginx says.
      expect({file: path.relative(dir, m[2]), line: Number(m[3]), message: m[1].split(`${dir}/`).join('/etc/nginx/')}).toEqual(info.expect)
    })
  })

  describe.each(fixtures.filter(([, f]) => f.kind === 'parser-only'))('parser-only fixture %s', (name, info) => {
    it('nginx -t rejects only an unknown directive, and we read it without errors', () => {
      const dir = stage(name, info.tempPathsFile)
      const ours = parseStaged(dir)
      expect(ours.errors.map(String)).toEqual([])
      expect(nginx(dir, '-t', ours.value).stderr).toMatch(/\[emerg\] unknown directive "lua_/)
    })
  })

  describe('random configs: the first error, exactly as nginx -t reports it', () => {
    // Random text goes inside `types { }`: its handler takes any words, so what nginx can
    // object to there is syntax (and a nested "{", which that handler refuses).
    const PIECES = [' ', '\t', '\n', '\r\n', ';', '{', '}', '"', "'", '\\', '\\"', '#', '$', '${', '(', ')',
      'a', 'b1', 'é', 'x/y', 'n', 't', 'content_by_lua_block', 'z'.repeat(2100), 'é'.repeat(700), '😀'.repeat(300)]
    const soup = fc.array(fc.constantFrom(...PIECES), {maxLength: 60}).map((p) => p.join(''))
    const SYNTAX = /^(unexpected|too long parameter)/

    it('agrees with nginx on 150 random configs', () => {
      const dir = freshDir()
      const file = `${dir}/nginx.conf`
      let compared = 0
      fc.assert(fc.property(soup, (body) => {
        const text = `events {}\nhttp {\n${tempPathLines('    ')}    access_log off;\n    types {\n${body}\n    }\n}\n`
        fs.writeFileSync(file, text)
        const ours = parseNginx(file, new MemoryFileReader({[file]: text}))
        const t = nginx(dir, '-t', ours.value)
        const m = emerg(t.stderr)

        // Where nginx's types handler would refuse a block: the first one opened inside types{}.
        const http = ours.value.files[0].parsed.find((d) => d.directive === 'http')
        const types = http?.block?.find((d) => d.directive === 'types')
        const lines = text.split('\n')
        const openedBlock = (d: NginxDirective) => d.source !== undefined && lines[d.source.termLine - 1][d.source.termCol - 1] === '{'
        const nested = types?.block?.find((d) => d.block !== undefined || (isLuaBlockDirective(d.directive) && openedBlock(d)))
        // The handler refuses the "{" before anything after it is read: it wins a tie.
        const candidates = [
          ...(nested?.source ? [{line: nested.source.termLine, col: nested.source.termCol, message: 'unexpected "{"'}] : []),
          ...ours.errors.slice(0, 1).map((e) => ({line: e.line, col: e.col, message: e.message})),
        ].sort((a, b) => a.line - b.line || a.col - b.col)
        const predicted = candidates[0]

        if (t.status === 0) {
          expect(predicted).toBeUndefined()
        } else if (m && SYNTAX.test(m[1])) {
          // nginx prints one byte with %c: only the lead byte of a multi-byte character
          // (not valid UTF-8 on its own); we keep the whole character.
          const asNginx = predicted?.message.replace(/^unexpected "([^\x00-\x7f]+)"$/u, 'unexpected "\ufffd"')
          expect(predicted && {line: predicted.line, message: asNginx}).toEqual({line: Number(m[3]), message: m[1]})
          compared++
        } else {
          // A semantic error (a directive after types{} closed): nginx read everything before it.
          if (!m) throw new Error(`unexpected nginx output: ${t.stderr}`)
          if (predicted) expect(predicted.line).toBeGreaterThanOrEqual(Number(m[3]))
        }
      }), {numRuns: 150})
      expect(compared).toBeGreaterThan(20)
    })
  })

  describe('argument values, as a running nginx returns them', () => {
    const TOKENS = [
      String.raw`"a\"b"`, String.raw`'it\'s'`, String.raw`"back\\slash"`, String.raw`"\d\w"`, String.raw`"tab\there"`,
      String.raw`"nl\nx"`, String.raw`"cr\rx"`, String.raw`a\;b`, String.raw`a\ b`, 'foo#bar', '"é😀"',
      `'"double" inside'`, '"{}; #"', String.raw`\"lead`, String.raw`x\\y`, String.raw`"a\\\"b"`, String.raw`"\'"`,
      'plain', 'a"b"c', String.raw`'\n'`,
    ]

    async function freePort(): Promise<number> {
      return new Promise((resolve, reject) => {
        const s = net.createServer()
        s.once('error', reject)
        s.listen(0, '127.0.0.1', () => {
          const port = (s.address() as net.AddressInfo).port
          s.close(() => resolve(port))
        })
      })
    }

    function get(port: number, p: string): Promise<Buffer> {
      return new Promise((resolve, reject) => {
        http.get({host: '127.0.0.1', port, path: p, agent: false}, (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('end', () => resolve(Buffer.concat(chunks)))
        }).on('error', reject)
      })
    }

    it('match our parsed values byte for byte', async () => {
      const dir = freshDir()
      const port = await freePort()
      const locations = TOKENS.map((tok, i) => `        location = /t${i} { return 200 ${tok}; }\n`).join('')
      const text = `events {}\nhttp {\n${tempPathLines('    ')}    access_log off;\n    server {\n` +
        `        listen 127.0.0.1:${port};\n${locations}    }\n}\n`
      const file = `${dir}/nginx.conf`
      fs.writeFileSync(file, text)
      const ours = parseNginx(file, new MemoryFileReader({[file]: text}))
      expect(ours.errors.map(String)).toEqual([])
      const values: string[] = []
      walkNginx(ours.value.files[0].parsed, (d) => {
        if (d.directive === 'return') values.push(d.args[1])
      })
      expect(values).toHaveLength(TOKENS.length)
      assertContained(ours.value, dir)

      const proc = spawn('nginx', ['-p', `${dir}/`, '-e', `${dir}/logs/stderr.log`, '-c', file,
        '-g', `pid ${dir}/nginx.pid; daemon off; master_process off;`], {stdio: 'ignore'})
      try {
        let body: Buffer | null = null
        for (let k = 0; k < 100 && body === null; k++) {
          body = await get(port, '/t0').catch(() => null)
          if (body === null) await new Promise((r) => setTimeout(r, 50))
        }
        expect(body).not.toBeNull()
        for (let i = 0; i < TOKENS.length; i++) {
          expect({token: TOKENS[i], value: (await get(port, `/t${i}`)).toString('utf8')}).toEqual({token: TOKENS[i], value: values[i]})
        }
      } finally {
        proc.kill('SIGTERM')
        await new Promise((r) => (proc.exitCode !== null ? r(null) : proc.once('exit', r)))
      }
    })
  })
})
