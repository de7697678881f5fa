// Collector output that went through a terminal (ansible -m script runs on a pty): every "\n"
// became "\r\n". The parser undoes it exactly, so byte-framed bodies (with their own "\r\n",
// bare "\r" and LIMIT checks) come back as sent.
import {spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {collectorScript} from '../../../src/sources/collector-script.js'
import {CollectorOutputError, looksLikeCollectorOutput, parseCollectorOutput, undoTerminalNewlines} from '../../../src/sources/collector-output.js'

const opts = {source: 'script' as const, toolVersion: 'test', collectedAt: '2026-01-01T00:00:00Z'}
const B = '--conntune-0f0e0d0c-1111-2222-3333-444455556666'
const onlcr = (b: Buffer) => Buffer.from(b.toString('latin1').replaceAll('\n', '\r\n'), 'latin1')

describe('terminal-translated output', () => {
  // Bodies that hold every awkward case: CRLF of their own, a bare CR, a CR at the end, a body
  // exactly at its LIMIT (a wrong undo would make it look cut), an empty one.
  const body = 'server {\r\n  listen 80;\n}\rx\r'
  const section = (header: string, b: string) => `\n${B} ${header}\n${b}`
  const text =
    `conntune-collector 1 ${B}\n` +
    section('KERNEL ok hostname', 'web1') +
    section(`FILE ok ${Buffer.byteLength(body)} /etc/nginx/nginx.conf`, body) +
    section('FILE ok 6 /etc/sysctl.conf', 'a\nb\nc\n') +
    section('FILE ok 10 /etc/empty.conf', '') +
    `\n${B} END\n`
  const plain = Buffer.from(text, 'latin1')

  it('parses to the same snapshot as the untranslated output', () => {
    const a = parseCollectorOutput(plain, opts)
    const b = parseCollectorOutput(onlcr(plain), opts)
    expect(b.snapshot).toEqual(a.snapshot)
    expect(a.complete).toBe(true)
    expect(b.errors).toEqual(a.errors)
    expect(b.snapshot.files['/etc/nginx/nginx.conf']).toEqual({text: body})
    expect(b.snapshot.files['/etc/sysctl.conf']).toEqual({text: 'a\nb\nc\n'})
    expect(b.hostname).toBe('web1')
  })

  it('is recognised as collector output', () => {
    expect(looksLikeCollectorOutput(onlcr(plain))).toBe(true)
  })

  it('undo is the exact inverse of onlcr, also for output cut right after a translated "\\r"', () => {
    expect(undoTerminalNewlines(onlcr(plain)).data.equals(plain)).toBe(true)
    const cut = onlcr(plain).subarray(0, onlcr(plain).length - 1)
    expect(undoTerminalNewlines(cut).data.equals(plain.subarray(0, plain.length - 1))).toBe(true)
    expect(undoTerminalNewlines(plain)).toEqual({data: plain, translated: false})
  })

  it('a bare "\\n" after a translated header is not one translation: refused, not misread', () => {
    const mixed = Buffer.concat([onlcr(Buffer.from(text.slice(0, 120), 'latin1')), Buffer.from(text.slice(120), 'latin1')])
    expect(() => parseCollectorOutput(mixed, opts)).toThrow(CollectorOutputError)
    expect(() => parseCollectorOutput(mixed, opts)).toThrow(/bare "\\n"/)
  })
})

describe('the real collector through a pty (script -qc)', () => {
  // util-linux's script (Debian bsdutils, Essential) gives the command a pty, as Ansible does.
  it('gives the files and kernel values a plain run gives', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ct-crlf-'))
    try {
      const file = join(dir, 'collect.sh')
      writeFileSync(file, collectorScript())
      const plain = spawnSync('sh', [file], {maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe']})
      const tty = spawnSync('script', ['-qec', `sh ${file}`, '/dev/null'], {maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'], env: {...process.env, SHELL: '/bin/sh'}})
      expect(tty.status).toBe(0)
      expect(tty.stdout.includes('\r\n')).toBe(true)
      const a = parseCollectorOutput(plain.stdout, opts)
      const b = parseCollectorOutput(tty.stdout, opts)
      expect(b.errors).toEqual([])
      expect(b.complete).toBe(true)
      expect(b.snapshot.files).toEqual(a.snapshot.files)
      expect(b.snapshot.kernel).toEqual(a.snapshot.kernel)
      expect(b.snapshot.sysctl).toEqual(a.snapshot.sysctl)
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  }, 60_000)
})
