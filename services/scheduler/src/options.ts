import os from 'node:os';
import { randomBytes } from 'node:crypto';
import { OptionsError, boolOption, compileLeaderElection, hostPortOption, type HostPort, type LeaderElectionFlags } from '@kite/common';

export type Profile = 'kubernetes' | 'fast';

/** kite-scheduler's settings as given on the command line or in the environment. */
export interface SchedulerOptions extends LeaderElectionFlags {
  /** kite-apiserver's gRPC address. Default 127.0.0.1:6444. */
  apiserver?: string;
  /** Campaign for the scheduler Lease and act only while holding it. Default true. */
  leaderElect?: boolean | string;
  /** Timing defaults: `kubernetes` (lease 15s/10s/2s) or `fast` (4s/3s/1s). Default kubernetes. */
  profile?: string;
  /** Lease timings (each overrides the profile's) and namespace/name (default kube-system/kube-scheduler): LeaderElectionFlags. */
  /** This candidate's identity in the Lease. Default hostname_random. */
  identity?: string;
  /** The schedulerName this instance serves. Default default-scheduler. */
  schedulerName?: string;
  /** /healthz /readyz /metrics address. Default 127.0.0.1:10259; port 0 picks a free port. */
  metricsListen?: string;
}

export interface CompiledSchedulerOptions {
  apiserver: string;
  leaderElect: boolean;
  profile: Profile;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  lease: { namespace: string; name: string };
  identity: string;
  schedulerName: string;
  metricsListen: HostPort;
  /** Unschedulable pods are retried after this long without a helpful event. */
  maxUnschedulableMs: number;
}

const PROFILES: Record<Profile, { lease: number; renew: number; retry: number; unschedulable: number }> = {
  kubernetes: { lease: 15_000, renew: 10_000, retry: 2_000, unschedulable: 5 * 60_000 },
  fast: { lease: 4_000, renew: 3_000, retry: 1_000, unschedulable: 30_000 },
};

export function compileSchedulerOptions(o: SchedulerOptions): CompiledSchedulerOptions {
  const profile = (o.profile ?? 'kubernetes') as Profile;
  const p = PROFILES[profile];
  if (p === undefined) throw new OptionsError(`--profile must be kubernetes or fast, got ${JSON.stringify(o.profile)}`);
  const election = compileLeaderElection(o, { leaseMs: p.lease, renewMs: p.renew, retryMs: p.retry, lease: 'kube-system/kube-scheduler' });
  const metricsListen = hostPortOption('metrics-listen', o.metricsListen ?? '127.0.0.1:10259');
  const apiserver = o.apiserver ?? '127.0.0.1:6444';
  if (!/^[^\s/]+:\d+$/.test(apiserver)) throw new OptionsError(`--apiserver must be host:port, got ${JSON.stringify(apiserver)}`);
  return {
    apiserver,
    leaderElect: boolOption('leader-elect', o.leaderElect, true),
    profile,
    ...election,
    identity: o.identity || `${os.hostname()}_${randomBytes(4).toString('hex')}`,
    schedulerName: o.schedulerName ?? 'default-scheduler',
    metricsListen,
    maxUnschedulableMs: p.unschedulable,
  };
}
