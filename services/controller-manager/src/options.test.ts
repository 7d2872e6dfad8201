import { describe, expect, it } from 'vitest';
import { OptionsError } from '@kite/common';
import { compileControllerManagerOptions, selectControllers } from './options.js';

describe('kite-controller-manager options', () => {
  it.each<[string, string[]]>([
    ['*', ['daemonset', 'deployment', 'endpoint', 'garbagecollector', 'job', 'namespace', 'nodeipam', 'nodelifecycle', 'podgc', 'replicaset', 'statefulset']],
    ['*,namespace', ['daemonset', 'deployment', 'endpoint', 'garbagecollector', 'job', 'namespace', 'nodeipam', 'nodelifecycle', 'podgc', 'replicaset', 'statefulset']],
    ['*,-namespace', ['daemonset', 'deployment', 'endpoint', 'garbagecollector', 'job', 'nodeipam', 'nodelifecycle', 'podgc', 'replicaset', 'statefulset']],
    ['*,-job,-daemonset', ['deployment', 'endpoint', 'garbagecollector', 'namespace', 'nodeipam', 'nodelifecycle', 'podgc', 'replicaset', 'statefulset']],
    ['replicaset,deployment', ['deployment', 'replicaset']],
    ['garbage-collector-controller,endpoints-controller,node-lifecycle-controller', ['endpoint', 'garbagecollector', 'nodelifecycle']],
  ])('--controllers %s', (spec, want) => expect([...selectControllers(spec)].sort()).toEqual(want));

  it.each(['', 'replicaset,bogus', '-'])('rejects --controllers %j', (spec) => expect(() => selectControllers(spec)).toThrow(OptionsError));

  it('takes timings from the profile unless a flag says otherwise', () => {
    const k = compileControllerManagerOptions({});
    expect(k).toMatchObject({ nodeMonitorGracePeriodMs: 40_000, nodeMonitorPeriodMs: 5_000, leaseDurationMs: 15_000, leaderElect: true, jobBackoffMs: 10_000, nodeCidrMaskSize: 24 });
    expect(k.clusterCidr).toEqual({ base: 0x0af40000, prefix: 16 });
    expect(k.workers).toMatchObject({ replicaset: 5, garbagecollector: 20, daemonset: 2 });
    const f = compileControllerManagerOptions({ profile: 'fast', nodeMonitorGracePeriod: '6s', concurrentGcSyncs: '3', leaderElect: 'false' });
    expect(f).toMatchObject({ nodeMonitorGracePeriodMs: 6_000, leaseDurationMs: 4_000, leaderElect: false, jobBackoffMs: 1_000 });
    expect(f.workers.garbagecollector).toBe(3);
  });

  it.each<[string, Parameters<typeof compileControllerManagerOptions>[0], RegExp]>([
    ['profile', { profile: 'slow' }, /--profile/],
    ['grace', { nodeMonitorGracePeriod: 'soon' }, /--node-monitor-grace-period/],
    ['cidr', { clusterCidr: '10.0.0.0' }, /--cluster-cidr/],
    ['mask below the cluster prefix', { clusterCidr: '10.0.0.0/16', nodeCidrMaskSize: '8' }, /--node-cidr-mask-size/],
    ['workers', { concurrentDeploymentSyncs: '0' }, /--concurrent-deployment-syncs/],
    ['lease order', { leaseDuration: '2s', renewDeadline: '3s' }, /--lease-duration/],
    ['apiserver', { apiserver: 'http://x' }, /--apiserver/],
    ['leader-elect', { leaderElect: 'maybe' }, /--leader-elect/],
  ])('rejects a bad %s', (_name, o, msg) => expect(() => compileControllerManagerOptions(o)).toThrow(msg));
});
