import { Option } from 'commander';
import { parseHostPort, type HostPort } from './address.js';
import { parseDuration } from './duration.js';

/**
 * A flag whose environment variable is derived from it: `--data-dir` of `kite-store` reads
 * KITE_STORE_DATA_DIR. Every flag has one, so containers and compose files need no wrapper.
 */
export function envOption(component: string, flags: string, description: string): Option {
  const long = /--([a-z0-9-]+)/.exec(flags)?.[1];
  if (!long) throw new Error(`flag without a long name: ${flags}`);
  const env = `${component}-${long}`.toUpperCase().replace(/-/g, '_');
  return new Option(flags, description).env(env);
}

/** Thrown by an Options compiler; the CLI prints the message and exits 2. */
export class OptionsError extends Error {
  override name = 'OptionsError';
}

/** A positive duration flag (`10s`, `1m`), or its default in milliseconds. */
export function durationOption(flag: string, v: string | undefined, dfltMs: number): number {
  if (v === undefined || v === '') return dfltMs;
  try {
    const ms = parseDuration(v);
    if (ms <= 0) throw new Error('must be positive');
    return ms;
  } catch (err) {
    throw new OptionsError(`--${flag}: ${(err as Error).message}`);
  }
}

/** A boolean flag given as a boolean or as true/false/1/0/yes/no. */
export function boolOption(flag: string, v: boolean | string | undefined, dflt: boolean): boolean {
  if (v === undefined || v === '') return dflt;
  if (typeof v === 'boolean') return v;
  if (/^(true|1|yes)$/i.test(v)) return true;
  if (/^(false|0|no)$/i.test(v)) return false;
  throw new OptionsError(`--${flag} must be true or false, got ${JSON.stringify(v)}`);
}

/** A host:port flag, parsed. */
export function hostPortOption(flag: string, v: string): HostPort {
  try {
    return parseHostPort(v);
  } catch (err) {
    throw new OptionsError(`--${flag}: ${(err as Error).message}`);
  }
}

export interface LeaderElectionFlags {
  leaseDuration?: string;
  renewDeadline?: string;
  retryPeriod?: string;
  leaderElectLease?: string;
}

export interface LeaderElectionTiming {
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  lease: { namespace: string; name: string };
}

/** The leader-election flags every control-plane component shares, checked as client-go does. */
export function compileLeaderElection(o: LeaderElectionFlags, dflt: { leaseMs: number; renewMs: number; retryMs: number; lease: string }): LeaderElectionTiming {
  const leaseDurationMs = durationOption('lease-duration', o.leaseDuration, dflt.leaseMs);
  const renewDeadlineMs = durationOption('renew-deadline', o.renewDeadline, dflt.renewMs);
  const retryPeriodMs = durationOption('retry-period', o.retryPeriod, dflt.retryMs);
  if (!(leaseDurationMs > renewDeadlineMs)) throw new OptionsError('--lease-duration must be greater than --renew-deadline');
  if (!(renewDeadlineMs > retryPeriodMs)) throw new OptionsError('--renew-deadline must be greater than --retry-period');
  const lease = o.leaderElectLease ?? dflt.lease;
  const m = /^([a-z0-9-]+)\/([a-z0-9.-]+)$/.exec(lease);
  if (!m) throw new OptionsError(`--leader-elect-lease must be namespace/name, got ${JSON.stringify(lease)}`);
  return { leaseDurationMs, renewDeadlineMs, retryPeriodMs, lease: { namespace: m[1] as string, name: m[2] as string } };
}
