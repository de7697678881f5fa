// The collector script and its output parser: the script's lists are the TS ones, a real run
// of the script gives the snapshot a local collect gives, and bad output (cut short, missing
// sections, binary junk, garbled headers) keeps what was read and says the host is incomplete.
import {spawnSync} from 'node:child_process'
import {mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {collectorScript} from '../../../src/sources/collector-script.js'
import {CollectorOutputError, looksLikeCollectorOutput, parseCollectorOutput} from '../../../src/sources/collector-output.js'
import {collectLocal} from '../../../src/sources/local.js'
import {LIMITS, PROC_FILES, SYSCTL_CONF, SYSCTL_DIRS, SYSCTL_KEYS} from '../../../src/snapshot/kernel-keys.js'
import {CAPTURE_LIMITS, CONFIG_TREES, GUNICORN_FILES, LOG_LIMITS, MAIN_CONFIGS, UNIT_DIRS} from '../../../src/snapshot/config-locations.js'
import {ACCESS_NEEDLE, SIGNATURES} from '../../../src/parsers/nginx-logs/signatures.js'
import {readLog} from '../../../src/sources/logs.js'
import {RootFs} from '../../../src/sources/rootfs.js'
import {MAX_INCLUDE_DEPTH} from '../../../src/limits.js'
import {validateSnapshot} from '../../../src/snapshot/validate.js'
import {buildHostModel} from '../../../src/model/build.js'

const opts = {source: 'ssh' as const, toolVersion: '0.0.0-test'}
const B = '--conntune-0f0e0d0c-1111-2222-3333-444455556666'
const hdr = (s: string) => `\n${B} ${s}\n`

function shList(name: string): string[] {
  const m = new RegExp(`^${name}='([^']*)'$`, 'm').exec(collectorScript())
  if (!m) throw new Error(`collector.sh has no ${name}='…'`)
  return m[1].split('\n')
}
function shNumber(name: string): number {
  const m = new RegExp(`^${name}=(\\d+)$`, 'm').exec(collectorScript())
  if (!m) throw new Error(`collector.sh has no ${name}=N`)
  return Number(m[1])
}

/** Output of a whole run with the given sections between the header and END. */
function output(body: string, end = true): Buffer {
  return Buffer.from(`conntune-collector 1 ${B}\n${body}${end ? hdr('END') : ''}`, 'utf8')
}
const fullRuntime = () =>
  SYSCTL_KEYS.map((k) => `${hdr(`SYSCTL ok ${k}`)}1`).join('') + PROC_FILES.map((p) => `${hdr(`PROC ok 100 ${p}`)}x`).join('')

describe('collector.sh lists', () => {
  it('equal the TypeScript lists the local source reads', () => {
    expect(shList('SYSCTL_KEYS')).toEqual([...SYSCTL_KEYS])
    expect(shList('PROC_FILES')).toEqual([...PROC_FILES])
    expect(shList('SYSCTL_DIRS')).toEqual([...SYSCTL_DIRS])
    expect(shList('SYSCTL_CONF')).toEqual([SYSCTL_CONF])
    expect(shList('NGINX_TREES')).toEqual([...CONFIG_TREES.nginx])
    expect(shList('LIGHTTPD_TREES')).toEqual([...CONFIG_TREES.lighttpd])
    expect(shList('NGINX_MAINS')).toEqual([...MAIN_CONFIGS.nginx])
    expect(shList('LIGHTTPD_MAINS')).toEqual([...MAIN_CONFIGS.lighttpd])
    expect(shList('UNIT_DIRS')).toEqual([...UNIT_DIRS])
    expect(shList('GUNICORN_FILES')).toEqual([...GUNICORN_FILES])
  })

  it('use the same bounds', () => {
    expect(shNumber('PROC_BYTES')).toBe(LIMITS.procBytes)
    expect(shNumber('CONFIG_BYTES')).toBe(LIMITS.configBytes)
    expect(shNumber('UNIT_BYTES')).toBe(CAPTURE_LIMITS.unitBytes)
    expect(shNumber('CMD_BYTES')).toBe(CAPTURE_LIMITS.commandBytes)
    expect(shNumber('CMD_SECONDS')).toBe(CAPTURE_LIMITS.commandSeconds)
    expect(shNumber('FILES_PER_TREE')).toBe(CAPTURE_LIMITS.filesPerTree)
    expect(shNumber('UNIT_FILES')).toBe(CAPTURE_LIMITS.unitFiles)
    expect(shNumber('INCLUDE_ROUNDS')).toBe(CAPTURE_LIMITS.includeRounds)
    // Collection follows as many include levels as the parser: a file nested 9 deep was
    // reported missing when collection stopped at 8 rounds and the parser went on to 32.
    expect(CAPTURE_LIMITS.includeRounds).toBe(MAX_INCLUDE_DEPTH)
    expect(shNumber('LOG_BYTES')).toBe(LOG_LIMITS.tailBytes)
    expect(shNumber('LOG_LINES')).toBe(LOG_LIMITS.lines)
    expect(shNumber('LOG_CANDIDATES')).toBe(2 * LOG_LIMITS.files)
    // A UTF-16 unit of the reader's character cut is at most 3 UTF-8 bytes.
    expect(shNumber('LOG_LINE_BYTES')).toBe(3 * LOG_LIMITS.lineChars)
  })

  it('keep the same log lines (the signatures\' needles, the access-log 502/504 filter)', () => {
    expect(shList('ERROR_NEEDLES')).toEqual(SIGNATURES.map((s) => s.needle))
    expect(shList('ACCESS_ERE')).toEqual([ACCESS_NEEDLE.source.replaceAll('(?:', '(')])
  })

  it('is valid POSIX sh (dash -n)', () => {
    const r = spawnSync('sh', ['-n'], {input: collectorScript(), encoding: 'utf8'})
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
  })
})

describe('collector.sh on this host', () => {
  it('gives the snapshot collectLocal gives (apart from what changes by the second)', async () => {
    const r = spawnSync('sh', ['-s'], {input: collectorScript(), maxBuffer: 1 << 30})
    expect(r.status).toBe(0)
    const parsed = parseCollectorOutput(r.stdout, opts)
    expect(parsed.errors).toEqual([])
    expect(parsed.complete).toBe(true)
    const local = await collectLocal({root: '/', toolVersion: '0.0.0-test'})
    const remote = parsed.snapshot
    expect(await validateSnapshot(remote)).toBeNull()
    expect(remote.collector.source).toBe('ssh')
    expect(remote.host).toEqual(local.host)
    expect(remote.kernel).toEqual(local.kernel)
    expect(remote.sysctl).toEqual(local.sysctl)
    expect(Object.keys(remote.proc).sort()).toEqual(Object.keys(local.proc).sort())
    for (const [k, f] of Object.entries(remote.proc)) expect(f.error ?? 'text').toBe(local.proc[k].error ?? 'text')
    expect(remote.dirs).toEqual(local.dirs)
    expect(remote.files).toEqual(local.files)
    expect(Object.keys(remote.commands ?? {}).sort()).toEqual(Object.keys(local.commands ?? {}).sort())
    for (const [k, c] of Object.entries(local.commands ?? {})) {
      expect(remote.commands![k].exitCode).toBe(c.exitCode)
      expect(remote.commands![k].error).toBe(c.error)
      // nginx -T's dump and -V's text are the same each run.
      expect(remote.commands![k].stdout).toBe(c.stdout)
      expect(remote.commands![k].stderr).toBe(c.stderr)
    }
  }, 60_000)

  it('reads the logs collectLocal reads, line for line', async () => {
    const r = spawnSync('sh', ['-s'], {input: collectorScript(), maxBuffer: 1 << 30})
    const remote = parseCollectorOutput(r.stdout, opts).snapshot
    const local = await collectLocal({root: '/', toolVersion: '0.0.0-test'})
    expect(remote.logs).toEqual(local.logs)
  }, 60_000)

  describe('nginx logs, read by its read_log as logs.ts reads them', () => {
    let dir: string
    const PREMATURE = (i: number) =>
      `2026/12/02 10:00:${String(i % 60).padStart(2, '0')} [error] 7#7: *${i} upstream prematurely closed connection while reading response header from upstream, client: 10.0.0.9, server: _, request: "GET / HTTP/1.1", upstream: "http://127.0.0.1:8000/", host: "x"`
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'ctlogs-'))
      // Larger than the tail bound, more matches than the line bound, a cut first line.
      const filler = `2026/12/02 09:59:59 [info] 7#7: *1 client closed keepalive connection ${'.'.repeat(200)}\n`
      const chunks: string[] = ['a partial first line that the cut drops: upstream timed out\n']
      let size = 0
      for (let i = 0; size < LOG_LIMITS.tailBytes + 4096; i++) {
        const line = i % 20 === 0 ? `${PREMATURE(i)}\n` : filler
        chunks.push(line)
        size += line.length
      }
      writeFileSync(join(dir, 'big.log'), chunks.join(''))
      // Small current log with a rotated .1, a line past the length bound, CRLF, no final newline.
      writeFileSync(join(dir, 'small.log.1'), `${PREMATURE(1)}\nnoise\n${PREMATURE(2)} ${'x'.repeat(5000)}\n`)
      writeFileSync(join(dir, 'small.log'), `${PREMATURE(3)}\r\nnoise (104: Connection reset by peer)\n${PREMATURE(4)}`)
      writeFileSync(join(dir, 'access.log'), '10.0.0.1 - - [02/Dec/2026:10:00:00 +0000] "GET / HTTP/1.1" 502 157 "-" "curl"\n1.2.3.4 - - [02/Dec/2026:10:00:01 +0000] "GET /5020 HTTP/1.1" 200 5 "-" "x"\n5.6.7.8 - - [02/Dec/2026:10:00:02 +0000] "GET / HTTP/1.1" 504 0 "-" "y"\n')
      writeFileSync(join(dir, 'bin.log'), Buffer.from(`${PREMATURE(5)}\n\0\n`))
      mkdirSync(join(dir, 'dir.log'))
    })
    afterAll(() => rmSync(dir, {recursive: true, force: true}))

    function shLog(kind: string, path: string): Buffer {
      const script = collectorScript().replace(/\nmain "\$@" <\/dev\/null\n$/, '\n')
      const consts = ['LOG_BYTES', 'LOG_LINES', 'LOG_LINE_BYTES', 'ERROR_NEEDLES', 'ACCESS_ERE']
        .map((n) => new RegExp(`^${n}=(?:'[^']*'|\\S+)$`, 'm').exec(script)![0])
        .join('\n')
      const r = spawnSync('sh', ['-c', `${script}\n${consts}\nLC_ALL=C; export LC_ALL; NL='\n'; B=${B}; exec 3>&1; printf 'conntune-collector 1 %s\\n' "$B"; read_log "$1" "$2"; hdr END`, 'sh', kind, path], {maxBuffer: 1 << 26})
      expect(r.stderr.toString()).toBe('')
      return r.stdout
    }
    const logSection = (out: Buffer, kind: string, path: string) => {
      const parsed = parseCollectorOutput(out, opts)
      expect(parsed.errors).toEqual([])
      return parsed.logsRead[`${kind} ${path}`]
    }

    it('finds the log paths in the config lines (a superset: the reader keeps what nginx names)', () => {
      const conf = join(dir, 'nginx.conf')
      writeFileSync(
        conf,
        [
          'error_log "/var/log/nginx/main.err" warn;',
          '# error_log /commented/out.log;',
          'http { access_log logs/rel.log combined; log_format x \'$status\';',
          '  server { access_log off; error_log syslog:server=10.0.0.1; access_log /var/log/$host.log;',
          "    error_log stderr; access_log '/srv/a b.log'; error_log memory:32m; }",
          '}',
          '',
        ].join('\n'),
      )
      const script = collectorScript().replace(/\nmain "\$@" <\/dev\/null\n$/, '\n')
      const r = spawnSync('sh', ['-c', `${script}\nNL='\n'; set -f; NGINX_FILES="$NL$1$NL"; NGINX_V="$2"; log_candidates; printf '%s' "$LOGS"`, 'sh', conf, 'configure arguments: --prefix=/usr/share/nginx/ --http-log-path=/var/log/nginx/access.log --error-log-path=stderr'], {encoding: 'utf8'})
      expect(r.stderr).toBe('')
      // "/srv/a" is the word split's miss (a path with a space: the reader reports "/srv/a b.log" as
      // not in the output); -V's stderr default is no file.
      expect(r.stdout.split('\n').filter(Boolean)).toEqual(['error /var/log/nginx/main.err', 'access /usr/share/nginx/logs/rel.log', 'access /srv/a', 'access /var/log/nginx/access.log'])
    })

    it.each([
      ['error', 'big.log'],
      ['error', 'small.log'],
      ['access', 'access.log'],
      ['error', 'bin.log'],
      ['error', 'none.log'],
      ['error', 'dir.log'],
    ] as const)('%s log %s', (kind, name) => {
      const p = join(dir, name)
      const out = shLog(kind, p)
      const m = new RegExp(`\n${B} (LOG .*)\n`).exec(out.toString('latin1'))
      expect(m).not.toBeNull()
      const expected = readLog(new RootFs('/'), p, kind)
      expect(logSection(out, kind, p)).toEqual(expected)
      if (name === 'big.log') {
        expect(expected.truncated).toBe(true)
        expect(expected.lines).toHaveLength(LOG_LIMITS.lines)
        expect(expected.matched).toBeGreaterThan(LOG_LIMITS.lines)
      }
      if (name === 'small.log') expect(expected.lines).toHaveLength(5)
    })
  })

  describe('on a tree it reads as a host would', () => {
    let dir: string
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'ctcoll-'))
    })
    afterAll(() => rmSync(dir, {recursive: true, force: true}))

    // The script reads fixed host paths; this checks its bounded reads and errors directly by
    // running its read_file function on files made here.
    function readFileSection(path: string, limit: number): Buffer {
      const script = collectorScript().replace(/\nmain "\$@" <\/dev\/null\n$/, '\n')
      const r = spawnSync('sh', ['-c', `${script}\nB=${B}; HAVE_READLINK=1; exec 3>&1; printf 'conntune-collector 1 %s\\n' "$B"; read_file FILE ${limit} "$1"; flush_links; hdr END`, 'sh', path])
      return r.stdout
    }

    it('cuts a file at its bound and says so', () => {
      writeFileSync(join(dir, 'big.conf'), 'x'.repeat(50))
      const p = parseCollectorOutput(readFileSection(join(dir, 'big.conf'), 10), opts)
      expect(p.snapshot.files[join(dir, 'big.conf')]).toEqual({text: 'x'.repeat(10), truncated: true})
      const q = parseCollectorOutput(readFileSection(join(dir, 'big.conf'), 50), opts)
      expect(q.snapshot.files[join(dir, 'big.conf')]).toEqual({text: 'x'.repeat(50)})
    })

    it('refuses binary files and records ENOENT and EISDIR', () => {
      writeFileSync(join(dir, 'bin.conf'), Buffer.from([0x6b, 0, 0x01, 0xff]))
      mkdirSync(join(dir, 'd.conf'))
      expect(parseCollectorOutput(readFileSection(join(dir, 'bin.conf'), 100), opts).snapshot.files[join(dir, 'bin.conf')]).toEqual({error: 'binary'})
      expect(parseCollectorOutput(readFileSection(join(dir, 'none.conf'), 100), opts).snapshot.files[join(dir, 'none.conf')]).toEqual({error: 'ENOENT'})
      expect(parseCollectorOutput(readFileSection(join(dir, 'd.conf'), 100), opts).snapshot.files[join(dir, 'd.conf')]).toEqual({error: 'EISDIR'})
    })

    it('keeps a file without a final newline byte for byte, and records where a link points', () => {
      writeFileSync(join(dir, 'plain.conf'), 'a = 1\n\n\nb = 2')
      spawnSync('ln', ['-sf', join(dir, 'plain.conf'), join(dir, 'link.conf')])
      expect(parseCollectorOutput(readFileSection(join(dir, 'plain.conf'), 100), opts).snapshot.files[join(dir, 'plain.conf')]).toEqual({text: 'a = 1\n\n\nb = 2'})
      expect(parseCollectorOutput(readFileSection(join(dir, 'link.conf'), 100), opts).snapshot.files[join(dir, 'link.conf')]).toEqual({
        text: 'a = 1\n\n\nb = 2',
        link: join(dir, 'plain.conf'),
      })
    })

    // read_batch: one head reads up to 7 queued files; each section must be byte for byte what
    // one head per file prints, whatever the files hold.
    function batchRun(paths: string[], limits: number[], devfd: boolean, between = ''): {out: Buffer; heads: number} {
      const script = collectorScript().replace(/\nmain "\$@" <\/dev\/null\n$/, '\n')
      const count = join(dir, `heads-${devfd}`)
      rmSync(count, {force: true})
      const body = `${script}\nB=${B}; HAVE_READLINK=1; HAVE_DEVFD=${devfd ? 1 : ''}; QN=0 QL=0; NL='\n'
head() { printf x >>"${count}"; command head "$@"; }
exec 3>&1; printf 'conntune-collector 1 %s\\n' "$B"
i=0; for p in "$@"; do i=$((i + 1)); eval "l=\\$L$i"; read_file FILE "$l" "$p"; done
${between}
read_batch; flush_links; hdr END`
      const env = Object.fromEntries(limits.map((l, i) => [`L${i + 1}`, String(l)]))
      const r = spawnSync('sh', ['-c', body, 'sh', ...paths], {env: {...process.env, ...env}})
      let heads = 0
      try {
        heads = readFileSync(count).length
      } catch {}
      return {out: r.stdout, heads}
    }

    // flush_links: one readlink for many links, the same LINK sections as one readlink each.
    function linkRun(paths: string[], multi: boolean): {out: Buffer; calls: number} {
      const script = collectorScript().replace(/\nmain "\$@" <\/dev\/null\n$/, '\n')
      const count = join(dir, `readlinks-${multi}`)
      rmSync(count, {force: true})
      // Without multi, readlink takes one operand, as BusyBox's does.
      const body = `${script}\nB=${B}; HAVE_READLINK=1; HAVE_DEVFD=; QN=0 QL=0 LQN=0; NL='\n'; set -f
readlink() { printf x >>"${count}"; ${multi ? '' : '[ "$#" -gt 3 ] && return 1; '}command readlink "$@"; }
exec 3>&1; printf 'conntune-collector 1 %s\\n' "$B"
for p in "$@"; do read_file FILE 200 "$p"; done
flush_links; hdr END`
      const r = spawnSync('sh', ['-c', body, 'sh', ...paths])
      let calls = 0
      try {
        calls = readFileSync(count).length
      } catch {}
      return {out: r.stdout, calls}
    }

    it('resolves many links in one readlink, and each alone when that cannot be trusted', () => {
      const target = join(dir, 'l-target.conf')
      writeFileSync(target, 'x 1;\n')
      const links = Array.from({length: 70}, (_, i) => join(dir, `l${String(i).padStart(2, '0')}.conf`))
      for (const l of links) spawnSync('ln', ['-sf', target, l])
      const sectionsOf = (b: Buffer) => b.toString('latin1').split(`\n${B} `).sort()
      const one = linkRun(links, false)
      const many = linkRun(links, true)
      expect(sectionsOf(many.out)).toEqual(sectionsOf(one.out))
      // 70 links: 64 and 6 in two calls; one operand only: two failed tries, then 70 singles
      expect(many.calls).toBe(2)
      expect(one.calls).toBe(72)
      const files = parseCollectorOutput(many.out, opts).snapshot.files
      for (const l of links) expect(files[l]).toEqual({text: 'x 1;\n', link: target})
      // A target with a newline in its name: that group is resolved a link at a time.
      const odd = join(dir, 'odd\ndir')
      mkdirSync(odd, {recursive: true})
      writeFileSync(join(odd, 't.conf'), 'y 2;\n')
      spawnSync('ln', ['-sf', join(odd, 't.conf'), join(dir, 'l-odd.conf')])
      const mixed = [links[0]!, join(dir, 'l-odd.conf'), links[1]!]
      const m1 = linkRun(mixed, false)
      const m2 = linkRun(mixed, true)
      expect(sectionsOf(m2.out)).toEqual(sectionsOf(m1.out))
      expect(parseCollectorOutput(m2.out, opts).snapshot.files[join(dir, 'l-odd.conf')]).toEqual({text: 'y 2;\n', link: join(odd, 't.conf')})
      expect(m2.calls).toBe(4)
    })

    it('reads many files in one head each batch, byte for byte what one head per file reads', () => {
      // a section header of another run, and the separator head prints between files without -q
      const fake = `x\n--conntune-00000000-1111-2222-3333-444455556666 FILE ok 5 /etc/passwd\nroot\n\n==> /etc/x <==\n`
      const paths: string[] = []
      for (let i = 0; i < 9; i++) {
        const p = join(dir, `b${i}.conf`)
        writeFileSync(p, i === 3 ? fake : i === 5 ? 'y'.repeat(400) : i === 6 ? '' : `n ${i};\n`)
        paths.push(p)
      }
      spawnSync('ln', ['-sf', paths[0], join(dir, 'b-link.conf')])
      paths.push(join(dir, 'b-link.conf'), join(dir, 'b-none.conf'), join(dir, 'b9.conf'))
      writeFileSync(join(dir, 'b9.conf'), 'z'.repeat(30))
      // limit 8 is shorter than a header: that file is read alone
      const limits = paths.map((_, i) => (i === 11 ? 8 : 200))
      const one = batchRun(paths, limits, false)
      const many = batchRun(paths, limits, true)
      // The same sections, byte for byte (a failed check is printed at once, a read when its batch is)
      const sectionsOf = (b: Buffer) => b.toString('latin1').split(`\n${B} `).sort()
      expect(sectionsOf(many.out)).toEqual(sectionsOf(one.out))
      expect(parseCollectorOutput(many.out, opts).snapshot.files).toEqual(parseCollectorOutput(one.out, opts).snapshot.files)
      expect(one.heads).toBe(11)
      // 7 files at limit 200, then 3 more, then the one at limit 8 alone
      expect(many.heads).toBe(3)
      const files = parseCollectorOutput(many.out, opts).snapshot.files
      expect(files[paths[3]]).toEqual({text: fake})
      expect(files[paths[5]]).toEqual({text: 'y'.repeat(200), truncated: true})
      expect(files[paths[6]]).toEqual({text: ''})
      expect(files[paths[9]]).toEqual({text: 'n 0;\n', link: paths[0]})
      expect(files[paths[10]]).toEqual({error: 'ENOENT'})
      expect(files[paths[11]]).toEqual({text: 'z'.repeat(8), truncated: true})
    })

    it('a file gone between its check and the batch read: the batch is read again file by file', () => {
      const a = join(dir, 'g1.conf')
      const b = join(dir, 'g2.conf')
      writeFileSync(a, 'a;\n')
      writeFileSync(b, 'b;\n')
      const r = batchRun([a, b], [100, 100], true, `rm -f "${a}"`)
      const files = parseCollectorOutput(r.out, opts).snapshot.files
      expect(files[a]).toEqual({error: 'EIO'})
      expect(files[b]).toEqual({text: 'b;\n'})
      expect(r.heads).toBe(3)
    })
  })
})

describe('parseCollectorOutput', () => {
  it('reads a whole output', () => {
    const out = output(
      `${hdr('META timeout 10')}${hdr('KERNEL ok osrelease')}6.1.0-18-amd64${hdr('KERNEL ok hostname')}web1` +
        `${hdr('DIR ok /etc/sysctl.d')}b.conf\na.conf\n${hdr('FILE ok 4194304 /etc/sysctl.d/a.conf')}net.ipv4.tcp_tw_reuse = 1\n` +
        `${hdr('CMD 67108864 nginx -V')}${hdr('CMDERR nginx -V')}nginx version: nginx/1.22.1\n${hdr('CMDRC nginx -V')}0` +
        `${hdr('CMDSKIP nginx -T')}/var/lib/nginx/body${hdr('CMD 67108864 lighttpd -v')}${hdr('CMDERR lighttpd -v')}${hdr('CMDRC lighttpd -v')}124` +
        fullRuntime(),
    )
    const p = parseCollectorOutput(out, opts)
    expect(p.errors).toEqual([])
    expect(p.complete).toBe(true)
    expect(p.snapshot.host).toEqual({name: 'web1'})
    expect(p.snapshot.kernel).toEqual({release: '6.1.0-18-amd64'})
    expect(p.snapshot.dirs['/etc/sysctl.d']).toEqual({entries: ['a.conf', 'b.conf']})
    expect(p.snapshot.files['/etc/sysctl.d/a.conf']).toEqual({text: 'net.ipv4.tcp_tw_reuse = 1\n'})
    expect(p.snapshot.commands).toEqual({
      'nginx -V': {exitCode: 0, stdout: '', stderr: 'nginx version: nginx/1.22.1\n'},
      'nginx -T': {error: 'not run: it would create /var/lib/nginx/body (nginx has not run on this host); the files are read instead'},
      'lighttpd -v': {error: 'timed out after 10s'},
    })
  })

  it("keeps the logs nginx's parsed config names: extra paths the grep found are dropped, missed ones say so", () => {
    const conf = 'error_log /var/log/nginx/e.log;\nevents {}\nhttp { access_log "/srv/a b.log"; }\n'
    const line = '2026/12/02 10:00:00 [error] 7#7: *1 upstream timed out (110: Connection timed out) while reading response header from upstream, upstream: "http://10.0.0.2:80/"'
    const p = parseCollectorOutput(
      output(
        `${hdr('META utcoffset +0100')}${hdr(`FILE ok 4194304 /etc/nginx/nginx.conf`)}${conf}` +
          `${hdr('LOG ok error 900 1 1 /var/log/nginx/e.log')}${line}\n${hdr('LOG ENOENT access 0 0 0 /srv/a')}${hdr('LOG EACCES access 0 0 0 /var/log/other.log')}` +
          fullRuntime(),
      ),
      opts,
    )
    expect(p.errors).toEqual([])
    expect(p.snapshot.logs).toEqual({
      utcOffset: '+0100',
      files: {
        '/var/log/nginx/e.log': {kind: 'error', lines: [line], matched: 1, bytes: 900, truncated: true},
        '/srv/a b.log': {kind: 'access', error: 'not in the collector output (the collector finds log paths by a word split of the config lines, which missed this one)'},
      },
    })
    expect(Object.keys(p.logsRead).sort()).toEqual(['access /srv/a', 'access /var/log/other.log', 'error /var/log/nginx/e.log'])
  })

  it('a garbled LOG header is reported and skipped', () => {
    const p = parseCollectorOutput(output(`${hdr('LOG ok error x 1 0 /e.log')}a${hdr('LOG ok weird 1 1 0 /e.log')}b${hdr('LOG ok error 1 1 0 relative.log')}c${fullRuntime()}`), opts)
    expect(p.errors).toEqual(['garbled LOG section "ok error x 1 0 /e.log"', 'garbled LOG section "ok weird 1 1 0 /e.log"', 'garbled LOG section "ok error 1 1 0 relative.log"'])
    expect(p.logsRead).toEqual({})
  })

  it('refuses output that is not collector output', () => {
    expect(() => parseCollectorOutput('{"format": "conntune-snapshot"}', opts)).toThrow(CollectorOutputError)
    expect(() => parseCollectorOutput(Buffer.from([0, 1, 2, 255, 254]), opts)).toThrow(/no "conntune-collector" header line/)
    expect(() => parseCollectorOutput(`conntune-collector 9 ${B}\n`, opts)).toThrow(/format 9 is newer/)
  })

  it('skips what a login shell printed before the header', () => {
    const p = parseCollectorOutput(Buffer.concat([Buffer.from('Welcome!\n\x00\xff junk\n'), output(fullRuntime())]), opts)
    expect(p.errors).toEqual([])
    expect(p.snapshot.sysctl['net.ipv4.tcp_fin_timeout']).toEqual({value: '1'})
  })

  it('output cut short: keeps what was read, marks the partial body and everything missing', () => {
    const whole = output(`${hdr('KERNEL ok osrelease')}6.1.0${hdr('SYSCTL ok net.ipv4.tcp_fin_timeout')}60${hdr('PROC ok 100 net/sockstat')}sockets: used 5\nTCP: inuse 1`, false)
    const p = parseCollectorOutput(whole, opts)
    expect(p.complete).toBe(false)
    expect(p.errors).toEqual(['the output was cut short (no END section)'])
    expect(p.snapshot.kernel).toEqual({release: '6.1.0'})
    expect(p.snapshot.sysctl['net.ipv4.tcp_fin_timeout']).toEqual({value: '60'})
    expect(p.snapshot.proc['net/sockstat']).toEqual({error: 'collector output ended inside it'})
    expect(p.snapshot.sysctl['net.ipv4.tcp_tw_reuse'].error).toMatch(/cut short or garbled/)
    expect(p.snapshot.proc['net/tcp'].error).toMatch(/cut short/)
    expect(buildHostModel(p.snapshot, {source: 'ssh'}).problems.length).toBeGreaterThan(0)
  })

  it('output cut inside a header line', () => {
    const p = parseCollectorOutput(Buffer.concat([output(`${hdr('KERNEL ok osrelease')}6.1.0`, false), Buffer.from(`\n${B} SYSC`)]), opts)
    expect(p.errors).toEqual(['the output ends inside a section header'])
    expect(p.snapshot.kernel).toEqual({release: '6.1.0'})
    expect(p.snapshot.sysctl['net.ipv4.tcp_fin_timeout'].error).toMatch(/cut short/)
  })

  it('a missing section is an error on that item, not a silent default', () => {
    const p = parseCollectorOutput(output(`${hdr('KERNEL ok osrelease')}6.1.0`), {...opts, fallbackName: 'web9'})
    expect(p.complete).toBe(true)
    expect(p.snapshot.host.name).toBe('web9')
    for (const k of SYSCTL_KEYS) expect(p.snapshot.sysctl[k]).toEqual({error: 'not in the collector output'})
    const problems = buildHostModel(p.snapshot, {source: 'ssh'}).problems.map((x) => x.file)
    expect(problems).toContain('/proc/sys/net/ipv4/tcp_tw_reuse')
    expect(problems).toContain('/proc/net/tcp')
  })

  it('binary junk in the middle: a garbled header stops the reading there', () => {
    const junk = Buffer.from([0x0a, ...Buffer.from(B), 0x20, 0x00, 0xfe, 0x41, 0x0a, 0x01])
    const p = parseCollectorOutput(Buffer.concat([output(`${hdr('KERNEL ok osrelease')}6.1.0`, false), junk, Buffer.from(hdr('SYSCTL ok net.ipv4.tcp_fin_timeout') + '5' + hdr('END'))]), opts)
    expect(p.complete).toBe(false)
    expect(p.errors[0]).toMatch(/^garbled section header/)
    expect(p.snapshot.sysctl['net.ipv4.tcp_fin_timeout'].error).toMatch(/cut short or garbled/)
    expect(p.snapshot.kernel.release).toBe('6.1.0')
  })

  it('binary bodies: a file with NUL is refused, a sysctl with NUL is an error', () => {
    const body = Buffer.concat([Buffer.from(hdr('FILE ok 100 /etc/nginx/x.conf')), Buffer.from([0x61, 0x00, 0x62]), Buffer.from(hdr('SYSCTL ok net.core.somaxconn')), Buffer.from([0x00]), Buffer.from(fullRuntime().replace(`${hdr('SYSCTL ok net.core.somaxconn')}1`, ''))])
    const p = parseCollectorOutput(output(body.toString('latin1')).toString('latin1') === '' ? Buffer.alloc(0) : Buffer.concat([Buffer.from(`conntune-collector 1 ${B}\n`), body, Buffer.from(hdr('END'))]), opts)
    expect(p.snapshot.files['/etc/nginx/x.conf']).toEqual({error: 'binary'})
    expect(p.snapshot.sysctl['net.core.somaxconn']).toEqual({error: 'binary'})
    expect(p.complete).toBe(true)
  })

  it('a malformed FILE header is reported and skipped', () => {
    const p = parseCollectorOutput(output(`${hdr('FILE ok notanumber /etc/x')}abc${hdr('FILE ok 10 relative/path')}abc${fullRuntime()}`), opts)
    expect(p.errors).toEqual(['garbled FILE section "ok notanumber /etc/x"', 'garbled FILE section "ok 10 relative/path"'])
    expect(p.snapshot.files).toEqual({})
  })

  it('command output over the bound is an error like the local source records', () => {
    const p = parseCollectorOutput(output(`${hdr('CMD 3 nginx -T')}abcdef${hdr('CMDERR nginx -T')}${hdr('CMDRC nginx -T')}141${fullRuntime()}`), opts)
    expect(p.snapshot.commands!['nginx -T']).toEqual({error: 'output larger than 3 bytes'})
  })

  it('detects collector output (for audit --snapshot FILE)', () => {
    expect(looksLikeCollectorOutput(output(''))).toBe(true)
    expect(looksLikeCollectorOutput(Buffer.concat([Buffer.from('motd\n'), output('')]))).toBe(true)
    expect(looksLikeCollectorOutput('{"format":"conntune-snapshot"}')).toBe(false)
  })

  it('parses into a snapshot the schema accepts, even when cut short', async () => {
    const p = parseCollectorOutput(output(`${hdr('DIR EACCES /etc/sysctl.d')}${hdr('FILE ENOENT 4194304 /etc/sysctl.conf')}${hdr('PROC ok 100 net/tcp')}abc`, false), {...opts, source: 'script'})
    expect(await validateSnapshot(p.snapshot)).toBeNull()
    expect(p.snapshot.dirs['/etc/sysctl.d']).toEqual({error: 'EACCES'})
    expect(p.snapshot.collector.source).toBe('script')
  })
})

describe('a directory listing past the bound', () => {
  it('keeps the first LIMITS.dirEntries names, sorted, and counts the rest', () => {
    const names = Array.from({length: LIMITS.dirEntries + 5}, (_, i) => `s${String(i).padStart(5, '0')}.conf`).reverse()
    const p = parseCollectorOutput(output(`${hdr('KERNEL ok osrelease')}6.1.0${hdr('DIR ok /etc/nginx/conf.d')}${names.join('\n')}\n${fullRuntime()}`), opts)
    const d = p.snapshot.dirs['/etc/nginx/conf.d']
    expect([d.entries?.length, d.entries?.[0], d.more]).toEqual([LIMITS.dirEntries, 's00000.conf', 5])
  })
})
