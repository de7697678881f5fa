// The snapshot schema bounds what a crafted snapshot may hold by the very caps both sources
// (local/--root and the collector) read with, so a real snapshot always validates and a
// crafted one can hand analysis no more than a real host could.
import {readFileSync} from 'node:fs'
import {SNAPSHOT_SCHEMA} from '../../../src/paths.js'
import {CAPTURE_LIMITS} from '../../../src/snapshot/config-locations.js'
import {LIMITS} from '../../../src/snapshot/kernel-keys.js'

const schema = JSON.parse(readFileSync(SNAPSHOT_SCHEMA, 'utf8'))

describe('snapshot schema limits', () => {
  it('equal the capture limits', () => {
    expect(schema.definitions.file.properties.text.maxLength).toBe(LIMITS.configBytes)
    expect(schema.definitions.procFile.properties.text.maxLength).toBe(LIMITS.procBytes)
    expect(schema.properties.proc.additionalProperties.$ref).toBe('#/definitions/procFile')
    expect(schema.properties.dirs.additionalProperties.properties.entries.maxItems).toBe(LIMITS.dirEntries)
    const cmd = schema.properties.commands.additionalProperties.properties
    expect([cmd.stdout.maxLength, cmd.stderr.maxLength]).toEqual([CAPTURE_LIMITS.commandBytes, CAPTURE_LIMITS.commandBytes])
    expect(CAPTURE_LIMITS.unitBytes).toBeLessThanOrEqual(LIMITS.configBytes)
  })
})
