import type {AuditResult} from '../pipeline/audit.js'
import {renderJson} from './json.js'
import {renderText} from './text.js'

export const FORMATS = ['text', 'json'] as const
export type Format = (typeof FORMATS)[number]

export function render(format: Format, result: AuditResult, opts: {color: boolean; tool: {name: string; version: string}}): string {
  return format === 'json' ? renderJson(result, opts.tool) : renderText(result, {color: opts.color})
}
