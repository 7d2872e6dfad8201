import { describe, expect, it } from 'vitest';
import { compileSchedulerOptions, type SchedulerOptions } from './options.js';

describe('compileSchedulerOptions', () => {
  it.each<[string, SchedulerOptions, Partial<ReturnType<typeof compileSchedulerOptions>>]>([
    ['defaults', {}, { apiserver: '127.0.0.1:6444', leaderElect: true, profile: 'kubernetes', leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000, lease: { namespace: 'kube-system', name: 'kube-scheduler' }, schedulerName: 'default-scheduler' }],
    ['fast profile', { profile: 'fast' }, { leaseDurationMs: 4_000, renewDeadlineMs: 3_000, retryPeriodMs: 1_000, maxUnschedulableMs: 30_000 }],
    ['explicit timings win over the profile', { profile: 'fast', leaseDuration: '20s', renewDeadline: '15s', retryPeriod: '500ms' }, { leaseDurationMs: 20_000, renewDeadlineMs: 15_000, retryPeriodMs: 500 }],
    ['--leader-elect=false', { leaderElect: 'false' }, { leaderElect: false }],
    ['bare --leader-elect', { leaderElect: true }, { leaderElect: true }],
    ['identity', { identity: 'sched-1' }, { identity: 'sched-1' }],
  ])('%s', (_name, o, want) => {
    expect(compileSchedulerOptions(o)).toMatchObject(want);
  });

  it.each<[string, SchedulerOptions, RegExp]>([
    ['unknown profile', { profile: 'slow' }, /--profile must be kubernetes or fast/],
    ['renew deadline not below the lease', { leaseDuration: '5s', renewDeadline: '5s' }, /--lease-duration must be greater than --renew-deadline/],
    ['retry period not below the renew deadline', { retryPeriod: '10s' }, /--renew-deadline must be greater than --retry-period/],
    ['bad duration', { retryPeriod: 'soon' }, /--retry-period: invalid duration/],
    ['bad boolean', { leaderElect: 'maybe' }, /--leader-elect must be true or false/],
    ['bad apiserver', { apiserver: 'http://x' }, /--apiserver must be host:port/],
    ['bad lease name', { leaderElectLease: 'nolease' }, /--leader-elect-lease must be namespace\/name/],
  ])('rejects %s', (_name, o, err) => {
    expect(() => compileSchedulerOptions(o)).toThrow(err);
  });

  it('generates a distinct identity per instance', () => {
    expect(compileSchedulerOptions({}).identity).not.toBe(compileSchedulerOptions({}).identity);
  });
});
