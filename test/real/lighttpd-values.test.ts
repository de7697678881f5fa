// lighttpd-invalid-value against the installed lighttpd: each quoted value is refused by
// `lighttpd -tt` exactly when conntune says lighttpd refuses it.
import {spawnSync} from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {lighttpdIntegerString} from '../../src/model/servers/lighttpd.js'
import {describeReal, missingProgram} from './require-real.js'

const VALUES = ['abc', '10x', '10', ' 10', '-5', '', '0x10', '70000', '65535', '+5', '10 ', '1m', '007']

describeReal('lighttpd integer strings against the real lighttpd -tt', [missingProgram('lighttpd', ['-v'])], () => {
  it.each(VALUES)('server.max-keep-alive-idle = "%s"', (v) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conntune-lvalues-'))
    try {
      const file = path.join(dir, 'lighttpd.conf')
      fs.writeFileSync(file, `server.document-root = "${dir}"\nserver.port = 21182\nserver.max-keep-alive-idle = "${v}"\n`)
      const real = spawnSync('lighttpd', ['-tt', '-f', file], {encoding: 'utf8', timeout: 10_000})
      expect({v, refused: real.status !== 0}).toEqual({v, refused: lighttpdIntegerString(v, 65535) === null})
    } finally {
      fs.rmSync(dir, {recursive: true, force: true})
    }
  })
})
