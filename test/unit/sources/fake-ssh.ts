// A fake `ssh` for unit tests: a shell script that answers `ssh -G` like a strict ssh (host-key
// checking on), then runs BODY as the session. Real ssh is in test/real/ssh-fleet.test.ts.
import {chmodSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

export function fakeSsh(dir: string, name: string, body: string): string {
  const p = join(dir, name)
  const answerG = 'for a; do [ "$a" = -G ] && { echo "stricthostkeychecking yes"; echo "userknownhostsfile /root/.ssh/known_hosts"; exit 0; }; done'
  writeFileSync(p, `#!/bin/sh\n${answerG}\n${body}\n`)
  chmodSync(p, 0o755)
  return p
}
