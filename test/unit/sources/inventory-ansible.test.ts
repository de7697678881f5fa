// Ansible inventory variables that change how a host is reached (key file, become, extra ssh
// arguments), and `ansible-inventory --list` JSON. Extra arguments are an argument array and
// meet the same host-key rules as --ssh-option.
import {homedir} from 'node:os'
import {UserError} from '../../../src/errors.js'
import {inventoryTargets, parseInventory} from '../../../src/sources/inventory.js'
import {sshArgs, sshConfigArgs} from '../../../src/sources/ssh.js'

const targets = async (text: string, file = 'hosts.ini') => inventoryTargets(await parseInventory(text, file))

describe('ansible connection variables', () => {
  it('key file (-i, ~ expanded), become (sudo -n), common and extra args split as shell words', async () => {
    const [t] = await targets(
      `[web]\nweb1 ansible_host=10.0.0.1 ansible_ssh_private_key_file=~/.ssh/deploy ansible_become=yes ansible_ssh_common_args='-o ProxyJump="ops@bastion:2222"' ansible_ssh_extra_args="-oServerAliveInterval=5 -C"\n`,
    )
    expect(t).toMatchObject({host: '10.0.0.1', label: 'web1', identityFile: `${homedir()}/.ssh/deploy`, sudo: true})
    expect(sshArgs(t, {})).toEqual([
      '-T', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=10',
      '-o', 'ProxyJump=ops@bastion:2222', '-o', 'ServerAliveInterval=5', '-C',
      '-i', `${homedir()}/.ssh/deploy`, '--', '10.0.0.1', 'sudo -n sh -s',
    ])
    // The ssh -G check sees the same arguments.
    expect(sshConfigArgs(t, {}).slice(0, 9)).toEqual(['-G', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=10', '-o', 'ProxyJump=ops@bastion:2222', '-o', 'ServerAliveInterval=5'])
  })

  it('groups of one depth merge in name order by code point, as Ansible sorts them (the later group wins)', async () => {
    // Ansible's sort_groups: sorted by (depth, priority, name), Python string order; "B" < "a".
    const [t] = await targets(`[a]\nweb1\n[B]\nweb1\n[a:vars]\nansible_user=from_a\n[B:vars]\nansible_user=from_B\n`)
    expect(t).toMatchObject({label: 'web1', user: 'from_a'})
  })

  it('the command line wins: --ssh-option comes before the inventory arguments (ssh keeps the first value)', async () => {
    const [t] = await targets(`web1 ansible_ssh_extra_args="-o ConnectTimeout=99"\n`)
    const args = sshArgs(t, {sshOptions: ['ConnectTimeout=3']})
    expect(args.indexOf('ConnectTimeout=3')).toBeLessThan(args.indexOf('ConnectTimeout=99'))
  })

  it.each([
    [`web1 ansible_ssh_common_args="-o StrictHostKeyChecking=no"`, /hosts\.ini:1: ansible_ssh_common_args: -o .*never turns off host-key checking/],
    [`web1 ansible_ssh_extra_args='-o UserKnownHostsFile=/dev/null'`, /never turns off host-key checking/],
    [`web1 ansible_ssh_common_args="-oStrictHostKeyChecking=False"`, /never turns off host-key checking/],
    [`web1 ansible_ssh_extra_args="-F /tmp/evil_config"`, /passes only -o, -J, -i, -C, -4 and -6 to ssh; not "-F"/],
    [`web1 ansible_ssh_extra_args="-o"`, /-o needs a value/],
    [`web1 ansible_ssh_common_args="-o 'Unclosed"`, /No closing quotation/],
    [`web1 ansible_ssh_common_args='-o ProxyCommand="sh -c \\"touch /tmp/pwned\\""'`, /-o ProxyCommand=…: nothing in an inventory is run on this machine/],
    [`web1 ansible_ssh_extra_args="-oPKCS11Provider=/tmp/evil.so"`, /nothing in an inventory is run/],
    [`web1 ansible_ssh_extra_args="-o ControlPath=/etc/x -o ControlMaster=yes"`, /nothing in an inventory is run/],
    [`web1 ansible_become=maybe`, /ansible_become="maybe" is not a boolean/],
    [`web1 ansible_become=true ansible_become_method=su`, /conntune becomes root only with sudo -n/],
    [`web1 ansible_become=true ansible_become_user=postgres`, /ansible_become_user="postgres": conntune becomes root only/],
  ])('refuses %s', async (line, message) => {
    await expect(targets(`${line}\n`)).rejects.toThrow(message)
    await expect(targets(`${line}\n`)).rejects.toBeInstanceOf(UserError)
  })

  it('ansible_become=false and no extra args change nothing', async () => {
    const [t] = await targets('web1 ansible_become=False\n')
    expect(sshArgs(t, {})).toEqual(['-T', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=10', '--', 'web1', 'sh -s'])
  })
})

describe('ansible-inventory --list JSON', () => {
  // The shape ansible-inventory --list prints (ansible-core 2.15): groups with hosts/children,
  // every host's merged vars under _meta.hostvars.
  const LIST = JSON.stringify({
    _meta: {
      hostvars: {
        'web1.example.com': {ansible_host: '10.0.0.11', ansible_user: 'deploy', ansible_become: true},
        'web2.example.com': {ansible_host: '10.0.0.12', ansible_user: 'deploy', ansible_port: 2222},
        db1: {ansible_host: '10.0.1.5', ansible_ssh_private_key_file: '/keys/db'},
      },
    },
    all: {children: ['ungrouped', 'prod']},
    prod: {children: ['web', 'db']},
    web: {hosts: ['web1.example.com', 'web2.example.com']},
    db: {hosts: ['db1']},
  }, null, 2)

  it('reads hosts, groups and children; --limit works on them', async () => {
    const inv = await parseInventory(LIST, 'inventory.json')
    expect(inventoryTargets(inv).map((t) => [t.label, t.host, t.user ?? null, t.port ?? null, t.sudo ?? false, t.identityFile ?? null])).toEqual([
      ['web1.example.com', '10.0.0.11', 'deploy', null, true, null],
      ['web2.example.com', '10.0.0.12', 'deploy', 2222, false, null],
      ['db1', '10.0.1.5', null, null, false, '/keys/db'],
    ])
    expect(inventoryTargets(inv, 'prod').map((t) => t.label)).toEqual(['web1.example.com', 'web2.example.com', 'db1'])
    expect(inventoryTargets(inv, 'db').map((t) => t.label)).toEqual(['db1'])
  })

  it('is recognised without a .json name (ansible-inventory --list > inv)', async () => {
    expect(inventoryTargets(await parseInventory(LIST, 'inv')).length).toBe(3)
  })

  it('bad JSON and bad shapes are one clear error', async () => {
    await expect(parseInventory('{"web": ', 'inv.json')).rejects.toThrow(/^inv\.json: invalid JSON/)
    await expect(parseInventory('{"web": {"hosts": "web1"}}', 'inv.json')).rejects.toThrow('inv.json: hosts of group web must be a list of names')
    await expect(parseInventory('{"web": [1]}', 'inv.json')).rejects.toThrow('must be an object')
  })
})
