// Finds the gunicorn process in a command line that may wrap it: a virtualenv path,
// `python -m gunicorn`, `poetry run`, `uv run`, `env A=B`, `gosu`, `tini --`, or a shell
// (`sh -c "cd /app && exec gunicorn ..."`, returned for the caller to split).
import {own} from '../../own.js'

/** What wrapping commands (env, sudo, poetry run, sh -c …) set up around gunicorn. */
export interface WrapperContext {
  /** Wrapping commands, outermost first */
  wrappers: string[]
  /** Environment set by wrappers (`env A=B`, `sudo A=B`) */
  env: Record<string, string>
  /** `env -i`: the wrapper cleared the inherited environment */
  envCleared?: boolean
  envUnset: string[]
  /** Working directory set by a wrapper (`env -C DIR`, `uv run --directory DIR`) */
  cwd?: string
  notes: string[]
}

export interface FoundGunicorn extends WrapperContext {
  kind: 'gunicorn'
  /** Index of the first gunicorn argument */
  argsStart: number
  /** How gunicorn is started, e.g. "/srv/venv/bin/gunicorn" or "python3 -m gunicorn" */
  program: string
}

export interface FoundShell extends WrapperContext {
  kind: 'shell'
  /** The -c script */
  script: string
  /** Index of the script word */
  index: number
  shell: string
}

const GUNICORN = /^gunicorn(3|-\d+(\.\d+)*)?$/
const PYTHON = /^(python|pypy)(\d+(\.\d+)?)?[a-z]?$/
const SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'mksh'])

export function basename(p: string): string {
  const i = p.lastIndexOf('/')
  return i === -1 ? p : p.slice(i + 1)
}

/** Wrappers that run their arguments as a command: how many words of options they take. */
interface WrapperSpec {
  /** Words that must follow the wrapper name itself (e.g. ['run'] for poetry) */
  sub?: string[]
  /** Options taking a separate value */
  valued?: string[]
  /** Positional words before the command (e.g. gosu's user, timeout's duration) */
  positionals?: number
  /** Option that sets the working directory */
  chdir?: string[]
}

const WRAPPERS: Record<string, WrapperSpec> = {
  exec: {valued: ['-a']},
  nohup: {},
  setsid: {},
  nice: {valued: ['-n']},
  ionice: {valued: ['-c', '-n', '-p']},
  chrt: {positionals: 1, valued: ['-T', '-P', '-D']},
  taskset: {positionals: 1},
  numactl: {valued: ['-C', '-N', '-m', '-p', '-i']},
  stdbuf: {valued: ['-i', '-o', '-e']},
  timeout: {positionals: 1, valued: ['-k', '-s', '--kill-after', '--signal']},
  prlimit: {},
  sudo: {valued: ['-u', '-g', '-C', '-D', '-h', '-p', '-r', '-t', '-T', '-U'], chdir: ['-D', '--chdir']},
  doas: {valued: ['-u', '-C']},
  runuser: {valued: ['-u', '-g', '-G']},
  gosu: {positionals: 1},
  'su-exec': {positionals: 1},
  's6-setuidgid': {positionals: 1},
  setuidgid: {positionals: 1},
  chpst: {valued: ['-u', '-U', '-e', '-/', '-n', '-l', '-L', '-m', '-d', '-o', '-p', '-f', '-c']},
  setpriv: {},
  tini: {valued: ['-s', '-e', '-p']},
  'tini-static': {valued: ['-s', '-e', '-p']},
  'dumb-init': {valued: ['-r', '--rewrite']},
  catatonit: {},
  'with-contenv': {},
  poetry: {sub: ['run'], valued: ['-C', '--directory', '-P', '--project'], chdir: ['-C', '--directory']},
  pipenv: {sub: ['run']},
  pdm: {sub: ['run'], valued: ['-p', '--project']},
  hatch: {sub: ['run'], valued: ['-e', '--env']},
  rye: {sub: ['run']},
  uv: {
    sub: ['run'],
    valued: ['--with', '--with-editable', '--with-requirements', '-p', '--python', '--env-file', '--directory', '--project',
      '--package', '--extra', '--group', '--only-group', '--no-group', '--index', '--default-index', '--index-url',
      '--extra-index-url', '-i', '--find-links', '-f', '--cache-dir', '--config-file', '--script', '--python-preference'],
    chdir: ['--directory'],
  },
  uvx: {valued: ['--with', '--from', '-p', '--python', '--index', '--index-url', '--env-file']},
  conda: {sub: ['run'], valued: ['-n', '--name', '-p', '--prefix', '--cwd'], chdir: ['--cwd']},
  mamba: {sub: ['run'], valued: ['-n', '--name', '-p', '--prefix', '--cwd'], chdir: ['--cwd']},
  micromamba: {sub: ['run'], valued: ['-n', '--name', '-p', '--prefix', '--cwd'], chdir: ['--cwd']},
  'newrelic-admin': {sub: ['run-program']},
  'ddtrace-run': {},
  'opentelemetry-instrument': {},
  doppler: {sub: ['run'], valued: ['-p', '--project', '-c', '--config', '--token']},
  infisical: {sub: ['run'], valued: ['--env', '--projectId', '--path', '--token']},
  op: {sub: ['run'], valued: ['--env-file']},
  dotenv: {valued: ['-f', '--file', '-e']},
  'aws-vault': {sub: ['exec'], positionals: 1},
  xvfb_run: {},
  unbuffer: {},
}

const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=([\s\S]*)$/

/** Finds gunicorn in a command's words (words[0] is the program). */
export function findGunicorn(words: string[]): FoundGunicorn | FoundShell | null {
  const state = {wrappers: [] as string[], env: {} as Record<string, string>, envUnset: [] as string[], envCleared: false, cwd: undefined as string | undefined, notes: [] as string[]}
  const done = (argsStart: number, program: string): FoundGunicorn => ({
    kind: 'gunicorn', argsStart, program, wrappers: state.wrappers, env: state.env, envUnset: state.envUnset,
    ...(state.envCleared ? {envCleared: true} : {}), ...(state.cwd ? {cwd: state.cwd} : {}), notes: state.notes,
  })
  let k = 0
  for (let guard = 0; k < words.length && guard < 64; guard++) {
    const w = words[k]
    const base = basename(w)
    if (GUNICORN.test(base)) return done(k + 1, w)
    if (PYTHON.test(base)) {
      const r = pythonArgs(words, k)
      if (r.kind === 'none') return null
      if (r.kind === 'gunicorn') return done(r.argsStart, `${w} ${r.how}`)
      // `python -m some.wrapper gunicorn ...` (ddtrace, newrelic): keep looking.
      state.wrappers.push(`${w} ${r.how}`)
      k = r.next
      continue
    }
    if (SHELLS.has(base) || (base === 'busybox' && SHELLS.has(words[k + 1] ?? ''))) {
      let j = base === 'busybox' ? k + 2 : k + 1
      let hasC = false
      while (j < words.length && /^[-+]/.test(words[j]) && words[j] !== '--' && words[j] !== '-') {
        // Not /^-[A-Za-z]*c[A-Za-z]*$/: V8 runs that in O(n²) on a long word of letters.
        if (/^-[A-Za-z]*$/.test(words[j]) && words[j].includes('c')) hasC = true
        if (words[j] === '-o' || words[j] === '+o' || words[j] === '-O' || words[j] === '+O') j++
        j++
      }
      if (words[j] === '--') j++
      if (!hasC || j >= words.length) return null
      return {kind: 'shell', script: words[j], index: j, shell: w, wrappers: state.wrappers, env: state.env, envUnset: state.envUnset, ...(state.envCleared ? {envCleared: true} : {}), ...(state.cwd ? {cwd: state.cwd} : {}), notes: state.notes}
    }
    if (base === 'env') {
      state.wrappers.push(w)
      let j = k + 1
      for (; j < words.length; j++) {
        const o = words[j]
        if (o === '-i' || o === '--ignore-environment' || o === '-') { state.envCleared = true; state.env = {}; continue }
        if (o === '-u' || o === '--unset') { state.envUnset.push(words[++j] ?? ''); continue }
        if (o.startsWith('--unset=')) { state.envUnset.push(o.slice(8)); continue }
        if (o === '-C' || o === '--chdir') { state.cwd = words[++j]; continue }
        if (o.startsWith('--chdir=')) { state.cwd = o.slice(8); continue }
        if (o === '-S' || o === '--split-string') {
          state.notes.push('env -S splits its argument into words; read as a shell-like string')
          const script = words.slice(j + 1).join(' ')
          return {kind: 'shell', script, index: j + 1, shell: 'env -S', wrappers: state.wrappers, env: state.env, envUnset: state.envUnset, notes: state.notes}
        }
        if (o === '--') { j++; break }
        if (o.startsWith('-')) continue
        const m = ASSIGNMENT.exec(o)
        if (m) { state.env[m[1]] = m[2]; continue }
        break
      }
      k = j
      continue
    }
    const spec = own(WRAPPERS, base)
    if (spec) {
      let j = k + 1
      const label = [w]
      if (spec.sub) {
        // Global options may come before the subcommand (poetry -C dir run ...).
        while (j < words.length && words[j].startsWith('-')) {
          if (spec.chdir?.includes(words[j])) state.cwd = words[j + 1]
          j += spec.valued?.includes(words[j]) ? 2 : 1
        }
        if (!spec.sub.includes(words[j] ?? '')) return null
        label.push(words[j])
        j++
      }
      let positionals = spec.positionals ?? 0
      while (j < words.length) {
        const o = words[j]
        if (o === '--') { j++; break }
        if (o.startsWith('-') && o.length > 1) {
          const eq = o.indexOf('=')
          const name = eq === -1 ? o : o.slice(0, eq)
          if (spec.chdir?.includes(name)) state.cwd = eq === -1 ? words[j + 1] : o.slice(eq + 1)
          j += eq === -1 && spec.valued?.includes(name) ? 2 : 1
          continue
        }
        if ((base === 'sudo' || base === 'doas') && ASSIGNMENT.test(o)) {
          const m = ASSIGNMENT.exec(o)!
          state.env[m[1]] = m[2]
          j++
          continue
        }
        if (positionals > 0) { positionals--; j++; continue }
        break
      }
      state.wrappers.push(label.join(' '))
      k = j
      continue
    }
    // Not a wrapper we know: look for gunicorn further along, and say so. A word right after
    // an option (`--config /etc/gunicorn`) is that option's value, not a program.
    if (w.startsWith('-')) return null
    for (let j = k + 1; j < words.length; j++) {
      const b = basename(words[j])
      const prev = words[j - 1]
      const optionValue = prev.startsWith('-') && prev !== '--' && !prev.includes('=')
      if (GUNICORN.test(b) && !words[j].startsWith('-') && !words[j].includes('=') && !optionValue) {
        state.wrappers.push(w)
        state.notes.push(`'${w}' is not a wrapper conntune knows; gunicorn was found by name at word ${j + 1}`)
        k = j
        break
      }
      if (j === words.length - 1) return null
    }
    if (!GUNICORN.test(basename(words[k] ?? ''))) return null
  }
  return null
}

type PythonArgs = {kind: 'gunicorn'; argsStart: number; how: string} | {kind: 'module'; next: number; how: string} | {kind: 'none'}

/** Reads the interpreter's own options (CPython getopt rules: -m/-c/-W/-X take a value). */
function pythonArgs(words: string[], k: number): PythonArgs {
  let j = k + 1
  while (j < words.length) {
    const o = words[j]
    if (!o.startsWith('-') || o === '-') break
    if (o === '--') { j++; break }
    if (o.startsWith('--')) { j++; continue }
    let next = j + 1
    for (let p = 1; p < o.length; p++) {
      const ch = o[p]
      if (ch !== 'm' && ch !== 'c' && ch !== 'W' && ch !== 'X') continue
      const inline = p + 1 < o.length
      const arg = inline ? o.slice(p + 1) : words[j + 1]
      next = inline ? j + 1 : j + 2
      if (ch === 'c' || arg === undefined) return {kind: 'none'}
      if (ch === 'm') {
        if (arg === 'gunicorn' || arg === 'gunicorn.app.wsgiapp') return {kind: 'gunicorn', argsStart: next, how: `-m ${arg}`}
        return {kind: 'module', next, how: `-m ${arg}`}
      }
      break
    }
    j = next
  }
  if (j >= words.length) return {kind: 'none'}
  const script = basename(words[j])
  if (GUNICORN.test(script)) return {kind: 'gunicorn', argsStart: j + 1, how: words[j]}
  return {kind: 'none'}
}
