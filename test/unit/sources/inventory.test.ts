// Inventories: Ansible INI and YAML (groups, children, vars, ranges) and plain lists, --limit,
// and errors that name file:line.
import {UserError} from '../../../src/errors.js'
import {detectInventoryFormat, expandRange, inventoryTargets, parseInventory} from '../../../src/sources/inventory.js'
import {parseHostSpec, sshArgs, checkSshOption} from '../../../src/sources/ssh.js'

const INI = `# fleet
[web]
web[01:03].example.com ansible_user=deploy
edge ansible_host=10.0.0.9 ansible_port=2222   # the odd one

[db]
db1 ansible_host="10.0.1.5"

[prod:children]
web
db

[prod:vars]
ansible_user=ops

[web:vars]
ansible_port=2200
`

const YAML = `all:
  vars:
    ansible_user: root
  hosts:
    bastion:
      ansible_host: 192.0.2.1
  children:
    web:
      vars:
        ansible_port: 2201
      hosts:
        web[1:2]:
        web3:
          ansible_host: 10.0.0.3
          ansible_user: deploy
    db:
      hosts:
        db1:
`

describe('Ansible INI inventories', () => {
  it('reads groups, ranges, host vars and group vars (child groups win over parents, hosts over groups)', async () => {
    const inv = await parseInventory(INI, 'hosts.ini')
    expect(inventoryTargets(inv)).toEqual([
      {host: 'web01.example.com', label: 'web01.example.com', user: 'deploy', port: 2200},
      {host: 'web02.example.com', label: 'web02.example.com', user: 'deploy', port: 2200},
      {host: 'web03.example.com', label: 'web03.example.com', user: 'deploy', port: 2200},
      {host: '10.0.0.9', label: 'edge', user: 'ops', port: 2222},
      {host: '10.0.1.5', label: 'db1', user: 'ops'},
    ])
  })

  it('--limit takes groups, child groups and host names', async () => {
    const inv = await parseInventory(INI, 'hosts.ini')
    expect(inventoryTargets(inv, 'db').map((t) => t.label)).toEqual(['db1'])
    expect(inventoryTargets(inv, 'prod').map((t) => t.label)).toHaveLength(5)
    expect(inventoryTargets(inv, 'edge,db1').map((t) => t.label)).toEqual(['edge', 'db1'])
    expect(() => inventoryTargets(inv, 'nope')).toThrow('--limit nope: no such group or host in hosts.ini')
  })

  it('errors name file:line', async () => {
    await expect(parseInventory('[web]\nweb1\n[web:bogus]\n', 'h.ini')).rejects.toThrow('h.ini:3: invalid section header')
    await expect(parseInventory('[web]\nweb1 a b\n', 'h.ini')).rejects.toThrow('h.ini:2: expected a host name followed by key=value pairs')
    await expect(parseInventory('[web:vars]\nnot a var\n', 'h.ini')).rejects.toThrow('h.ini:2: expected key=value')
    await expect(parseInventory('[web]\nweb[5:1]\n', 'h.ini')).rejects.toThrow('h.ini:2: invalid host range')
    await expect(parseInventory('[web]\nw1 ansible_port=99999\n', 'h.ini').then((i) => inventoryTargets(i))).rejects.toThrow('h.ini:2: invalid port "99999"')
    await expect(parseInventory('[web]\n-oProxyCommand=x\n', 'h.ini').then((i) => inventoryTargets(i))).rejects.toThrow(UserError)
    await expect(parseInventory('[a:children]\nb\n[b:children]\na\n[a]\nh1\n', 'h.ini').then((i) => inventoryTargets(i, 'a'))).rejects.toThrow('groups include each other')
  })
})

describe('Ansible YAML inventories', () => {
  it('reads nested groups, vars and ranges', async () => {
    const inv = await parseInventory(YAML, 'inv.yaml')
    expect(inventoryTargets(inv)).toEqual([
      {host: '192.0.2.1', label: 'bastion', user: 'root'},
      {host: 'web1', label: 'web1', user: 'root', port: 2201},
      {host: 'web2', label: 'web2', user: 'root', port: 2201},
      {host: '10.0.0.3', label: 'web3', user: 'deploy', port: 2201},
      {host: 'db1', label: 'db1', user: 'root'},
    ])
    expect(inventoryTargets(inv, 'web').map((t) => t.label)).toEqual(['web1', 'web2', 'web3'])
  })

  it('errors name file:line', async () => {
    await expect(parseInventory('all:\n  hosts: [a, b]\n', 'i.yml')).rejects.toThrow('i.yml:2: hosts of all must be a mapping')
    await expect(parseInventory('all:\n  hostz:\n    a:\n', 'i.yml')).rejects.toThrow('i.yml:2: unknown key "hostz" in group all')
    await expect(parseInventory('all:\n  hosts:\n   a: [\n', 'i.yml')).rejects.toThrow(/^i\.yml:\d+:\d+: invalid YAML/)
  })
})

describe('plain host lists', () => {
  it('one [user@]host[:port] per line with comments', async () => {
    const inv = await parseInventory('# hosts\nweb1\nroot@10.0.0.2:2222  # db\n\n[::1]:22\n', 'hosts.txt')
    expect(inventoryTargets(inv)).toEqual([
      {host: 'web1', label: 'web1'},
      {host: '10.0.0.2', label: 'root@10.0.0.2:2222', user: 'root', port: 2222},
      {host: '::1', label: '[::1]:22', port: 22},
    ])
    await expect(parseInventory('web1\nweb 2\n', 'hosts.txt')).rejects.toThrow('hosts.txt:2: one host per line')
  })

  it('detects the format', () => {
    expect(detectInventoryFormat('x', 'web1\nweb2\n')).toBe('plain')
    expect(detectInventoryFormat('x', '[web]\nweb1\n')).toBe('ini')
    expect(detectInventoryFormat('x', 'web1 ansible_host=1.2.3.4\n')).toBe('ini')
    expect(detectInventoryFormat('x', 'all:\n  hosts:\n')).toBe('yaml')
    expect(detectInventoryFormat('x.yml', 'web1\n')).toBe('yaml')
  })

  it('ranges: padding, letters, steps', () => {
    expect(expandRange('w[08:10]', 'f:1')).toEqual(['w08', 'w09', 'w10'])
    expect(expandRange('db-[a:c].x', 'f:1')).toEqual(['db-a.x', 'db-b.x', 'db-c.x'])
    expect(expandRange('n[0:10:5]', 'f:1')).toEqual(['n0', 'n5', 'n10'])
  })
})

describe('ssh arguments', () => {
  it('one argument array, BatchMode, the script on stdin, nothing after -- is an option', () => {
    const t = parseHostSpec('deploy@web1:2222')
    expect(sshArgs(t, {sshConfig: '/tmp/cfg', sshOptions: ['ProxyJump=bastion'], sudo: true})).toEqual([
      '-T', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=10', '-F', '/tmp/cfg', '-o', 'ProxyJump=bastion', '-p', '2222', '-l', 'deploy', '--', 'web1', 'sudo -n sh -s',
    ])
    expect(sshArgs(parseHostSpec('web1'), {})).toEqual(['-T', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=10', '--', 'web1', 'sh -s'])
  })

  it('refuses host specs that are not hosts, and options that turn off host-key checking', () => {
    expect(() => parseHostSpec('-oProxyCommand=touch /tmp/x')).toThrow(UserError)
    expect(() => parseHostSpec('web1:0')).toThrow('invalid port')
    expect(() => parseHostSpec('a b')).toThrow('expected [user@]host[:port]')
    expect(() => checkSshOption('StrictHostKeyChecking=no')).toThrow('never turns off host-key checking')
    expect(() => checkSshOption('UserKnownHostsFile=/dev/null')).toThrow('never turns off host-key checking')
    expect(() => checkSshOption('novalue')).toThrow('expected KEY=VALUE')
    expect(() => checkSshOption('StrictHostKeyChecking=accept-new')).not.toThrow()
  })
})
