// V8 keeps a string one byte per character or two, and what is built from a two-byte string is
// two-byte whatever it holds. ASCII paths reached through an include glob, and directive names
// once looked up by name, came out two-byte, and with them every origin and finding naming them:
// twice the memory of a large config's model and a slower report. v8.serialize shows the
// representation (0x22: one byte per character, 0x63: two).
import {serialize} from 'node:v8'
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {collectFiles} from '../../../src/sources/files.js'
import {buildHostModel} from '../../../src/model/build.js'
import {oneByte} from '../../../src/text/one-byte.js'

const bytesPerChar = (s: string) => (serialize(s)[2] === 0x22 ? 1 : 2)

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ct-one-byte-'))
  mkdirSync(join(dir, 'sites-enabled'))
  writeFileSync(join(dir, 'nginx.conf'), 'events {}\nhttp {\n  keepalive_timeout 65s;\n  include sites-enabled/*.conf;\n}\n')
  for (const site of ['a', 'b']) {
    writeFileSync(join(dir, 'sites-enabled', `${site}.conf`), `upstream ${site} { server 10.0.0.1:8000; keepalive 8; }\nserver {\n  listen 80;\n  location / { proxy_pass http://${site}; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_read_timeout 30s; }\n}\n`)
  }
})
afterAll(() => rmSync(dir, {recursive: true, force: true}))

describe('one byte per character', () => {
  it('oneByte keeps the characters, and only makes Latin-1 text one-byte', () => {
    const two = 'abc…'.slice(0, 3)
    expect(bytesPerChar(two)).toBe(2)
    expect(oneByte(two)).toBe('abc')
    expect(bytesPerChar(oneByte(two))).toBe(1)
    expect(oneByte('café')).toBe('café')
    expect(oneByte('日本/…')).toBe('日本/…')
  })

  it('files reached through an include glob, their directives and the origins naming them', () => {
    const checked = collectFiles([join(dir, 'nginx.conf')], {kind: 'nginx', toolVersion: 'test'})
    for (const path of Object.keys(checked.snapshot.files)) expect([path, bytesPerChar(path)]).toEqual([path, 1])
    const model = buildHostModel(checked.snapshot, {source: 'files', entries: checked.entries, nginxVersion: '1.24.0'})
    const nginx = model.nginx!
    expect(nginx.locations).toHaveLength(2)
    for (const l of nginx.locations) {
      for (const s of [l.file, l.proxyHttpVersion.origin, l.proxyReadTimeout.origin]) expect([s, bytesPerChar(s)]).toEqual([s, 1])
      expect(l.proxyHttpVersion.origin).toMatch(/^set in location at .*sites-enabled\/[ab]\.conf:4$/)
    }
  })
})
