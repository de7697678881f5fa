import {execFileSync} from 'node:child_process'
import {join} from 'node:path'
import {escapeAttr, escapeText, renderJunit} from '../../../src/report/junit.js'
import {NASTY, RULES, SPACED, brokenResult, ctx, finding, host, result, richResult} from './results.js'
import {child, findAll, parseXml, type XmlElement} from './xml-reader.js'

// The schema Jenkins' xunit plugin checks JUnit reports against (see the file's header); a
// report it refuses is not imported at all. xmllint: Debian libxml2-utils (install-test-deps.sh).
const JENKINS_XSD = join(process.cwd(), 'test/schemas/junit-jenkins.xsd')

/** xmllint's complaints, or '' when the document validates. */
function schemaErrors(xml: string): string {
  try {
    execFileSync('xmllint', ['--noout', '--schema', JENKINS_XSD, '-'], {input: xml, stdio: ['pipe', 'pipe', 'pipe']})
    return ''
  } catch (e) {
    const err = e as {stderr?: Buffer; code?: string}
    if (err.code === 'ENOENT') throw new Error('xmllint is required (Debian libxml2-utils; scripts/install-test-deps.sh)')
    return String(err.stderr ?? e)
  }
}

function junit(r = richResult(), c = ctx()): XmlElement {
  const xml = renderJunit(r, c)
  expect(schemaErrors(xml)).toBe('')
  expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true)
  const root = parseXml(xml)
  expect(root.name).toBe('testsuites')
  // The counts on every suite and on the whole agree with what is in them.
  for (const suite of [root, ...findAll(root, 'testsuite')]) {
    const cases = findAll(suite, 'testcase')
    expect(Number(suite.attrs.tests)).toBe(cases.length)
    expect(Number(suite.attrs.failures)).toBe(cases.filter((c) => child(c, 'failure')).length)
    expect(Number(suite.attrs.errors)).toBe(cases.filter((c) => child(c, 'error')).length)
  }
  return root
}

const caseList = (suite: XmlElement) =>
  findAll(suite, 'testcase').map((c) => `${c.attrs.classname} @ ${c.attrs.name}${child(c, 'failure') ? ` FAIL(${child(c, 'failure')!.attrs.type})` : ''}${child(c, 'error') ? ' ERROR' : ''}${child(c, 'system-out') ? ' note' : ''}`)

describe('JUnit XML', () => {
  it('has a suite per host and a case per rule and place; findings at or above --fail-on fail', () => {
    const root = junit()
    const suites = findAll(root, 'testsuite')
    expect(suites.map((s) => s.attrs.name)).toEqual(['web1'])
    expect(caseList(suites[0]!)).toEqual([
      'conntune @ web1: inputs read',
      `sysctl-tw-recycle-enabled @ ${SPACED} FAIL(error)`,
      `sysctl-tw-recycle-dead-config @ ${SPACED} FAIL(warning)`,
      'nginx-keepalive-header-exceeds-timeout @ /etc/nginx/nginx.conf FAIL(warning)',
      'sockets-server-closes-first @ web1 note',
      'sysctl-fin-timeout-not-time-wait @ web1 note',
      'my-own-rule @ web1',
      'conntune-ignore-without-reason @ deploy/gunicorn.conf.py FAIL(warning)',
      'conntune-ignore-expired @ .conntune.yaml FAIL(warning)',
    ])
    expect(root.attrs).toEqual({name: 'conntune', tests: '9', failures: '5', errors: '0'})
    const props = Object.fromEntries(findAll(suites[0]!, 'property').map((p) => [p.attrs.name, p.attrs.value]))
    expect(props).toEqual({source: 'files', kernel: 'unknown', role: 'proxy', frontend: 'none', failOn: 'warning', suppressed: '2'})
  })

  it('carries message, location, evidence and fix in the failure, escaped so they read back exactly', () => {
    const cases = findAll(junit(), 'testcase')
    const nginx = cases.find((c) => c.attrs.classname === 'nginx-keepalive-header-exceeds-timeout')!
    // The place is the case's name and, with its line, the failure's first line (no file/line attributes: junit-10.xsd refuses them).
    expect(nginx.attrs).toEqual({classname: 'nginx-keepalive-header-exceeds-timeout', name: '/etc/nginx/nginx.conf'})
    const failure = child(nginx, 'failure')!
    expect(failure.attrs.message).toBe(NASTY)
    expect(failure.text).toBe(
      `warning nginx-keepalive-header-exceeds-timeout at /etc/nginx/nginx.conf:10 (in server, listen 80)\n${NASTY}\nevidence: timeout=30, header=120\nfix: Make the header, at most, the timeout: keepalive_timeout 30s 30s;`,
    )
    const info = cases.find((c) => c.attrs.classname === 'sockets-server-closes-first')!
    expect(child(info, 'system-out')!.text).toBe(
      'Below --fail-on warning, not failing:\n\ninfo sockets-server-closes-first at listening port 80\nMessage of sockets-server-closes-first.\nevidence: port=80, TIME_WAIT=3700',
    )
  })

  it('fails only what is at or above --fail-on', () => {
    expect(junit(richResult('error')).attrs).toMatchObject({tests: '9', failures: '1'})
    expect(junit(richResult('info')).attrs).toMatchObject({failures: '7'})
    const none = junit(richResult('none'))
    expect(none.attrs).toMatchObject({failures: '0'})
    expect(findAll(none, 'system-out')).toHaveLength(7)
  })

  it('groups several findings of a rule in one file into one failing case', () => {
    const f = (line: number) => finding({ruleId: 'sysctl-tw-recycle-dead-config', severity: 'warning', location: {file: 'a.conf', line, text: `a.conf:${line}`}, message: `line ${line}`})
    const root = junit(result([host('h', [f(1), f(7)])]))
    const c = findAll(root, 'testcase').find((x) => x.attrs.classname === 'sysctl-tw-recycle-dead-config')!
    expect(child(c, 'failure')!.attrs.message).toBe('2 findings; line 1')
    expect(child(c, 'failure')!.text).toContain('at a.conf:7\nline 7')
    expect(child(c, 'failure')!.text).toContain('at a.conf:1\nline 1')
  })

  it('reports unreadable inputs and failed rules as errors, per host', () => {
    const root = junit(brokenResult())
    const [web1, web2] = findAll(root, 'testsuite')
    expect(caseList(web1!)).toContain('conntune @ web1: inputs read ERROR')
    const inputs = child(findAll(web1!, 'testcase')[0]!, 'error')!
    expect(inputs.attrs).toEqual({message: '1 input could not be read; the audit is incomplete', type: 'incomplete'})
    // The BEL and ESC from the file name and message are gone; the rest is intact.
    expect(inputs.text).toBe('/etc/nginx/conf.d/bad.conf:2:7: unexpected "}" [31m')
    expect(caseList(web2!)).toContain('my-own-rule @ web2 ERROR')
    expect(caseList(web2!)).toContain('conntune @ web2: inputs read')
    // Two hosts: each suite has an inputs case and one per rule; plus the across-hosts suite,
    // one informational case per rule that fired (not a second failure).
    expect(root.attrs).toMatchObject({tests: String(2 * (1 + RULES.length) + 1), failures: '2', errors: '2'})
    const across = findAll(root, 'testsuite').find((s) => s.attrs.name === 'across hosts')!
    expect(across.attrs).toMatchObject({tests: '1', failures: '0'})
    expect(child(findAll(across, 'testcase')[0]!, 'system-out')!.text).toBe('warning: 2 finding(s) on 2 of 2 hosts: web1, web2')
  })

  it('lists every rule that ran as a passing case on a clean host, and is well-formed when empty', () => {
    const root = junit(result([host('clean', [])]))
    expect(caseList(findAll(root, 'testsuite')[0]!)).toEqual(['conntune @ clean: inputs read', ...RULES.map((r) => `${r.id} @ clean`)])
    expect(root.attrs).toMatchObject({failures: '0', errors: '0'})
    const empty = junit(result([]), ctx([]))
    expect(empty).toEqual({name: 'testsuites', attrs: {name: 'conntune', tests: '0', failures: '0', errors: '0'}, children: [], text: ''})
  })

  it('escapes the five XML specials and drops characters XML cannot carry', () => {
    expect(escapeText(`a & b < c > d "e" 'f'`)).toBe('a &amp; b &lt; c &gt; d &quot;e&quot; &apos;f&apos;')
    expect(escapeText('x\u0000y\u0008z\u001Bw\uFFFEv\uD800u')).toBe('xyzwvu')
    expect(escapeText('emoji 🚀 and ü stay, tab\tnewline\n too')).toBe('emoji 🚀 and ü stay, tab\tnewline\n too')
    expect(escapeAttr('a\nb\tc\rd')).toBe('a&#10;b&#9;c&#13;d')
    const weird = `h<o>s"t' & \u0001name ]]> 🚀`
    const root = junit(result([host(weird, [finding({ruleId: 'my-own-rule', severity: 'info', host: weird, location: {file: `${weird}.conf`, line: 1, text: `${weird}.conf:1`}, message: weird})])], 'info'))
    const suite = findAll(root, 'testsuite')[0]!
    expect(suite.attrs.name).toBe(`h<o>s"t' & name ]]> 🚀`)
    const c = findAll(suite, 'testcase').find((x) => x.attrs.classname === 'my-own-rule')!
    expect(c.attrs.name).toBe(`h<o>s"t' & name ]]> 🚀.conf`)
    expect(child(c, 'failure')!.attrs.message).toBe(`h<o>s"t' & name ]]> 🚀`)
  })

  it('the schema check refuses what Jenkins would refuse', () => {
    expect(schemaErrors('<testsuites><testsuite name="h" tests="1" failures="0" errors="0"><testcase name="c" file="a.conf" line="3"/></testsuite></testsuites>')).toMatch(/attribute 'file': The attribute 'file' is not allowed/)
    expect(schemaErrors('<testsuites><testsuite name="h" tests="1"/></testsuites>')).toMatch(/failures.*is required/)
    expect(schemaErrors('<testsuite name="h" tests="0" failures="0" errors="0"/>')).toBe('')
  })

  it('the XML reader used here rejects malformed XML', () => {
    expect(() => parseXml('<a><b></a></b>')).toThrow(/closes/)
    expect(() => parseXml('<a x="1" x="2"/>')).toThrow(/duplicate/)
    expect(() => parseXml('<a>1 & 2</a>')).toThrow(/without ";"/)
    expect(() => parseXml('<a>1 < 2</a>')).toThrow()
    expect(() => parseXml('<a x=1/>')).toThrow(/quoted/)
    expect(() => parseXml('<a>\u0001</a>')).toThrow(/not allowed/)
    expect(() => parseXml('<a></a><b/>')).toThrow(/after the root/)
    expect(parseXml('<a x="&#10;&lt;">t&amp;<b/>u</a>')).toEqual({name: 'a', attrs: {x: '\n<'}, children: [{name: 'b', attrs: {}, children: [], text: ''}], text: 't&u'})
  })
})
