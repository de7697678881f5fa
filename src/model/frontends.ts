// Load balancers and middleboxes in front of a host, with their idle timeouts (FACTS.md
// "The alignment rule"). `layer` matters: TCP keepalive probes keep an L4 flow alive but do
// not reset an HTTP (L7) load balancer's idle timer.

export interface FrontendPreset {
  name: string
  idleTimeout: number
  layer: 'l4' | 'l7'
  /**
   * It keeps a pool of idle connections to the backends (an HTTP proxy): the backend's idle
   * timeout must be longer than its own. A TCP pass-through balancer does not pool; the end
   * client owns the connection.
   */
  pools: boolean
  /** It tracks TCP flows and forgets idle ones (TCP keepalive must refresh them). */
  tracksFlows: boolean
  /** Backends must keep idle connections open at least this long (GCP: above 600, 620 usual). */
  recommendedBackendIdle: number
  description: string
  reference: string
}

export const FRONTEND_PRESETS: Record<string, FrontendPreset> = {
  'aws-alb': {
    pools: true, tracksFlows: false,
    name: 'aws-alb', idleTimeout: 60, layer: 'l7', recommendedBackendIdle: 65,
    description: 'AWS Application Load Balancer (idle timeout default 60 s)',
    reference: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#connection-idle-timeout',
  },
  'aws-nlb': {
    pools: false, tracksFlows: true,
    name: 'aws-nlb', idleTimeout: 350, layer: 'l4', recommendedBackendIdle: 360,
    description: 'AWS Network Load Balancer (TCP idle timeout 350 s)',
    reference: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/network/network-load-balancers.html#connection-idle-timeout',
  },
  'gcp-lb': {
    pools: true, tracksFlows: false,
    name: 'gcp-lb', idleTimeout: 600, layer: 'l7', recommendedBackendIdle: 620,
    description: 'Google Cloud external Application Load Balancer (backend keep-alive 600 s)',
    reference: 'https://cloud.google.com/load-balancing/docs/https#timeouts_and_retries',
  },
  'azure-lb': {
    pools: false, tracksFlows: true,
    name: 'azure-lb', idleTimeout: 240, layer: 'l4', recommendedBackendIdle: 250,
    description: 'Azure Load Balancer (idle timeout 4 min default)',
    reference: 'https://learn.microsoft.com/en-us/azure/load-balancer/load-balancer-tcp-reset',
  },
  'oci-lb': {
    pools: true, tracksFlows: true,
    name: 'oci-lb', idleTimeout: 300, layer: 'l4', recommendedBackendIdle: 310,
    description: 'OCI Load Balancer (idle timeout 300 s)',
    reference: 'https://docs.oracle.com/en-us/iaas/Content/Balance/Reference/connectionreuse.htm',
  },
  heroku: {
    pools: true, tracksFlows: false,
    name: 'heroku', idleTimeout: 90, layer: 'l7', recommendedBackendIdle: 95,
    description: 'Heroku router 2.0 (idle timeout 90 s)',
    reference: 'https://devcenter.heroku.com/articles/http-routing#keepalives',
  },
}

export const FRONTEND_NAMES = [...Object.keys(FRONTEND_PRESETS), 'none']

export interface Frontend {
  name: string
  idleTimeout: number
  layer: 'l4' | 'l7' | 'unknown'
  pools: boolean
  tracksFlows: boolean
  recommendedBackendIdle: number
  source: string
}

export function resolveFrontend(opts: {behind?: string; lbIdleTimeout?: number; source?: string}): Frontend | null {
  if (opts.lbIdleTimeout !== undefined) {
    const preset = opts.behind ? FRONTEND_PRESETS[opts.behind] : undefined
    return {
      name: preset?.name ?? 'custom',
      idleTimeout: opts.lbIdleTimeout,
      layer: preset?.layer ?? 'unknown',
      // A bare idle timeout is most often an HTTP balancer's; both checks apply.
      pools: preset?.pools ?? true,
      tracksFlows: preset?.tracksFlows ?? true,
      recommendedBackendIdle: opts.lbIdleTimeout + Math.max(5, Math.ceil(opts.lbIdleTimeout / 30)),
      source: opts.source ?? '--lb-idle-timeout',
    }
  }
  if (!opts.behind || opts.behind === 'none') return null
  const p = FRONTEND_PRESETS[opts.behind]
  if (!p) return null
  return {name: p.name, idleTimeout: p.idleTimeout, layer: p.layer, pools: p.pools, tracksFlows: p.tracksFlows, recommendedBackendIdle: p.recommendedBackendIdle, source: opts.source ?? `--behind ${p.name}`}
}
