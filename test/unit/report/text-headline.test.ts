// "No findings" is a claim about hosts that were read: a fleet where every host was
// unreachable must not headline it (text and Markdown alike).
import {renderText} from '../../../src/report/text.js'
import {renderMarkdown} from '../../../src/report/markdown.js'
import {ctx, host, result} from './results.js'

const down = (name: string) =>
  host(name, [], {source: 'ssh', problems: [{file: `ssh://${name}`, message: `unreachable: ssh: connect to host ${name} port 22: Connection refused`}]})

describe('the no-findings headline', () => {
  it('says nothing was audited when every host was unreachable', () => {
    const r = result([down('web1'), down('web2')])
    const text = renderText(r, {color: false})
    expect(text).not.toMatch(/No findings/)
    expect(text).toContain('Nothing was audited: all 2 hosts were unreachable (see the problems above).')
    expect(renderMarkdown(r, ctx())).toContain('Nothing was audited: all 2 hosts were unreachable')
    expect(renderText(result([down('web1')]), {color: false})).toContain('Nothing was audited: the host was unreachable')
  })

  it('counts only the audited hosts when some answered', () => {
    const text = renderText(result([host('web1', [], {source: 'ssh', kernel: '6.1.0'}), down('web2')]), {color: false})
    expect(text).toContain('No findings on the 1 host audited; 1 unreachable, not audited.')
  })

  it('stays "No findings." for hosts that were all read', () => {
    expect(renderText(result([host('web1', [])]), {color: false})).toContain('No findings.')
  })
})
