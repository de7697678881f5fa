// The settings in force per block, after =, := and += in reading order: the parsed tree replayed
// through the same block logic the parser used, so `lighttpd -p` and this agree.
import {ScopeEngine, type Scope} from './scopes.js'
import type {LighttpdConfig, LighttpdEffective, LighttpdSetting, LighttpdStatement} from './types.js'
import {asciiLower, cloneValue} from './values.js'

export function effectiveLighttpd(config: LighttpdConfig): LighttpdEffective {
  // Built-ins (var.CWD, var.PID) only matter for lookups, which the parser already did.
  const engine = new ScopeEngine(null)
  replay(engine, config.statements)
  return {
    global: settingsOf(engine.global),
    conditions: engine.scopes.slice(1).map((s) => ({path: s.path, settings: settingsOf(s), file: s.where.file, line: s.where.line})),
    shellIncludes: engine.shells.map((sh) => ({command: sh.command, file: sh.where.file, line: sh.where.line, path: sh.scope.path})),
  }
}

function replay(engine: ScopeEngine, statements: LighttpdStatement[]): void {
  for (const st of statements) {
    switch (st.kind) {
      case 'assign':
        engine.assign(st.op, st.key, st.value, st)
        break
      case 'include':
        break
      case 'include_shell':
        engine.noteShell(st.path, st)
        break
      case 'global':
        engine.openGlobal()
        replay(engine, st.body)
        engine.close()
        break
      case 'condition': {
        let prev: Scope | undefined
        for (let c: typeof st | undefined = st; c; c = c.else) {
          const opened = c.op === 'else'
            ? engine.openElse(c)
            : engine.openCondition(splitField(c.field), c.op, c.pattern, prev !== undefined, c)
          replay(engine, c.body)
          engine.close()
          if (prev) engine.chain(prev, opened.scope)
          prev = opened.scope
        }
        break
      }
    }
  }
}

/** `$HTTP["host"]` → HTTP, host. */
function splitField(field: string): {obj: string; tag: string; text: string} {
  const m = /^\$([^[]*)\["(.*)"\]$/s.exec(field)
  return {obj: m?.[1] ?? '', tag: m?.[2] ?? '', text: field}
}

function settingsOf(scope: Scope): Record<string, LighttpdSetting> {
  const out: Record<string, LighttpdSetting> = {}
  for (const [k, e] of scope.values) {
    if (e.builtin) continue
    out[asciiLower(k)] = {value: cloneValue(e.value), file: e.file, line: e.line}
  }
  return out
}
