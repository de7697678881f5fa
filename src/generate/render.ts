// Values → text, through the eta templates in templates/ (shipped with the package). eta is
// imported here, lazily, so commands that never generate do not load it.
import {join} from 'node:path'
import {PACKAGE_ROOT} from '../paths.js'
import type {GenerateKind, GenerateValues} from './values.js'
import {trimTrailing} from '../text/trim.js'

export const TEMPLATES_DIR = join(PACKAGE_ROOT, 'templates')

const TEMPLATE: Record<GenerateKind, string> = {
  nginx: 'nginx.conf.eta',
  gunicorn: 'gunicorn.conf.py.eta',
  lighttpd: 'lighttpd.conf.eta',
  sysctl: 'sysctl.conf.eta',
}

export async function renderConfig(kind: GenerateKind, values: GenerateValues): Promise<string> {
  const {Eta} = await import('eta')
  // autoTrim off: the templates place every newline themselves. Nothing is HTML.
  const eta = new Eta({views: TEMPLATES_DIR, autoTrim: false, autoEscape: false, cache: false})
  // One final newline whatever the template's last line does (eta drops a trailing one after a tag).
  return `${trimTrailing(eta.render(TEMPLATE[kind], values), '\n')}\n`
}

/** Profile → values → text, the whole of `conntune generate KIND`. */
export async function generate(kind: GenerateKind, profile: import('./values.js').Profile): Promise<{kind: GenerateKind; text: string; values: GenerateValues}> {
  const {computeValues} = await import('./values.js')
  const values = computeValues(kind, profile)
  return {kind, text: await renderConfig(kind, values), values}
}
