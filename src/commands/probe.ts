import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../cli/base.js'

export default class Probe extends BaseCommand {
  static summary = "Measure a backend's idle timeout with one keep-alive connection"
  static description = `Opens one HTTP/1.1 connection to each URL, sends one request (HEAD by default), and times how long the server keeps the idle connection before closing it. Reports the measured idle timeout, whether the server keeps connections at all (closes right after the response, or answers Connection: close), and its Keep-Alive header. One connection per target, nothing else sent; http:// and unix: targets.

Exit codes: 0 every target measured; 2 invalid target or flag; 3 a target could not be measured.`
  static examples = [
    '<%= config.bin %> probe http://127.0.0.1:8000/',
    '<%= config.bin %> probe unix:/run/app.sock --path /healthz --method GET',
    '<%= config.bin %> probe 10.0.2.15:3000 --max-idle 90 --format json',
  ]
  static strict = false
  static args = {url: Args.string({description: 'http://HOST:PORT/PATH, HOST:PORT, or unix:/PATH', required: true})}
  static flags = {
    method: Flags.string({description: 'Request method', options: ['HEAD', 'GET'], default: 'HEAD'}),
    path: Flags.string({description: 'Request path (default: the URL\'s, or /)', helpValue: 'PATH'}),
    'max-idle': Flags.integer({description: 'Stop waiting for the server to close an idle connection after S seconds (above the proxy\'s own idle timeout: nginx upstream keepalive_timeout is 60 s by default)', default: 75, min: 1, max: 3600, helpValue: 'S'}),
    'probe-timeout': Flags.integer({description: 'Bound on each probe as a whole, in seconds (default: max-idle + 15)', min: 1, max: 3700, helpValue: 'S'}),
    format: Flags.string({char: 'f', description: 'Output format', options: ['text', 'json'], default: 'text'}),
  }

  async run(): Promise<unknown> {
    const {argv, flags} = await this.parse(Probe)
    const {parseProbeTarget, probe, describeProbe} = await import('../probe/probe.js')
    const targets = (argv as string[]).map((u) => parseProbeTarget(u, flags.path))
    const maxIdle = flags['max-idle']
    const opts = {method: flags.method as 'HEAD' | 'GET', maxIdleSeconds: maxIdle, timeoutSeconds: flags['probe-timeout'] ?? maxIdle + 15}
    const results = await Promise.all(targets.map((t) => probe(t, opts)))
    this.finish(results.some((r) => r.error) ? 3 : 0)
    if (this.jsonEnabled()) return {format: 'conntune-probe', version: 1, results}
    if (flags.format === 'json') process.stdout.write(JSON.stringify({format: 'conntune-probe', version: 1, results}, null, 2) + '\n')
    else for (const r of results) process.stdout.write(describeProbe(r) + '\n')
    return undefined
  }
}
