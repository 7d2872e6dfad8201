import { describe, expect, it } from 'vitest';
import { buildPodStatus, type ContainerRecord, type PodRecord } from './status.js';
import type { ContainerState, Pod } from './types.js';

const NOW = '2026-01-01T00:00:00Z';

/** Init containers named in `sidecars` have restartPolicy Always. */
function pod(opts: { init?: string[]; sidecars?: string[]; app?: string[]; policy?: 'Always' | 'OnFailure' | 'Never' } = {}): Pod {
  return {
    metadata: { name: 'p', namespace: 'default', uid: 'u' },
    spec: {
      restartPolicy: opts.policy ?? 'Always',
      initContainers: (opts.init ?? []).map((name) => ({ name, image: 'busybox', ...(opts.sidecars?.includes(name) ? { restartPolicy: 'Always' } : {}) })),
      containers: (opts.app ?? ['app']).map((name) => ({ name, image: 'busybox' })),
    },
    status: { phase: 'Pending', qosClass: 'BestEffort' },
  };
}

const running: ContainerState = { running: { startedAt: NOW } };
const done = (exitCode: number, reason = exitCode === 0 ? 'Completed' : 'Error'): ContainerState => ({ terminated: { exitCode, reason, startedAt: NOW, finishedAt: NOW } });
const waiting = (reason: string): ContainerState => ({ waiting: { reason } });

function c(name: string, state: ContainerState, extra: Partial<ContainerRecord> = {}): [string, ContainerRecord] {
  return [name, { name, image: 'busybox', imageID: '', restartCount: 0, state, lastState: {}, ready: false, started: false, ...extra }];
}

function rec(init: Array<[string, ContainerRecord]>, app: Array<[string, ContainerRecord]>): PodRecord {
  return { sandboxReady: true, podIP: '10.0.0.2', hostIP: '127.0.0.1', startTime: NOW, init: new Map(init), app: new Map(app) };
}

const cond = (s: ReturnType<typeof buildPodStatus>, type: string): string | undefined => s.conditions?.find((x) => x.type === type)?.status;

describe('buildPodStatus', () => {
  it.each([
    ['nothing started yet', pod(), rec([], []), 'Pending', 'ContainerCreating'],
    ['running and ready', pod(), rec([], [c('app', running, { ready: true, started: true })]), 'Running', undefined],
    ['completed, Never', pod({ policy: 'Never' }), rec([], [c('app', done(0))]), 'Succeeded', undefined],
    ['failed, Never', pod({ policy: 'Never' }), rec([], [c('app', done(1))]), 'Failed', undefined],
    ['failed, OnFailure restarts', pod({ policy: 'OnFailure' }), rec([], [c('app', done(1))]), 'Running', undefined],
    ['completed, OnFailure', pod({ policy: 'OnFailure' }), rec([], [c('app', done(0))]), 'Succeeded', undefined],
    ['crash looping, Always', pod(), rec([], [c('app', waiting('CrashLoopBackOff'), { lastState: done(1), restartCount: 3 })]), 'Running', 'CrashLoopBackOff'],
    ['image pull back-off', pod(), rec([], [c('app', waiting('ImagePullBackOff'))]), 'Pending', 'ImagePullBackOff'],
    ['init running', pod({ init: ['a', 'b'] }), rec([c('a', running)], []), 'Pending', 'PodInitializing'],
    ['init failed, Never', pod({ init: ['a'], policy: 'Never' }), rec([c('a', done(1))], []), 'Failed', 'PodInitializing'],
    ['init failed, Always retries', pod({ init: ['a'] }), rec([c('a', done(1))], []), 'Pending', 'PodInitializing'],
    ['sidecar not started yet', pod({ init: ['sc'], sidecars: ['sc'] }), rec([c('sc', running)], []), 'Pending', 'PodInitializing'],
    ['sidecar started, app running', pod({ init: ['sc'], sidecars: ['sc'] }), rec([c('sc', running, { started: true })], [c('app', running)]), 'Running', undefined],
    ['sidecar started, regular init after it running', pod({ init: ['sc', 'b'], sidecars: ['sc'] }), rec([c('sc', running, { started: true }), c('b', running)], []), 'Pending', 'PodInitializing'],
    ['sidecar restarting (crash loop) with the app running', pod({ init: ['sc'], sidecars: ['sc'] }), rec([c('sc', waiting('CrashLoopBackOff'), { lastState: done(1) })], [c('app', running)]), 'Running', undefined],
    ['Job: app done, sidecar still running', pod({ init: ['sc'], sidecars: ['sc'], policy: 'Never' }), rec([c('sc', running, { started: true })], [c('app', done(0))]), 'Running', undefined],
    ['Job: app done, sidecar stopped', pod({ init: ['sc'], sidecars: ['sc'], policy: 'Never' }), rec([c('sc', done(143))], [c('app', done(0))]), 'Succeeded', undefined],
    ['Job: app failed, sidecar stopped in back-off', pod({ init: ['sc'], sidecars: ['sc'], policy: 'Never' }), rec([c('sc', waiting('CrashLoopBackOff'), { lastState: done(1) })], [c('app', done(1))]), 'Failed', undefined],
    ['OnFailure: app done, sidecar stopped', pod({ init: ['sc'], sidecars: ['sc'], policy: 'OnFailure' }), rec([c('sc', done(137))], [c('app', done(0))]), 'Succeeded', undefined],
  ] as const)('%s → %s', (_name, p, r, phase, appWaiting) => {
    const s = buildPodStatus(p, r, NOW);
    expect(s.phase).toBe(phase);
    expect(s.containerStatuses?.[0]?.state.waiting?.reason).toBe(appWaiting);
  });

  it('reports conditions the way kubectl and controllers read them', () => {
    const p = pod({ init: ['setup'], app: ['web', 'sidecar'] });
    const s = buildPodStatus(p, rec([c('setup', done(0))], [c('web', running, { ready: true, started: true }), c('sidecar', running, { started: true })]), NOW);
    expect(s.conditions?.map((x) => [x.type, x.status])).toEqual([
      ['PodReadyToStartContainers', 'True'],
      ['Initialized', 'True'],
      ['Ready', 'False'],
      ['ContainersReady', 'False'],
      ['PodScheduled', 'True'],
    ]);
    expect(s.conditions?.find((x) => x.type === 'Ready')?.message).toBe('containers with unready status: [sidecar]');
    expect(s).toMatchObject({ podIP: '10.0.0.2', podIPs: [{ ip: '10.0.0.2' }], hostIP: '127.0.0.1', hostIPs: [{ ip: '127.0.0.1' }], startTime: NOW, qosClass: 'BestEffort' });
  });

  it('keeps lastTransitionTime while a condition holds, and conditions owned by others', () => {
    const p = pod();
    p.status = {
      conditions: [
        { type: 'Ready', status: 'False', lastTransitionTime: '2020-01-01T00:00:00Z' },
        { type: 'PodScheduled', status: 'True', lastTransitionTime: '2019-01-01T00:00:00Z' },
        { type: 'example.com/gate', status: 'True' },
      ],
    };
    const s = buildPodStatus(p, rec([], [c('app', running)]), NOW);
    expect(s.conditions?.find((x) => x.type === 'Ready')?.lastTransitionTime).toBe('2020-01-01T00:00:00Z');
    expect(s.conditions?.find((x) => x.type === 'Initialized')?.lastTransitionTime).toBe(NOW);
    expect(s.conditions?.find((x) => x.type === 'PodScheduled')?.lastTransitionTime).toBe('2019-01-01T00:00:00Z');
    expect(cond(s, 'example.com/gate')).toBe('True');
  });

  it('init containers not started yet wait with PodInitializing (kubectl shows Init:0/2)', () => {
    const s = buildPodStatus(pod({ init: ['a', 'b'] }), rec([], []), NOW);
    expect(s.initContainerStatuses?.map((x) => x.state.waiting?.reason)).toEqual(['PodInitializing', 'PodInitializing']);
    expect(cond(s, 'Initialized')).toBe('False');
    expect(s.conditions?.find((x) => x.type === 'Initialized')?.message).toBe('containers with incomplete status: [a b]');
  });

  it('a sidecar is initialized once started and counts for readiness, ready only as its probes say', () => {
    const p = pod({ init: ['sc', 'setup'], sidecars: ['sc'] });
    const s = buildPodStatus(p, rec([c('sc', running, { started: true }), c('setup', done(0))], [c('app', running, { ready: true, started: true })]), NOW);
    expect(cond(s, 'Initialized')).toBe('True');
    expect(s.conditions?.find((x) => x.type === 'Ready')).toMatchObject({ status: 'False', message: 'containers with unready status: [sc]' });
    expect(s.initContainerStatuses?.map((x) => [x.name, x.ready, x.started])).toEqual([['sc', false, true], ['setup', true, false]]);
    const ready = buildPodStatus(p, rec([c('sc', running, { started: true, ready: true }), c('setup', done(0))], [c('app', running, { ready: true, started: true })]), NOW);
    expect(cond(ready, 'Ready')).toBe('True');
    // A sidecar restarting after the app started leaves the pod initialized.
    const restarting = buildPodStatus(p, rec([c('sc', waiting('CrashLoopBackOff'), { lastState: done(1) }), c('setup', done(0))], [c('app', running, { ready: true, started: true })]), NOW);
    expect(cond(restarting, 'Initialized')).toBe('True');
    expect(cond(restarting, 'Ready')).toBe('False');
  });

  it('a sidecar not started yet keeps the pod initializing', () => {
    const s = buildPodStatus(pod({ init: ['sc', 'setup'], sidecars: ['sc'] }), rec([c('sc', running)], []), NOW);
    expect(s.conditions?.find((x) => x.type === 'Initialized')).toMatchObject({ status: 'False', message: 'containers with incomplete status: [sc setup]' });
  });

  it('a pod the kubelet failed (deadline) turns Failed with its reason once nothing runs', () => {
    const failure = { reason: 'DeadlineExceeded', message: 'Pod was active on the node longer than the specified deadline' };
    const stopping = buildPodStatus(pod(), { ...rec([], [c('app', running)]), failure }, NOW);
    expect(stopping.phase).toBe('Running');
    expect(stopping.reason).toBeUndefined();
    const s = buildPodStatus(pod(), { ...rec([], [c('app', done(137))]), failure }, NOW);
    expect(s).toMatchObject({ phase: 'Failed', ...failure });
    expect(cond(s, 'Ready')).toBe('False');
  });

  it('a finished pod is not ready and its reasons say PodCompleted', () => {
    const s = buildPodStatus(pod({ policy: 'Never' }), rec([], [c('app', done(0))]), NOW);
    expect(s.conditions?.find((x) => x.type === 'Ready')).toMatchObject({ status: 'False', reason: 'PodCompleted' });
    expect(s.containerStatuses?.[0]?.state.terminated?.reason).toBe('Completed');
  });
});
