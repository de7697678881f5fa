import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../cli/base.js'
import {FRONTEND_NAMES} from '../model/frontends.js'

const KINDS = ['nginx', 'gunicorn', 'lighttpd', 'sysctl']

export default class Generate extends BaseCommand {
  static summary = 'Generate an nginx, gunicorn, lighttpd or sysctl.d config whose timeouts line up along the request path'
  static description = `The values come from the same load-balancer presets and version rules the audit uses: each server keeps idle connections longer than its client (balancer → nginx → upstream pool → backend), so \`conntune check\` on the output finds nothing to fix. Every choice is explained in a comment, with its numbers.

nginx: an http{} snippet with one upstream and one server, keep-alive written the way --nginx-version needs it. gunicorn: gunicorn.conf.py (gthread worker). lighttpd: a lighttpd.conf. sysctl: a sysctl.d drop-in for --role.`
  static examples = [
    '<%= config.bin %> generate nginx --behind aws-alb --backend gunicorn@127.0.0.1:8000 --nginx-version 1.30.0 -o /etc/nginx/conf.d/app.conf',
    '<%= config.bin %> generate nginx --behind aws-alb --real-ip-from 10.0.0.0/16 --websocket --backend gunicorn@unix:/run/app.sock',
    '<%= config.bin %> generate gunicorn --behind aws-alb --role proxy -o gunicorn.conf.py',
    '<%= config.bin %> generate nginx --backend node@127.0.0.1:3000 --backend-idle-timeout 65',
    '<%= config.bin %> generate sysctl --role proxy --behind aws-nlb -o /etc/sysctl.d/60-conntune.conf',
  ]
  static args = {kind: Args.string({description: 'What to generate', required: true, options: KINDS})}
  static flags = {
    behind: Flags.string({description: 'The load balancer in front (its idle timeout decides the first server\'s)', options: FRONTEND_NAMES}),
    'lb-idle-timeout': Flags.integer({description: 'Idle timeout of the load balancer in front, in seconds (overrides the preset)', min: 1, helpValue: 'S'}),
    'nat-idle-timeout': Flags.integer({description: 'Idle timeout of a NAT gateway or firewall on the path, in seconds (sysctl: TCP keepalive below it)', min: 1, helpValue: 'S'}),
    backend: Flags.string({description: 'What nginx proxies to: gunicorn|uvicorn|node@HOST:PORT or @unix:/path (default gunicorn@127.0.0.1:8000)', helpValue: 'KIND@ADDRESS'}),
    'backend-idle-timeout': Flags.integer({description: 'The uvicorn/node backend\'s idle timeout if you changed its default (5 s)', min: 1, helpValue: 'S'}),
    role: Flags.string({description: 'proxy: this host connects to upstreams (gunicorn sits behind nginx); server: it only accepts (gunicorn faces the balancer)', options: ['proxy', 'server']}),
    'nginx-version': Flags.string({description: 'The nginx version the config is for (upstream keep-alive defaults changed in 1.29.7; default: written for any version)', helpValue: 'X.Y.Z'}),
    listen: Flags.string({description: 'Where nginx/lighttpd listen: PORT, HOST:PORT or [IPv6]:PORT (default 80)', helpValue: 'ADDR'}),
    'document-root': Flags.string({description: 'lighttpd server.document-root (default /var/www/html)', helpValue: 'DIR'}),
    'real-ip-from': Flags.string({description: 'nginx: a balancer address range to take the client address from (set_real_ip_from; repeatable)', multiple: true, helpValue: 'CIDR'}),
    websocket: Flags.boolean({description: 'nginx: proxy WebSocket upgrades, with the upgrade map that keeps ordinary requests on pooled connections'}),
    output: Flags.string({char: 'o', description: 'Write to FILE (whole or not at all) instead of stdout', helpValue: 'FILE'}),
  }

  async run(): Promise<unknown> {
    const {args, flags} = await this.parse(Generate)
    const {generate} = await import('../generate/render.js')
    const result = await generate(args.kind as 'nginx' | 'gunicorn' | 'lighttpd' | 'sysctl', {
      behind: flags.behind,
      lbIdleTimeout: flags['lb-idle-timeout'],
      natIdleTimeout: flags['nat-idle-timeout'],
      backend: flags.backend,
      backendIdleTimeout: flags['backend-idle-timeout'],
      role: flags.role as 'proxy' | 'server' | undefined,
      nginxVersion: flags['nginx-version'],
      listen: flags.listen,
      documentRoot: flags['document-root'],
      realIpFrom: flags['real-ip-from'],
      websocket: flags.websocket,
    })
    if (flags.output) {
      const {writeFileAtomic} = await import('../cli/write.js')
      writeFileAtomic(flags.output, result.text)
    } else if (!this.jsonEnabled()) process.stdout.write(result.text)
    return result
  }
}
