// `conntune audti` → "did you mean audit?". oclif calls this only when no command matches,
// so it costs nothing on a normal run (unlike @oclif/plugin-not-found, loaded at every start).
import type {Hook} from '@oclif/core'
import {argvWantsJson, invocationError} from '../cli/invocation-error.js'
import {nearest} from '../text/nearest.js'

const hook: Hook<'command_not_found'> = async function (opts) {
  const shown = (id: string) => id.replaceAll(':', ' ')
  const ids = opts.config.commandIDs.filter((id) => !opts.config.findCommand(id)?.hidden)
  const near = nearest(opts.id, ids)
  const hint = near ? `; did you mean ${shown(near)}?` : ''
  invocationError(`command "${shown(opts.id)}" not found${hint} (conntune --help lists the commands)`, argvWantsJson(opts.argv ?? []))
}

export default hook
