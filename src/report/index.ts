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

export function render(format: Format, result: AuditResult, ctx: ReportContext): string {
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
