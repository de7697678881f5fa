// A small, strict XML reader for checking JUnit output: elements, attributes, text, the five
// predefined entities and character references. It rejects what an XML 1.0 parser rejects in
// this subset — mismatched or unclosed tags, duplicate attributes, a raw "<" or "&" in text,
// unquoted attributes, characters XML cannot carry — so output that passes here would pass a
// real parser. No DOCTYPE, CDATA or namespaces: the reporter never writes them.

export interface XmlElement {
  name: string
  attrs: Record<string, string>
  children: XmlElement[]
  /** The element's own text (children's text excluded), entities decoded. */
  text: string
}

const NAME_START = /[A-Za-z_:]/
const NAME_CHAR = /[A-Za-z0-9_:.-]/

function allowedChar(c: number): boolean {
  return c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff)
}

export function parseXml(source: string): XmlElement {
  let i = 0
  const fail = (msg: string): never => {
    const line = source.slice(0, i).split('\n').length
    throw new Error(`XML: ${msg} at line ${line} (offset ${i})`)
  }
  for (const ch of source) if (!allowedChar(ch.codePointAt(0)!)) fail(`character U+${ch.codePointAt(0)!.toString(16)} not allowed`)

  const skipSpace = () => {
    while (i < source.length && ' \t\r\n'.includes(source[i]!)) i++
  }
  const name = (): string => {
    const start = i
    if (!NAME_START.test(source[i] ?? '')) fail('expected a name')
    while (i < source.length && NAME_CHAR.test(source[i]!)) i++
    return source.slice(start, i)
  }
  const decode = (raw: string, inAttr: boolean): string => {
    let out = ''
    let j = 0
    while (j < raw.length) {
      const c = raw[j]!
      if (c === '<') fail('raw "<" in text')
      if (c !== '&') {
        // Attribute-value normalisation: literal whitespace becomes a space.
        out += inAttr && '\t\n\r'.includes(c) ? ' ' : c
        j++
        continue
      }
      const end = raw.indexOf(';', j)
      if (end === -1) fail('"&" without ";"')
      const ref = raw.slice(j + 1, end)
      const named: Record<string, string> = {amp: '&', lt: '<', gt: '>', quot: '"', apos: "'"}
      if (ref in named) out += named[ref]
      else if (ref.startsWith('#x')) out += String.fromCodePoint(parseInt(ref.slice(2), 16))
      else if (ref.startsWith('#')) out += String.fromCodePoint(parseInt(ref.slice(1), 10))
      else fail(`unknown entity &${ref};`)
      if (ref.startsWith('#') && !allowedChar(out.codePointAt(out.length - 1)!)) fail(`character reference &${ref}; not allowed`)
      j = end + 1
    }
    return out
  }

  const element = (): XmlElement => {
    if (source[i] !== '<') fail('expected "<"')
    i++
    const el: XmlElement = {name: name(), attrs: {}, children: [], text: ''}
    for (;;) {
      const before = i
      skipSpace()
      if (source.startsWith('/>', i)) {
        i += 2
        return el
      }
      if (source[i] === '>') {
        i++
        break
      }
      if (before === i) fail('expected whitespace before an attribute')
      const key = name()
      if (key in el.attrs) fail(`duplicate attribute ${key}`)
      skipSpace()
      if (source[i] !== '=') fail('expected "="')
      i++
      skipSpace()
      const quote = source[i]
      if (quote !== '"' && quote !== "'") fail('attribute value must be quoted')
      const end = source.indexOf(quote!, i + 1)
      if (end === -1) fail('unterminated attribute value')
      el.attrs[key] = decode(source.slice(i + 1, end), true)
      i = end + 1
    }
    // Content until the matching end tag.
    for (;;) {
      if (i >= source.length) fail(`<${el.name}> is not closed`)
      if (source.startsWith('</', i)) {
        i += 2
        const close = name()
        if (close !== el.name) fail(`</${close}> closes <${el.name}>`)
        skipSpace()
        if (source[i] !== '>') fail('expected ">"')
        i++
        return el
      }
      if (source[i] === '<') {
        el.children.push(element())
        continue
      }
      const next = source.indexOf('<', i)
      const raw = source.slice(i, next === -1 ? source.length : next)
      if (raw.includes(']]>')) fail('"]]>" in text')
      el.text += decode(raw, false)
      i += raw.length
    }
  }

  if (source.startsWith('<?xml')) {
    const end = source.indexOf('?>')
    if (end === -1) fail('unterminated XML declaration')
    i = end + 2
  }
  skipSpace()
  const root = element()
  skipSpace()
  if (i !== source.length) fail('content after the root element')
  return root
}

/** Every descendant (depth first) with this name. */
export function findAll(el: XmlElement, name: string): XmlElement[] {
  const out: XmlElement[] = []
  for (const c of el.children) {
    if (c.name === name) out.push(c)
    out.push(...findAll(c, name))
  }
  return out
}

export function child(el: XmlElement, name: string): XmlElement | undefined {
  return el.children.find((c) => c.name === name)
}
