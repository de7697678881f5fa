import {isGlobKey, normalizeSysctlKey, sysctlKeyToPath, sysctlPathToKey} from '../../../../src/parsers/sysctl/index.js'

describe('sysctl key spelling', () => {
  it('swaps "." and "/" when the first separator is a dot (sysctl.d(5))', () => {
    expect(sysctlKeyToPath('net.ipv4.conf.enp3s0/200.forwarding')).toBe('net/ipv4/conf/enp3s0.200/forwarding')
    expect(normalizeSysctlKey('net.ipv4.conf.enp3s0/200.forwarding')).toBe('net.ipv4.conf.enp3s0/200.forwarding')
  })
  it('keeps a slash-first key as a path, dots inside a component being literal', () => {
    expect(sysctlKeyToPath('net/ipv4/conf/enp3s0.200/forwarding')).toBe('net/ipv4/conf/enp3s0.200/forwarding')
    expect(normalizeSysctlKey('net/ipv4/conf/enp3s0.200/forwarding')).toBe('net.ipv4.conf.enp3s0/200.forwarding')
    expect(normalizeSysctlKey('kernel/domainname')).toBe('kernel.domainname')
  })
  it('treats the mixed forms of the man page the same way', () => {
    // "key/middle.part.with.dots/foo" and "key.middle/part/with/dots.foo" name one path.
    expect(sysctlKeyToPath('key/middle.part.with.dots/foo')).toBe('key/middle.part.with.dots/foo')
    expect(sysctlKeyToPath('key.middle/part/with/dots.foo')).toBe('key/middle.part.with.dots/foo')
  })
  it('simplifies the path like systemd: repeated separators, "." parts and a leading "/" go', () => {
    expect(normalizeSysctlKey('net..ipv4...tcp_reordering')).toBe('net.ipv4.tcp_reordering')
    expect(normalizeSysctlKey('/net/ipv4/tcp_max_syn_backlog')).toBe('net.ipv4.tcp_max_syn_backlog')
    expect(normalizeSysctlKey('net//./ipv4/x/')).toBe('net.ipv4.x')
    expect(normalizeSysctlKey('kernel')).toBe('kernel')
  })
  it('converts paths back to keys', () => {
    expect(sysctlPathToKey('net/ipv4/conf/eth0.1/rp_filter')).toBe('net.ipv4.conf.eth0/1.rp_filter')
  })
  it('knows glob keys (systemd string_is_glob: * ? [)', () => {
    expect(isGlobKey('net.ipv4.conf.*.rp_filter')).toBe(true)
    expect(isGlobKey('net.ipv4.conf.eth?.rp_filter')).toBe(true)
    expect(isGlobKey('net.ipv4.conf.eth[01].rp_filter')).toBe(true)
    expect(isGlobKey('net.ipv4.conf.all.rp_filter')).toBe(false)
  })
})
