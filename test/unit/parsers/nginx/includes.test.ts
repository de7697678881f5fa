import {inlineIncludes, parseNginx} from '../../../../src/parsers/nginx/index.js'
import {MemoryFileReader} from '../../../../src/parsers/memory-reader.js'
import type {FileReader} from '../../../../src/parsers/types.js'
import {shape} from './helpers.js'

const ENTRY = '/etc/nginx/nginx.conf'
const parse = (files: Record<string, string>, opts = {}) => parseNginx(ENTRY, new MemoryFileReader(files), opts)
const fileNames = (r: ReturnType<typeof parse>) => r.value.files.map((f) => f.file)
const errs = (r: ReturnType<typeof parse>) => r.errors.map((e) => `${e.file}:${e.line} ${e.kind} ${e.message}`)

describe('resolving include paths', () => {
  it('joins relative paths to the main file\'s directory, not the including file\'s (real)', () => {
    const r = parse({
      [ENTRY]: 'http { include sites/a.conf; }',
      '/etc/nginx/sites/a.conf': 'include snippets/s.conf;',
      '/etc/nginx/snippets/s.conf': 'gzip on;',
      '/etc/nginx/sites/snippets/s.conf': 'wrong 1;',
    })
    expect(r.errors).toEqual([])
    expect(fileNames(r)).toEqual([ENTRY, '/etc/nginx/sites/a.conf', '/etc/nginx/snippets/s.conf'])
  })

  it('takes absolute paths as they are and honours opts.prefix', () => {
    const files = {[ENTRY]: 'include /opt/a.conf; include b.conf;', '/opt/a.conf': 'a;', '/srv/conf/b.conf': 'b;'}
    const r = parse(files, {prefix: '/srv/conf'})
    expect(r.errors).toEqual([])
    expect(fileNames(r)).toEqual([ENTRY, '/opt/a.conf', '/srv/conf/b.conf'])
  })

  it('falls back to the normalized path when the reader keys files that way', () => {
    const r = parse({[ENTRY]: 'include ../common/x.conf;', '/etc/common/x.conf': 'x;'})
    expect(r.errors).toEqual([])
    expect(fileNames(r)[1]).toBe('/etc/nginx/../common/x.conf')
  })
})

describe('globs', () => {
  it('expands sorted by bytes, whatever order the reader returns', () => {
    const reader: FileReader = {
      read: (p) => ({text: `f ${p};`}),
      glob: () => ['/etc/nginx/c/b.conf', '/etc/nginx/c/B.conf', '/etc/nginx/c/a.conf'],
    }
    const r = parseNginx(ENTRY, {...reader, read: (p) => (p === ENTRY ? {text: 'include c/*.conf;'} : reader.read(p))})
    expect(fileNames(r).slice(1)).toEqual(['/etc/nginx/c/B.conf', '/etc/nginx/c/a.conf', '/etc/nginx/c/b.conf'])
    expect(r.value.files[0].parsed[0].includes).toEqual([1, 2, 3])
  })

  it('accepts a glob that matches nothing', () => {
    const r = parse({[ENTRY]: 'include /etc/nginx/modules-enabled/*.conf; include conf.d/*.conf;'})
    expect(r.errors).toEqual([])
    expect(r.value.files[0].parsed.map((d) => d.includes)).toEqual([[], []])
  })

  it('skips dotfiles and other suffixes, as glob(3) does', () => {
    const r = parse({
      [ENTRY]: 'include conf.d/*.conf;',
      '/etc/nginx/conf.d/a.conf': 'a;',
      '/etc/nginx/conf.d/.hidden.conf': 'broken {',
      '/etc/nginx/conf.d/README': 'text',
    })
    expect(r.errors).toEqual([])
    expect(fileNames(r)).toEqual([ENTRY, '/etc/nginx/conf.d/a.conf'])
  })

  it('decides glob-or-not on the full path, prefix included (strpbrk)', () => {
    const r = parseNginx('/etc/ngin[x]/nginx.conf', new MemoryFileReader({'/etc/ngin[x]/nginx.conf': 'include missing.conf;'}))
    expect(r.errors).toEqual([])
  })
})

describe('include errors', () => {
  it('reports a missing plain file at the line of the ";" like nginx (real)', () => {
    const r = parse({[ENTRY]: 'http {\n  include\n    missing.conf;\n}'})
    expect(errs(r)).toEqual([
      `${ENTRY}:3 include open() "/etc/nginx/missing.conf" failed (2: No such file or directory)`,
    ])
    expect(r.value.files[0]).toMatchObject({status: 'failed'})
    expect(r.value.files[0].parsed[0].block?.[0].includes).toEqual([])
  })

  it('keeps the message on one line when the path holds a newline', () => {
    const r = parse({[ENTRY]: 'include "a\nb.conf";'})
    expect(errs(r)).toEqual([`${ENTRY}:2 include open() "/etc/nginx/a\\nb.conf" failed (2: No such file or directory)`])
  })

  it('reports unreadable files with their errno, at the include', () => {
    const reader: FileReader = {
      read: (p) => (p === ENTRY ? {text: 'include secret.conf;'} : {error: 'Permission denied', code: 'EACCES'}),
      glob: () => [],
    }
    expect(errs(parseNginx(ENTRY, reader))).toEqual([
      `${ENTRY}:1 io open() "/etc/nginx/secret.conf" failed (13: Permission denied)`,
    ])
  })

  it('reports a missing entry file on the entry', () => {
    const r = parse({})
    expect(r.value.files).toEqual([{file: ENTRY, status: 'failed', errors: [expect.anything()], parsed: [], comments: []}])
    expect(errs(r)).toEqual([`${ENTRY}:1 io open() "${ENTRY}" failed (2: No such file or directory)`])
  })

  it('marks a binary included file as failed on that file', () => {
    const r = parse({[ENTRY]: 'include b.conf;', '/etc/nginx/b.conf': 'x\0y'})
    expect(r.value.files[1]).toMatchObject({status: 'failed', parsed: []})
    expect(errs(r)).toEqual(['/etc/nginx/b.conf:1 io binary file'])
  })

  it('checks include\'s own syntax: one argument, ended by ";"', () => {
    const r = parse({[ENTRY]: 'include;\ninclude a b;\ninclude c {\n}'})
    expect(errs(r)).toEqual([
      `${ENTRY}:1 include invalid number of arguments in "include" directive`,
      `${ENTRY}:2 include invalid number of arguments in "include" directive`,
      `${ENTRY}:3 include directive "include" is not terminated by ";"`,
    ])
  })

  it('does not look inside Lua bodies for includes', () => {
    const r = parse({[ENTRY]: 'content_by_lua_block { include("x") }'})
    expect(r.errors).toEqual([])
    expect(r.value.files).toHaveLength(1)
  })

  it('lists errors in the order nginx meets them: an included file\'s before later lines', () => {
    const r = parse({
      [ENTRY]: 'a "x"y;\ninclude b.conf;\n}\n',
      '/etc/nginx/b.conf': ';',
    })
    expect(errs(r)).toEqual([
      `${ENTRY}:1 syntax unexpected "y"`,
      '/etc/nginx/b.conf:1 syntax unexpected ";"',
      `${ENTRY}:3 syntax unexpected "}"`,
    ])
  })
})

describe('files listed once, crossplane order', () => {
  it('lists each file once, breadth-first, and points every include at it', () => {
    const r = parse({
      [ENTRY]: 'include a.conf; include b.conf; include a.conf;',
      '/etc/nginx/a.conf': 'include c.conf;',
      '/etc/nginx/b.conf': 'b;',
      '/etc/nginx/c.conf': 'c;',
    })
    expect(fileNames(r)).toEqual([ENTRY, '/etc/nginx/a.conf', '/etc/nginx/b.conf', '/etc/nginx/c.conf'])
    expect(r.value.files[0].parsed.map((d) => d.includes)).toEqual([[1], [2], [1]])
    expect(shape(inlineIncludes(r.value))).toEqual([['c'], ['b'], ['c']])
  })
})

describe('cycles and depth', () => {
  it('reports a cycle instead of recursing (nginx itself crashes: real)', () => {
    const r = parse({
      [ENTRY]: 'http {\n include a.conf;\n}',
      '/etc/nginx/a.conf': 'x 1;\ninclude b.conf;',
      '/etc/nginx/b.conf': 'include a.conf;',
    })
    expect(errs(r)).toEqual([
      '/etc/nginx/b.conf:1 include include cycle: /etc/nginx/a.conf -> /etc/nginx/b.conf -> /etc/nginx/a.conf',
    ])
    expect(r.value.files[2].status).toBe('failed')
    expect(shape(inlineIncludes(r.value))).toEqual([['http', [['x', '1']]]])
  })

  it('reports a file that includes itself, and the entry included again', () => {
    expect(errs(parse({[ENTRY]: 'include nginx.conf;'}))).toEqual([
      `${ENTRY}:1 include include cycle: ${ENTRY} -> ${ENTRY}`,
    ])
    expect(errs(parse({[ENTRY]: 'include *.conf;', '/etc/nginx/a.conf': 'a;'}))).toHaveLength(1)
  })

  it('stops following includes nested deeper than maxIncludeDepth', () => {
    const files: Record<string, string> = {[ENTRY]: 'include f1.conf;'}
    for (let i = 1; i <= 40; i++) files[`/etc/nginx/f${i}.conf`] = `level ${i};\ninclude f${i + 1}.conf;`
    const r = parse(files)
    expect(errs(r)).toEqual(['/etc/nginx/f32.conf:2 include includes nested deeper than 32 levels'])
    expect(r.value.files).toHaveLength(33)
    expect(errs(parse(files, {maxIncludeDepth: 2}))).toEqual(['/etc/nginx/f2.conf:2 include includes nested deeper than 2 levels'])
  })

  it('measures depth along the longest chain, as nginx recursion would', () => {
    // a.conf is reached at depth 1 directly and at depth 3 through b and c.
    const r = parse({
      [ENTRY]: 'include b.conf;\ninclude a.conf;',
      '/etc/nginx/b.conf': 'include c.conf;',
      '/etc/nginx/c.conf': 'include a.conf;',
      '/etc/nginx/a.conf': 'include d.conf;',
      '/etc/nginx/d.conf': 'd;',
    }, {maxIncludeDepth: 3})
    expect(errs(r)).toEqual(['/etc/nginx/a.conf:1 include includes nested deeper than 3 levels'])
  })

  it('caps the number of files', () => {
    const files: Record<string, string> = {[ENTRY]: 'include c/*.conf;'}
    for (let i = 0; i < 20; i++) files[`/etc/nginx/c/${String(i).padStart(2, '0')}.conf`] = 'x;'
    const r = parse(files, {maxFiles: 5})
    expect(r.value.files).toHaveLength(5)
    expect(errs(r)).toEqual([`${ENTRY}:1 limit more than 5 included files`])
  })

  it('reads a shared-hosting tree whole by default: a file per site, 12 000 sites', () => {
    const files: Record<string, string> = {[ENTRY]: 'events {}\nhttp { include sites-enabled/*.conf; }\n'}
    for (let i = 0; i < 12_000; i++) files[`/etc/nginx/sites-enabled/${String(i).padStart(5, '0')}.conf`] = `server { listen 80; server_name s${i}.example; }\n`
    const r = parse(files, {spans: false})
    expect(errs(r)).toEqual([])
    expect(r.value.files).toHaveLength(12_001)
  })
})
