// The payload `crossplane parse` prints (nginxinc/crossplane, crossplane/parser.py): the same
// keys in the same order, errors as str(NgxParserBaseException) = "<message> in <file>:<line>",
// and `if` arguments with their parentheses stripped as crossplane's _prepare_if_args does.
// Argument values are nginx's (escapes processed), which is where crossplane's own lexer
// and nginx disagree.
import type {ParseError, ParseResult} from '../types.js'
import type {CrossplaneDirective, CrossplanePayload, NginxConfig, NginxDirective} from './types.js'

function errorText(e: ParseError): string {
  return `${e.message} in ${e.file}:${e.line}`
}

/** crossplane's _prepare_if_args: `if ($a = b)` -> ["$a", "=", "b"]. */
export function stripIfParens(args: string[]): string[] {
  if (args.length === 0 || !args[0].startsWith('(') || !args[args.length - 1].endsWith(')')) return args
  const out = [...args]
  out[0] = out[0].slice(1).trimStart()
  out[out.length - 1] = out[out.length - 1].slice(0, -1).trimEnd()
  const start = out[0] === '' ? 1 : 0
  const end = out.length - (out[out.length - 1] === '' ? 1 : 0)
  return out.slice(start, end)
}

function convert(list: NginxDirective[]): CrossplaneDirective[] {
  return list.map((d) => {
    const out: CrossplaneDirective = {
      directive: d.directive,
      line: d.line,
      args: d.directive === 'if' ? stripIfParens(d.args) : [...d.args],
    }
    if (d.includes !== undefined) out.includes = [...d.includes]
    if (d.block !== undefined) out.block = convert(d.block)
    return out
  })
}

export function toCrossplane(result: ParseResult<NginxConfig>): CrossplanePayload {
  const config = result.value.files.map((f) => ({
    file: f.file,
    status: f.status,
    errors: f.errors.map((e) => ({error: errorText(e), line: e.line})),
    parsed: convert(f.parsed),
  }))
  return {
    status: result.errors.length > 0 || config.some((f) => f.status === 'failed') ? 'failed' : 'ok',
    errors: result.errors.map((e) => ({file: e.file, error: errorText(e), line: e.line})),
    config,
  }
}
