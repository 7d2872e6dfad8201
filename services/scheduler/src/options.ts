import os from 'node:os';
import { randomBytes } from 'node:crypto';
import { OptionsError, parseDuration, parseHostPort, type HostPort } from '@kite/common';

export type Profile = 'kubernetes' | 'fast';

/** kite-scheduler's settings as given on the command line or in the environment. */
export interface SchedulerOptions {
  /** kite-apiserver's gRPC address. Default 127.0.0.1:6444. */
  apiserver?: string;
  /** Campaign for the scheduler Lease and act only while holding it. Default true. */
  leaderElect?: boolean | string;
  /** Timing defaults: `kubernetes` (lease 15s/10s/2s) or `fast` (4s/3s/1s). Default kubernetes. */
  profile?: string;
  /** Explicit lease timings; each overrides the profile's. */
  leaseDuration?: string;
  renewDeadline?: string;
  retryPeriod?: string;
  /** Lease namespace/name. Default kube-system/kube-scheduler. */
  leaderElectLease?: string;
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

function duration(flag: string, v: string | undefined, dflt: number): number {
  if (v === undefined || v === '') return dflt;
  try {
    const ms = parseDuration(v);
    if (ms <= 0) throw new Error('must be positive');
    return ms;
  } catch (err) {
    throw new OptionsError(`--${flag}: ${(err as Error).message}`);
  }
}

function bool(flag: string, v: boolean | string | undefined, dflt: boolean): boolean {
  if (v === undefined || v === '') return dflt;
  if (typeof v === 'boolean') return v;
  if (/^(true|1|yes)$/i.test(v)) return true;
  if (/^(false|0|no)$/i.test(v)) return false;
  throw new OptionsError(`--${flag} must be true or false, got ${JSON.stringify(v)}`);
}

export function compileSchedulerOptions(o: SchedulerOptions): CompiledSchedulerOptions {
  const profile = (o.profile ?? 'kubernetes') as Profile;
  const p = PROFILES[profile];
  if (p === undefined) throw new OptionsError(`--profile must be kubernetes or fast, got ${JSON.stringify(o.profile)}`);
  const leaseDurationMs = duration('lease-duration', o.leaseDuration, p.lease);
  const renewDeadlineMs = duration('renew-deadline', o.renewDeadline, p.renew);
  const retryPeriodMs = duration('retry-period', o.retryPeriod, p.retry);
  if (!(leaseDurationMs > renewDeadlineMs)) throw new OptionsError('--lease-duration must be greater than --renew-deadline');
  if (!(renewDeadlineMs > retryPeriodMs)) throw new OptionsError('--renew-deadline must be greater than --retry-period');
  const lease = o.leaderElectLease ?? 'kube-system/kube-scheduler';
  const m = /^([a-z0-9-]+)\/([a-z0-9.-]+)$/.exec(lease);
  if (!m) throw new OptionsError(`--leader-elect-lease must be namespace/name, got ${JSON.stringify(lease)}`);
  let metricsListen: HostPort;
  try {
    metricsListen = parseHostPort(o.metricsListen ?? '127.0.0.1:10259');
  } catch (err) {
    throw new OptionsError(`--metrics-listen: ${(err as Error).message}`);
  }
  const apiserver = o.apiserver ?? '127.0.0.1:6444';
  if (!/^[^\s/]+:\d+$/.test(apiserver)) throw new OptionsError(`--apiserver must be host:port, got ${JSON.stringify(apiserver)}`);
  return {
    apiserver,
    leaderElect: bool('leader-elect', o.leaderElect, true),
    profile,
    leaseDurationMs,
    renewDeadlineMs,
    retryPeriodMs,
    lease: { namespace: m[1] as string, name: m[2] as string },
    identity: o.identity || `${os.hostname()}_${randomBytes(4).toString('hex')}`,
    schedulerName: o.schedulerName ?? 'default-scheduler',
    metricsListen,
    maxUnschedulableMs: p.unschedulable,
  };
}
