// lighttpd 1.4 configuration: parse (with includes), and the settings in force per block.
import type {FileReader, ParseResult} from '../types.js'
import {parseFileText} from './parser.js'
import {resolveOptions, Session} from './session.js'
import type {LighttpdConfig, LighttpdParseOptions, LighttpdStatement} from './types.js'

export {effectiveLighttpd} from './effective.js'
export type * from './types.js'

/** Parse the config at `entry` (the -f path) and every file it includes, through `reader`. */
export function parseLighttpd(entry: string, reader: FileReader, opts: LighttpdParseOptions = {}): ParseResult<LighttpdConfig> {
  const session = new Session(entry, reader, resolveOptions(opts), parseFileText)
  const statements: LighttpdStatement[] = []
  session.readFile(entry, statements, null)
  return result(session, statements)
}

/**
 * Parse one text, e.g. `lighttpd -p` output. Includes are reported as not read unless
 * `opts.reader` is given.
 */
export function parseLighttpdText(text: string, file: string, opts: LighttpdParseOptions & {reader?: FileReader} = {}): ParseResult<LighttpdConfig> {
  const session = new Session(file, opts.reader, resolveOptions(opts), parseFileText)
  const statements: LighttpdStatement[] = []
  session.parseEntryText(text, statements)
  return result(session, statements)
}

function result(session: Session, statements: LighttpdStatement[]): ParseResult<LighttpdConfig> {
  const value: LighttpdConfig = {entry: session.entry, statements, files: session.files, comments: session.comments}
  if (session.preprocessed) value.preprocessed = true
  return {value, errors: session.errors}
}
