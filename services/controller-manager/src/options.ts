import os from 'node:os';
import { randomBytes } from 'node:crypto';
import { OptionsError, boolOption, compileLeaderElection, durationOption, hostPortOption, type HostPort, type LeaderElectionFlags } from '@kite/common';
import { parseCidr, type Cidr } from './logic/cidr.js';

export type Profile = 'kubernetes' | 'fast';

/** Every controller this process can run, by its kube-controller-manager name. */
export const CONTROLLERS = [
  'replicaset',
  'deployment',
  'job',
  'daemonset',
  'statefulset',
  'endpoint',
  'garbagecollector',
  'namespace',
  'nodelifecycle',
  'nodeipam',
  'podgc',
] as const;
export type ControllerName = (typeof CONTROLLERS)[number];

/** Off unless named (kube-controller-manager's disabled-by-default list); every controller kite has runs by default. */
export const DISABLED_BY_DEFAULT: ReadonlySet<ControllerName> = new Set<ControllerName>();

/** kite-controller-manager's settings as given on the command line or in the environment. */
export interface ControllerManagerOptions extends LeaderElectionFlags {
  /** kite-apiserver's gRPC address. Default 127.0.0.1:6444. */
  apiserver?: string;
  /** `*` (every default controller), names to add, `-name` to drop. Default `*`. */
  controllers?: string;
  /** Campaign for the controller-manager Lease and act only while holding it. Default true. */
  leaderElect?: boolean | string;
  /** Timing defaults: `kubernetes` or `fast`. Default kubernetes. */
  profile?: string;
  /** Lease timings and namespace/name (default kube-system/kube-controller-manager): LeaderElectionFlags. */
  identity?: string;
  /** /healthz /readyz /metrics address. Default 127.0.0.1:10257. */
  metricsListen?: string;
  concurrentReplicasetSyncs?: string;
  concurrentDeploymentSyncs?: string;
  concurrentJobSyncs?: string;
  concurrentDaemonsetSyncs?: string;
  concurrentStatefulsetSyncs?: string;
  concurrentEndpointSyncs?: string;
  concurrentGcSyncs?: string;
  concurrentNamespaceSyncs?: string;
  /** A node whose Lease is not renewed this long is Unknown. kubernetes 40s, fast 4s. */
  nodeMonitorGracePeriod?: string;
  /** How often node health is checked. kubernetes 5s, fast 1s. */
  nodeMonitorPeriod?: string;
  /** Grace for a node that never posted status. kubernetes 60s, fast 10s. */
  nodeStartupGracePeriod?: string;
  /** Give nodes a podCIDR from clusterCidr. Default true. */
  allocateNodeCidrs?: boolean | string;
  clusterCidr?: string;
  nodeCidrMaskSize?: string;
  /** First delay before a Job replaces a failed pod, doubling per failure. kubernetes 10s, fast 1s. */
  jobBackoff?: string;
}

export interface CompiledControllerManagerOptions {
  apiserver: string;
  controllers: Set<ControllerName>;
  leaderElect: boolean;
  profile: Profile;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  lease: { namespace: string; name: string };
  identity: string;
  metricsListen: HostPort;
  workers: Record<ControllerName, number>;
  nodeMonitorGracePeriodMs: number;
  nodeMonitorPeriodMs: number;
  nodeStartupGracePeriodMs: number;
  allocateNodeCidrs: boolean;
  clusterCidr: Cidr;
  nodeCidrMaskSize: number;
  jobBackoffMs: number;
  /** How long a pod bound to a vanished node waits before it is force-deleted. */
  podGcQuarantineMs: number;
}

const PROFILES: Record<Profile, { lease: number; renew: number; retry: number; grace: number; monitor: number; startup: number; jobBackoff: number; podGcQuarantine: number }> = {
  kubernetes: { lease: 15_000, renew: 10_000, retry: 2_000, grace: 40_000, monitor: 5_000, startup: 60_000, jobBackoff: 10_000, podGcQuarantine: 40_000 },
  fast: { lease: 4_000, renew: 3_000, retry: 1_000, grace: 4_000, monitor: 500, startup: 10_000, jobBackoff: 1_000, podGcQuarantine: 2_000 },
};

function int(flag: string, v: string | undefined, dflt: number, min = 1, max = 1000): number {
  if (v === undefined || v === '') return dflt;
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new OptionsError(`--${flag} must be an integer from ${min} to ${max}, got ${JSON.stringify(v)}`);
  return Number(v);
}

/** Accepts the newer `-controller` suffixed names too (`garbage-collector-controller`). */
function canonical(name: string): ControllerName | undefined {
  const n = name.replace(/-controller$/, '').replace(/-/g, '');
  const alias: Record<string, ControllerName> = { endpoints: 'endpoint', podgarbagecollector: 'podgc', garbagecollector: 'garbagecollector', nodelifecycle: 'nodelifecycle', nodeipam: 'nodeipam' };
  const c = alias[n] ?? n;
  return (CONTROLLERS as readonly string[]).includes(c) ? (c as ControllerName) : undefined;
}

/** kube-controller-manager's --controllers: `*` is every default one, `name` adds, `-name` removes. */
export function selectControllers(spec: string): Set<ControllerName> {
  const out = new Set<ControllerName>();
  const items = spec.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (items.length === 0) throw new OptionsError('--controllers must name at least one controller or *');
  if (items.includes('*')) for (const c of CONTROLLERS) if (!DISABLED_BY_DEFAULT.has(c)) out.add(c);
  for (const item of items) {
    if (item === '*') continue;
    const off = item.startsWith('-');
    const c = canonical(off ? item.slice(1) : item);
    if (c === undefined) throw new OptionsError(`--controllers: unknown controller ${JSON.stringify(item)} (known: ${CONTROLLERS.join(', ')})`);
    if (off) out.delete(c);
    else out.add(c);
  }
  return out;
}

export function compileControllerManagerOptions(o: ControllerManagerOptions): CompiledControllerManagerOptions {
  const profile = (o.profile ?? 'kubernetes') as Profile;
  const p = PROFILES[profile];
  if (p === undefined) throw new OptionsError(`--profile must be kubernetes or fast, got ${JSON.stringify(o.profile)}`);
  const election = compileLeaderElection(o, { leaseMs: p.lease, renewMs: p.renew, retryMs: p.retry, lease: 'kube-system/kube-controller-manager' });
  const metricsListen = hostPortOption('metrics-listen', o.metricsListen ?? '127.0.0.1:10257');
  const apiserver = o.apiserver ?? '127.0.0.1:6444';
  if (!/^[^\s/]+:\d+$/.test(apiserver)) throw new OptionsError(`--apiserver must be host:port, got ${JSON.stringify(apiserver)}`);
  let clusterCidr: Cidr;
  try {
    clusterCidr = parseCidr(o.clusterCidr ?? '10.244.0.0/16');
  } catch (err) {
    throw new OptionsError(`--cluster-cidr: ${(err as Error).message}`);
  }
  const nodeCidrMaskSize = int('node-cidr-mask-size', o.nodeCidrMaskSize, 24, 1, 32);
  if (nodeCidrMaskSize < clusterCidr.prefix) throw new OptionsError(`--node-cidr-mask-size (${nodeCidrMaskSize}) must not be smaller than the cluster CIDR's prefix (${clusterCidr.prefix})`);
  return {
    apiserver,
    controllers: selectControllers(o.controllers ?? '*'),
    leaderElect: boolOption('leader-elect', o.leaderElect, true),
    profile,
    ...election,
    identity: o.identity || `${os.hostname()}_${randomBytes(4).toString('hex')}`,
    metricsListen,
    workers: {
      replicaset: int('concurrent-replicaset-syncs', o.concurrentReplicasetSyncs, 5),
      deployment: int('concurrent-deployment-syncs', o.concurrentDeploymentSyncs, 5),
      job: int('concurrent-job-syncs', o.concurrentJobSyncs, 5),
      daemonset: int('concurrent-daemonset-syncs', o.concurrentDaemonsetSyncs, 2),
      statefulset: int('concurrent-statefulset-syncs', o.concurrentStatefulsetSyncs, 5),
      endpoint: int('concurrent-endpoint-syncs', o.concurrentEndpointSyncs, 5),
      garbagecollector: int('concurrent-gc-syncs', o.concurrentGcSyncs, 20),
      namespace: int('concurrent-namespace-syncs', o.concurrentNamespaceSyncs, 10),
      nodelifecycle: 1,
      nodeipam: 1,
      podgc: 2,
    },
    nodeMonitorGracePeriodMs: durationOption('node-monitor-grace-period', o.nodeMonitorGracePeriod, p.grace),
    nodeMonitorPeriodMs: durationOption('node-monitor-period', o.nodeMonitorPeriod, p.monitor),
    nodeStartupGracePeriodMs: durationOption('node-startup-grace-period', o.nodeStartupGracePeriod, p.startup),
    allocateNodeCidrs: boolOption('allocate-node-cidrs', o.allocateNodeCidrs, true),
    clusterCidr,
    nodeCidrMaskSize,
    jobBackoffMs: durationOption('job-backoff', o.jobBackoff, p.jobBackoff),
    podGcQuarantineMs: p.podGcQuarantine,
  };
}
