// One renderer per format, each a pure function of the audit result and this context, so
// several formats of one run can be rendered side by side and tested without a CLI.
import type {AuditResult} from '../pipeline/audit.js'
import type {LoadedRule} from '../rules/types.js'
import {renderGithub} from './github.js'
import {renderJson} from './json.js'
import {renderJunit} from './junit.js'
import {renderMarkdown} from './markdown.js'
import {renderSarif} from './sarif.js'
import {renderText} from './text.js'
import {escapeForHumans} from './escape.js'

export const FORMATS = ['text', 'json', 'sarif', 'junit', 'markdown', 'github'] as const
export type Format = (typeof FORMATS)[number]

export interface ReportContext {
  tool: {name: string; version: string}
  /** The rules that ran (after .conntune.yaml turned some off or changed their severity). */
  rules: LoadedRule[]
  /** Absolute; files inside it are reported relative to it (SARIF %SRCROOT%, GitHub file=). */
  baseDir: string
  /** ANSI colour, for the text format on a terminal only. */
  color: boolean
}

export function isFormat(s: string): s is Format {
  return (FORMATS as readonly string[]).includes(s)
}

/** SARIF artifact URIs are percent-encoded (sarif.ts), and must name the file as it is. */
const SARIF_RAW: ReadonlySet<string> = new Set(['file'])

export function render(format: Format, raw: AuditResult, ctx: ReportContext): string {
  // JSON keeps the data as it is (JSON.stringify escapes controls); every format a person
  // reads, or that GitHub shows, gets it with controls and bidi overrides made visible.
  const result = format === 'json' ? raw : escapeForHumans(raw, format === 'sarif' ? {rawKeys: SARIF_RAW} : {})
  switch (format) {
    case 'json':
      return renderJson(result, ctx.tool)
    case 'sarif':
      return renderSarif(result, ctx)
    case 'junit':
      return renderJunit(result, ctx)
    case 'markdown':
      return renderMarkdown(result, ctx)
    case 'github':
      return renderGithub(result, ctx)
    case 'text':
      return renderText(result, {color: ctx.color})
  }
}
