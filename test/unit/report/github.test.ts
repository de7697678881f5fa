import {escapeData, escapeProperty, renderGithub} from '../../../src/report/github.js'
import {brokenResult, ctx, finding, host, result, richResult} from './results.js'

/** Reads a workflow command back the way the runner does (actions/runner ActionCommand). */
function parseCommand(line: string): {command: string; props: Record<string, string>; message: string} {
  const unescape = (s: string) => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%')
  expect(line.startsWith('::')).toBe(true)
  const end = line.indexOf('::', 2)
  const head = line.slice(2, end)
  const space = head.indexOf(' ')
  const command = space === -1 ? head : head.slice(0, space)
  const props: Record<string, string> = {}
  if (space !== -1) {
    for (const kv of head.slice(space + 1).split(',')) {
      const eq = kv.indexOf('=')
      props[kv.slice(0, eq)] = unescape(kv.slice(eq + 1))
    }
  }
  return {command, props, message: unescape(line.slice(end + 2))}
}

describe('GitHub workflow annotations', () => {
  const out = renderGithub(richResult(), ctx())
  const lines = out.trimEnd().split('\n')
  const cmds = lines.map(parseCommand)

  it('writes one command per finding, error/warning/notice by severity', () => {
    expect(lines).toHaveLength(7)
    expect(cmds.map((c) => `${c.command} ${c.props.title}`)).toEqual([
      'error sysctl-tw-recycle-enabled',
      'warning sysctl-tw-recycle-dead-config',
      'warning nginx-keepalive-header-exceeds-timeout',
      'warning conntune-ignore-without-reason',
      'warning conntune-ignore-expired',
      'notice sockets-server-closes-first',
      'notice sysctl-fin-timeout-not-time-wait',
    ])
  })

  it('gives file, line and col relative to the base dir, and no file property without a file', () => {
    expect(lines[0]).toBe('::error file=deploy/sysctl.d/99 tuning ü.conf,line=3,col=1,title=sysctl-tw-recycle-enabled::Message of sysctl-tw-recycle-enabled.%0AFix: Set net.ipv4.tcp_tw_recycle = 0.')
    expect(cmds[2]!.props).toEqual({file: '/etc/nginx/nginx.conf', line: '10', col: '5', title: 'nginx-keepalive-header-exceeds-timeout'})
    expect(cmds[3]!.props).toEqual({file: 'deploy/gunicorn.conf.py', line: '4', title: 'conntune-ignore-without-reason'})
    expect(cmds[4]!.props).toEqual({file: '.conntune.yaml', title: 'conntune-ignore-expired'})
    expect(lines[5]).toBe('::notice title=sockets-server-closes-first::listening port 80: Message of sockets-server-closes-first.')
    expect(cmds[6]!.message).toBe('sysctl net.ipv4.tcp_fin_timeout (runtime): Message of sysctl-fin-timeout-not-time-wait.')
  })

  it("escapes as GitHub's toolkit does, so messages read back exactly and stay on one line", () => {
    expect(escapeData('100% a\r\nb: c, d')).toBe('100%25 a%0D%0Ab: c, d')
    expect(escapeProperty('100% a\r\nb: c, d')).toBe('100%25 a%0D%0Ab%3A c%2C d')
    expect(cmds[2]!.message).toBe(
      'Header `keepalive_timeout 30s 120s` | says 120 s, but <b>nginx</b> closes at 30 s & 100% of "clients" wait: a, b\nsecond line\nFix: Make the header, at most, the timeout: keepalive_timeout 30s 30s;',
    )
    const weird = 'a,b:c%d\ne.conf'
    const line = renderGithub(result([host('h', [finding({ruleId: 'r', severity: 'error', location: {file: weird, line: 2, text: `${weird}:2`}, message: '::error::injected\n::warning::too'})])]), ctx()).trimEnd()
    expect(line.split('\n')).toHaveLength(1)
    expect(line).toBe('::error file=a%2Cb%3Ac%25d%0Ae.conf,line=2,title=r::::error::injected%0A::warning::too')
    expect(parseCommand(line)).toEqual({command: 'error', props: {file: weird, line: '2', title: 'r'}, message: '::error::injected\n::warning::too'})
  })

  it('names hosts when there are several, and reports unreadable inputs and failed rules', () => {
    const broken = renderGithub(brokenResult(), ctx()).trimEnd().split('\n').map(parseCommand)
    expect(broken.map((c) => c.message.split('\n')[0])).toEqual([
      '[web1] Message of sysctl-tw-recycle-dead-config.',
      '[web2] Message of sysctl-tw-recycle-dead-config.',
      '[web1] unexpected "}" \u001B[31m',
      'web1, web2',
      'web2: no such key: host.foo',
    ])
    expect(broken[2]).toMatchObject({command: 'warning', props: {file: '/etc/nginx/conf.d/bad\u0007.conf', line: '2', col: '7', title: 'conntune: incomplete'}})
    // Several hosts: one notice per rule with the hosts it fired on.
    expect(broken[3]).toMatchObject({command: 'notice', props: {title: 'sysctl-tw-recycle-dead-config on 2/2 hosts'}})
    expect(broken[4]).toMatchObject({command: 'error', props: {file: '/rules/my-own-rule.yaml', title: 'conntune: rule my-own-rule failed'}})
  })

  it('writes nothing when there is nothing to say', () => {
    expect(renderGithub(result([host('h', [])]), ctx())).toBe('')
  })
})
