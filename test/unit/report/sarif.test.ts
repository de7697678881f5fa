import {DOCS_URL} from '../../../src/rules/docs.js'
import {loadRules} from '../../../src/rules/load.js'
import {FINGERPRINT_KEY, artifactLocation, renderSarif, ruleHelpUri} from '../../../src/report/sarif.js'
import {BASE, RULES, SPACED, brokenResult, ctx, finding, host, result, richResult} from './results.js'
import {existsSync} from 'node:fs'
import {REPO_ROOT, githubErrors, sarifErrors} from './sarif-validate.js'

function sarif(r = richResult(), c = ctx()): any {
  const text = renderSarif(r, c)
  const doc = JSON.parse(text)
  expect(sarifErrors(doc)).toEqual([])
  expect(githubErrors(doc)).toEqual([])
  return doc
}

const byRule = (doc: any, id: string) => doc.runs[0].results.find((r: any) => r.ruleId === id)

describe('SARIF 2.1.0', () => {
  it('is valid against the OASIS schema, and the validator does reject broken SARIF', () => {
    const doc = sarif()
    expect(doc.version).toBe('2.1.0')
    expect(doc.runs).toHaveLength(1)
    const wrongLevel = structuredClone(doc)
    wrongLevel.runs[0].results[0].level = 'info'
    expect(sarifErrors(wrongLevel).join('\n')).toMatch(/results\/0\/level/)
    const rawSpace = structuredClone(doc)
    rawSpace.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri = 'deploy/a b.conf'
    expect(sarifErrors(rawSpace).join('\n')).toMatch(/must match format "uri-reference"/)
  })

  it('describes the tool and every rule that ran, with help text, help URI, level and tags', () => {
    const driver = sarif().runs[0].tool.driver
    expect(driver).toMatchObject({name: 'conntune', version: '0.1.0', informationUri: 'https://github.com/conntune/conntune'})
    const ids = driver.rules.map((r: any) => r.id)
    expect(ids).toEqual([...RULES.map((r) => r.id), 'conntune-ignore-without-reason', 'conntune-ignore-expired'])
    const recycle = driver.rules[0]
    expect(recycle).toEqual({
      id: 'sysctl-tw-recycle-enabled',
      name: 'SysctlTwRecycleEnabled',
      shortDescription: {text: 'Title of sysctl-tw-recycle-enabled'},
      fullDescription: {text: 'Why sysctl-tw-recycle-enabled matters, wrapped over lines.\n\nA second paragraph.'},
      help: {
        text: expect.stringContaining('References:\n- RFC 9112 section 9: https://www.rfc-editor.org/rfc/rfc9112#section-9'),
        markdown: expect.stringContaining('- [RFC 9112 section 9](https://www.rfc-editor.org/rfc/rfc9112#section-9)'),
      },
      helpUri: 'https://github.com/conntune/conntune/blob/main/docs/rules/sysctl-tw-recycle-enabled.md',
      defaultConfiguration: {level: 'error'},
      properties: {tags: ['conntune', 'sysctl']},
    })
    expect(recycle.help.text).toContain(`Documentation: ${ruleHelpUri('sysctl-tw-recycle-enabled')}`)
    expect(driver.rules.find((r: any) => r.id === 'sysctl-fin-timeout-not-time-wait').defaultConfiguration.level).toBe('note')
    // A user's own rule has no page to link to.
    expect(driver.rules.find((r: any) => r.id === 'my-own-rule').helpUri).toBeUndefined()
    const meta = driver.rules.find((r: any) => r.id === 'conntune-ignore-without-reason')
    expect(meta.shortDescription.text).toBe('An inline ignore gives no reason')
    expect(meta.fullDescription.text).toContain('Without a reason the ignore is not applied')
    expect(meta.helpUri).toBe(ruleHelpUri('conntune-ignore-without-reason'))
  })

  it('points each result at its rule, with the level mapped and a stable partial fingerprint', () => {
    const run = sarif().runs[0]
    for (const r of run.results) expect(run.tool.driver.rules[r.ruleIndex].id).toBe(r.ruleId)
    expect(run.results.map((r: any) => [r.ruleId, r.level])).toEqual([
      ['sysctl-tw-recycle-enabled', 'error'],
      ['sysctl-tw-recycle-dead-config', 'warning'],
      ['nginx-keepalive-header-exceeds-timeout', 'warning'],
      ['conntune-ignore-without-reason', 'warning'],
      ['conntune-ignore-expired', 'warning'],
      ['sockets-server-closes-first', 'note'],
      ['sysctl-fin-timeout-not-time-wait', 'note'],
    ])
    expect(byRule({runs: [run]}, 'sysctl-tw-recycle-enabled').partialFingerprints).toEqual({[FINGERPRINT_KEY]: 'fp-sysctl-tw-recycle-enabled-3'})
    expect(byRule({runs: [run]}, 'nginx-keepalive-header-exceeds-timeout').message.text).toBe(
      'Header `keepalive_timeout 30s 120s` | says 120 s, but <b>nginx</b> closes at 30 s & 100% of "clients" wait: a, b\nsecond line',
    )
  })

  it('gives file locations relative to %SRCROOT% when inside the base dir (percent-encoded), else under conntune/HOST/, never absolute', () => {
    const doc = sarif()
    expect(doc.runs[0].originalUriBaseIds).toEqual({'%SRCROOT%': {uri: 'file:///srv/my%20repo/'}})
    expect(byRule(doc, 'sysctl-tw-recycle-enabled').locations).toEqual([
      {physicalLocation: {artifactLocation: {uri: 'deploy/sysctl.d/99%20tuning%20%C3%BC.conf', uriBaseId: '%SRCROOT%'}, region: {startLine: 3, startColumn: 1}}},
    ])
    expect(byRule(doc, 'nginx-keepalive-header-exceeds-timeout').locations).toEqual([
      {
        physicalLocation: {artifactLocation: {uri: 'conntune/web1/etc/nginx/nginx.conf', uriBaseId: '%SRCROOT%'}, region: {startLine: 10, startColumn: 5}},
        message: {text: '/etc/nginx/nginx.conf:10 (in server, listen 80)'},
      },
    ])
    // A line without a column; a file without a line.
    expect(byRule(doc, 'conntune-ignore-without-reason').locations[0].physicalLocation.region).toEqual({startLine: 4})
    expect(byRule(doc, 'conntune-ignore-expired').locations[0].physicalLocation).toEqual({artifactLocation: {uri: '.conntune.yaml', uriBaseId: '%SRCROOT%'}})
    expect(artifactLocation('/srv/my repo/a.conf', BASE, 'h')).toEqual({uri: 'a.conf', uriBaseId: '%SRCROOT%'})
    expect(artifactLocation('/srv/my repo2/a.conf', BASE, 'h')).toEqual({uri: 'conntune/h/srv/my%20repo2/a.conf', uriBaseId: '%SRCROOT%'})
    expect(artifactLocation('../x.conf', BASE, 'h')).toEqual({uri: 'conntune/h/srv/x.conf', uriBaseId: '%SRCROOT%'})
    // A crafted host name cannot climb out of the checkout either.
    expect(artifactLocation('/etc/x', BASE, '..')).toEqual({uri: 'conntune/%2E%2E/etc/x', uriBaseId: '%SRCROOT%'})
    expect(artifactLocation('/etc/x', BASE, 'a/b')).toEqual({uri: 'conntune/a%2Fb/etc/x', uriBaseId: '%SRCROOT%'})
  })

  it('gives sysctl keys and ports a stable path under conntune/HOST/ and their logical location', () => {
    const doc = sarif()
    expect(byRule(doc, 'sysctl-fin-timeout-not-time-wait').locations).toEqual([
      {physicalLocation: {artifactLocation: {uri: 'conntune/web1/proc/sys/net/ipv4/tcp_fin_timeout', uriBaseId: '%SRCROOT%'}}, logicalLocations: [{name: 'net.ipv4.tcp_fin_timeout', fullyQualifiedName: 'web1/sysctl/net.ipv4.tcp_fin_timeout', kind: 'variable'}], message: {text: 'sysctl net.ipv4.tcp_fin_timeout (runtime)'}},
    ])
    expect(byRule(doc, 'sockets-server-closes-first').locations).toEqual([
      {physicalLocation: {artifactLocation: {uri: 'conntune/web1/sockets', uriBaseId: '%SRCROOT%'}}, logicalLocations: [{name: 'listening port 80', fullyQualifiedName: 'web1/listening port 80', kind: 'resource'}], message: {text: 'listening port 80'}},
    ])
  })

  it('has fixes only for line deletions; sysctl changes go to the properties with host and evidence', () => {
    const doc = sarif()
    expect(byRule(doc, 'sysctl-tw-recycle-dead-config').fixes).toEqual([
      {
        description: {text: `Delete line 4 of ${SPACED}.`},
        artifactChanges: [
          {
            artifactLocation: {uri: 'deploy/sysctl.d/99%20tuning%20%C3%BC.conf', uriBaseId: '%SRCROOT%'},
            replacements: [{deletedRegion: {startLine: 4, startColumn: 1, endLine: 5, endColumn: 1}}],
          },
        ],
      },
    ])
    const recycle = byRule(doc, 'sysctl-tw-recycle-enabled')
    expect(recycle.fixes).toBeUndefined()
    expect(recycle.properties).toEqual({
      host: 'web1',
      severity: 'error',
      evidence: {'net.ipv4.tcp_tw_recycle': '1', kernel: '4.9.0'},
      fix: {summary: 'Set net.ipv4.tcp_tw_recycle = 0.', sysctl: [{key: 'net.ipv4.tcp_tw_recycle', value: '0'}]},
      references: ['https://git.kernel.org/'],
    })
    expect(byRule(doc, 'nginx-keepalive-header-exceeds-timeout').fixes).toBeUndefined()
  })

  it('reports unreadable inputs and failed rules as notifications of an unsuccessful invocation', () => {
    const run = sarif(brokenResult()).runs[0]
    expect(run.invocations).toHaveLength(1)
    const inv = run.invocations[0]
    expect(inv).toMatchObject({executionSuccessful: false, exitCode: 2})
    expect(inv.toolExecutionNotifications).toEqual([
      {
        level: 'warning',
        message: {text: 'web1: unexpected "}" \u001B[31m'},
        locations: [{physicalLocation: {artifactLocation: {uri: 'conntune/web1/etc/nginx/conf.d/bad%07.conf', uriBaseId: '%SRCROOT%'}, region: {startLine: 2, startColumn: 7}}}],
        properties: {host: 'web1'},
      },
      {level: 'error', message: {text: 'rule my-own-rule failed on web2: no such key: host.foo'}, associatedRule: {id: 'my-own-rule', index: 5}, properties: {host: 'web2', ruleFile: '/rules/my-own-rule.yaml'}},
    ])
    expect(run.results.map((r: any) => r.properties.host)).toEqual(['web1', 'web2'])
  })

  it('the GitHub checks reject what made uploads fail: no physical location, absolute URIs', () => {
    const doc = sarif()
    const logicalOnly = structuredClone(doc)
    delete logicalOnly.runs[0].results[0].locations[0].physicalLocation
    expect(githubErrors(logicalOnly).join('\n')).toMatch(/no physical location/)
    const absolute = structuredClone(doc)
    absolute.runs[0].results[0].locations[0].physicalLocation.artifactLocation = {uri: 'file:///etc/nginx/nginx.conf'}
    expect(githubErrors(absolute).join('\n')).toMatch(/absolute URI file:\/\/\/etc\/nginx\/nginx.conf/)
  })

  it('offers no fix for a file outside the checkout', () => {
    const outside = finding({ruleId: 'sysctl-tw-recycle-dead-config', severity: 'warning', location: {file: '/etc/sysctl.conf', line: 2, text: '/etc/sysctl.conf:2'}, fix: {summary: 'Delete line 2 of /etc/sysctl.conf.', actions: [{kind: 'delete-line', file: '/etc/sysctl.conf', line: 2}]}})
    const r = sarif(result([host('web1', [outside])])).runs[0].results[0]
    expect(r.fixes).toBeUndefined()
    expect(r.locations[0].physicalLocation.artifactLocation).toEqual({uri: 'conntune/web1/etc/sysctl.conf', uriBaseId: '%SRCROOT%'})
  })

  it('is valid with no findings and with no hosts at all', () => {
    const clean = sarif(result([host('web1', [])]))
    expect(clean.runs[0].results).toEqual([])
    expect(clean.runs[0].invocations[0]).toEqual({executionSuccessful: true, exitCode: 0})
    expect(sarif(result([]), ctx([])).runs[0].tool.driver.rules.map((r: any) => r.id)).toEqual(['conntune-ignore-without-reason', 'conntune-ignore-expired'])
  })

  it('describes a finding whose rule nobody described, so ruleIndex still points somewhere', () => {
    const doc = sarif(result([host('h', [finding({ruleId: 'gone-rule', severity: 'info', title: 'A rule from elsewhere', location: {text: 'somewhere'}})])]))
    const run = doc.runs[0]
    const r = run.results[0]
    expect(run.tool.driver.rules[r.ruleIndex]).toMatchObject({id: 'gone-rule', shortDescription: {text: 'A rule from elsewhere'}})
  })

  it('links the pages docs/rules/ID.md that rules/docs.ts generates, meta findings included', () => {
    expect(ruleHelpUri('sysctl-tw-recycle-enabled')).toBe(`${DOCS_URL}/sysctl-tw-recycle-enabled.md`)
    const docs = `${REPO_ROOT}/docs/rules`
    for (const id of ['conntune-ignore-without-reason', 'conntune-ignore-expired']) expect(existsSync(`${docs}/${id}.md`)).toBe(true)
  })

  it('is valid with every shipped rule, each linked to its documentation page', async () => {
    const rules = await loadRules([])
    const doc = sarif(richResult(), ctx(rules))
    const driverRules = doc.runs[0].tool.driver.rules
    expect(driverRules.length).toBe(rules.length + 2)
    for (const r of rules) {
      const d = driverRules.find((x: any) => x.id === r.id)
      expect(d.helpUri).toBe(`https://github.com/conntune/conntune/blob/main/docs/rules/${r.id}.md`)
      expect(d.fullDescription.text.length).toBeGreaterThan(40)
      expect(d.fullDescription.text).not.toMatch(/[^\n]\n[^\n]/)
    }
  })
})
