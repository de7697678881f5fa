// The model: plain data, all that rules see (documented by src/model/schema.json and the
// README). Every setting knows where it came from or, when the default is in force, where
// it would be written.
import type {Frontend} from './frontends.js'
import type {KernelVersion} from './kernel.js'
import type {ListenPortCounts, SocketSummary} from './sockets.js'

/** The servers configured on a port ("nginx server … at FILE:LINE") and their keep-alive settings. */
export interface PortOwners {
  owners: string[]
  keepalive: string[]
}

export type Destination = SocketSummary['destinations'][number] & {percent: number}
import type {PersistedEntry} from './sysctl.js'
import type {GunicornApp} from './servers/gunicorn.js'
import type {LighttpdModel} from './servers/lighttpd.js'
import type {NginxModel} from './servers/nginx.js'
import type {ConfigSetting} from './servers/setting.js'
import type {CommentLine} from './servers/discover.js'
import type {Hop} from './hops.js'
import type {LogEvidence} from './evidence.js'

export type Severity = 'error' | 'warning' | 'info'

/** A place a finding points at: a line in a file, or a kernel key. */
export interface Location {
  file?: string
  line?: number
  col?: number
  /** A sysctl key when the runtime value or the default is what matters. */
  sysctl?: string
  /** How it reads for people: "/etc/sysctl.d/10-net.conf:3" or "sysctl net.ipv4.tcp_tw_reuse (runtime)". */
  text: string
}

export interface SysctlSetting {
  key: string
  name: string
  /** The value in force: runtime when observed, else what boot applies, else the default. */
  value: string | null
  num: number | null
  source: 'runtime' | 'persisted' | 'default' | 'unknown'
  /** The key exists on this kernel; null when not observed (config files only). */
  present: boolean | null
  runtime: string | null
  persisted: PersistedEntry | null
  default: string | null
  /** Runtime and boot-time values are both known and differ: a reboot will change it. */
  differs: boolean
  location: Location
}

/** A problem reading or parsing one input: the audit goes on without it and is incomplete. */
export interface Problem {
  file: string
  line?: number
  col?: number
  message: string
}

export interface HostModel {
  name: string
  source: 'local' | 'ssh' | 'snapshot' | 'files' | 'example'
  /** Runtime values (/proc) were observed, not only configuration files. */
  live: boolean
  kernel: KernelVersion
  role: 'proxy' | 'server' | 'unknown'
  roleSource: string
  frontend: Frontend | null
  natIdleTimeout: number | null
  /** --expected-rate: new connections per second toward the busiest upstream. */
  expectedRate: number | null
  sysctl: Record<string, SysctlSetting>
  persisted: PersistedEntry[]
  /** The sysctl.d(5) files read for boot-time values, in applied order. */
  sysctlFiles: string[]
  ports: {low: number; high: number; size: number; reserved: number; available: number}
  timeWait: {
    /** sockstat "tw": TIME_WAIT sockets now (all of this netns). */
    count: number | null
    max: number | null
    share: number | null
    percent: number | null
    /** TcpExt TCPTimeWaitOverflow since boot (or since the netns was created). */
    overflows: number | null
    recycled: number | null
  }
  counters: Record<string, number> | null
  /** Each listening port also names the servers configured on it and their keep-alive settings. */
  sockets: SocketSummary & {listenPorts: Array<ListenPortCounts & PortOwners>}
  /** Outbound destinations (local ip → remote ip:port) with the most TIME_WAIT, any and non-loopback. */
  outbound: {busiestTimeWait: Destination | null; busiestRemoteTimeWait: Destination | null}
  /**
   * The shortest idle timeout of a middlebox that tracks TCP flows on the path (an L4 load
   * balancer, --nat-idle-timeout); L7 balancers end TCP themselves and are not counted.
   */
  flowIdle: {seconds: number; what: string} | null
  /**
   * Which sockets use TCP keepalive (SO_KEEPALIVE), so the kernel's tcp_keepalive_* apply:
   * server sockets that enable it in config with the kernel's idle time (nginx
   * `listen ... so_keepalive=on` or without an idle part; gunicorn never sets it), sockets seen
   * with a keepalive timer on a live host, and the middlebox whose flow timeout the kernel's
   * keepalive must beat: --nat-idle-timeout always (outgoing clients commonly enable it), an L4
   * frontend only when a listening socket uses the kernel's idle time.
   */
  keepalive: {
    listeners: Array<{what: string; file: string; line: number; idle: number | null}>
    kernelIdleListeners: number
    observedTimers: number | null
    flow: {seconds: number; what: string; kind: 'nat' | 'frontend'} | null
  }
  /** nginx on this host (present: false and empty lists when there is none). */
  nginx: NginxModel | (Omit<NginxModel, 'present'> & {present: false})
  lighttpd: LighttpdModel | (Omit<LighttpdModel, 'present'> & {present: false})
  gunicorn: {apps: GunicornApp[]}
  /** The request path: frontend → first server, nginx upstream → backend. */
  hops: Hop[]
  /** nginx's logs as evidence: what was read, counts per upstream peer, notes on what could not be used. */
  logs: LogEvidence
  /** Every listen backlog a server asks for, for net.core.somaxconn. */
  backlogs: Array<{server: 'nginx' | 'lighttpd' | 'gunicorn'; where: string; setting: ConfigSetting}>
  problems: Problem[]
  /** Comments of every file read, and those files' texts (inline ignores). */
  comments: CommentLine[]
  texts: Record<string, string>
}
