// nginx configuration, read as nginx reads it. See lexer.ts (tokens), parser.ts (one file),
// includes.ts (the file tree), dump.ts (`nginx -T` output), crossplane.ts (JSON payload).
export type {
  CrossplaneDirective,
  CrossplaneFile,
  CrossplanePayload,
  NginxComment,
  NginxConfig,
  NginxDirective,
  NginxFile,
  NginxParsedText,
  NginxSpan,
} from './types.js'
export {parseNginxText, DEFAULT_MAX_FILE_BYTES, MAX_BLOCK_DEPTH} from './parser.js'
export type {ParseTextOptions} from './parser.js'
export {parseNginx, resolveIncludePath, isGlobPath} from './includes.js'
export type {ParseNginxOptions} from './includes.js'
export {splitNginxDump} from './dump.js'
export type {NginxDump} from './dump.js'
export {toCrossplane, stripIfParens} from './crossplane.js'
export {inlineIncludes, walkNginx} from './tree.js'
export type {InlineOptions} from './tree.js'
export {NginxLexer, unescapeNginx, escapeControls, NGX_CONF_BUFFER} from './lexer.js'
export type {NginxStatement, NginxWord} from './lexer.js'
export {isLuaBlockDirective} from './lua.js'
