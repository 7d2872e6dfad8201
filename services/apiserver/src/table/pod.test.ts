import { describe, expect, it } from 'vitest';
import type { Obj } from './fields.js';
import { podPrinter } from './pod.js';

const now = new Date('2024-05-01T12:00:00Z');
const ago = (seconds: number): string => new Date(now.getTime() - seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

const running = { running: { startedAt: ago(3600) } };
const ready = (name: string, extra: Obj = {}): Obj => ({ name, ready: true, started: true, restartCount: 0, state: running, ...extra });

function pod(opts: { spec?: Obj; status?: Obj; metadata?: Obj }): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-1', namespace: 'default', creationTimestamp: ago(3600), ...opts.metadata },
    spec: { containers: [{ name: 'app', image: 'nginx:1.25' }], ...opts.spec },
    status: { phase: 'Running', ...opts.status },
  };
}

/** READY, STATUS, RESTARTS: the cells the status logic decides. */
const summary = (p: Obj): unknown[] => podPrinter.row(p, now).slice(1, 4);

describe('pod READY / STATUS / RESTARTS', () => {
  const twoInits = { initContainers: [{ name: 'init-a', image: 'busybox' }, { name: 'init-b', image: 'busybox' }] };
  const cases: Array<[string, Obj, unknown[]]> = [
    ['running and ready', pod({ status: { containerStatuses: [ready('app')] } }), ['1/1', 'Running', '0']],
    ['just created: no statuses yet', pod({ status: { phase: 'Pending' } }), ['0/1', 'Pending', '0']],
    [
      'pulling the image',
      pod({ status: { phase: 'Pending', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }] } }),
      ['0/1', 'ContainerCreating', '0'],
    ],
    [
      'running but not ready',
      pod({ status: { containerStatuses: [{ name: 'app', ready: false, started: true, restartCount: 0, state: running }] } }),
      ['0/1', 'Running', '0'],
    ],
    [
      'CrashLoopBackOff with the last restart 5m ago',
      pod({
        status: {
          containerStatuses: [
            {
              name: 'app',
              ready: false,
              restartCount: 5,
              state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 2m40s' } },
              lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(300) } },
            },
          ],
        },
      }),
      ['0/1', 'CrashLoopBackOff', '5 (5m ago)'],
    ],
    [
      'restarts without a recorded last termination',
      pod({ status: { containerStatuses: [ready('app', { restartCount: 3 })] } }),
      ['1/1', 'Running', '3'],
    ],
    [
      'restarts summed over containers, newest termination shown',
      pod({
        spec: { containers: [{ name: 'a' }, { name: 'b' }] },
        status: {
          containerStatuses: [
            ready('a', { restartCount: 1, lastState: { terminated: { exitCode: 1, finishedAt: ago(7200) } } }),
            ready('b', { restartCount: 2, lastState: { terminated: { exitCode: 1, finishedAt: ago(90) } } }),
          ],
        },
      }),
      ['2/2', 'Running', '3 (90s ago)'],
    ],
    [
      'first init container running',
      pod({
        spec: twoInits,
        status: {
          phase: 'Pending',
          initContainerStatuses: [
            { name: 'init-a', ready: false, restartCount: 0, state: running },
            { name: 'init-b', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } },
          ],
          containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } }],
        },
      }),
      ['0/1', 'Init:0/2', '0'],
    ],
    [
      'second init container waiting to initialize',
      pod({
        spec: twoInits,
        status: {
          phase: 'Pending',
          initContainerStatuses: [
            { name: 'init-a', ready: true, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } },
            { name: 'init-b', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } },
          ],
        },
      }),
      ['0/1', 'Init:1/2', '0'],
    ],
    [
      'init container crash-looping, its restarts counted',
      pod({
        spec: { initContainers: [{ name: 'init-a' }] },
        status: {
          phase: 'Pending',
          initContainerStatuses: [
            {
              name: 'init-a',
              ready: false,
              restartCount: 4,
              state: { waiting: { reason: 'CrashLoopBackOff' } },
              lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(150) } },
            },
          ],
          containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } }],
        },
      }),
      ['0/1', 'Init:CrashLoopBackOff', '4 (2m30s ago)'],
    ],
    [
      'init container failed with a reason',
      pod({ spec: { initContainers: [{ name: 'init-a' }] }, status: { phase: 'Pending', initContainerStatuses: [{ name: 'init-a', restartCount: 0, state: { terminated: { exitCode: 1, reason: 'Error' } } }] } }),
      ['0/1', 'Init:Error', '0'],
    ],
    [
      'init container failed without a reason',
      pod({ spec: { initContainers: [{ name: 'init-a' }] }, status: { phase: 'Pending', initContainerStatuses: [{ name: 'init-a', restartCount: 0, state: { terminated: { exitCode: 2 } } }] } }),
      ['0/1', 'Init:ExitCode:2', '0'],
    ],
    [
      'init container killed by a signal',
      pod({ spec: { initContainers: [{ name: 'init-a' }] }, status: { phase: 'Pending', initContainerStatuses: [{ name: 'init-a', restartCount: 0, state: { terminated: { exitCode: 137, signal: 9 } } }] } }),
      ['0/1', 'Init:Signal:9', '0'],
    ],
    [
      'init waiting without a reason counts as a step',
      pod({ spec: { initContainers: [{ name: 'init-a' }] }, status: { phase: 'Pending', initContainerStatuses: [{ name: 'init-a', restartCount: 0, state: { waiting: {} } }] } }),
      ['0/1', 'Init:0/1', '0'],
    ],
    [
      'initialized pod ignores init containers',
      pod({
        spec: { initContainers: [{ name: 'init-a' }] },
        status: {
          conditions: [{ type: 'Initialized', status: 'True' }],
          initContainerStatuses: [{ name: 'init-a', restartCount: 2, state: { terminated: { exitCode: 0, reason: 'Completed' } } }],
          containerStatuses: [ready('app')],
        },
      }),
      ['1/1', 'Running', '0'],
    ],
    [
      'sidecar (restartable init container) counts as a container',
      pod({
        spec: { initContainers: [{ name: 'proxy', restartPolicy: 'Always' }] },
        status: {
          conditions: [{ type: 'Initialized', status: 'True' }],
          initContainerStatuses: [ready('proxy', { restartCount: 1, lastState: { terminated: { exitCode: 1, finishedAt: ago(600) } } })],
          containerStatuses: [ready('app')],
        },
      }),
      ['2/2', 'Running', '1 (10m ago)'],
    ],
    [
      'completed pod',
      pod({
        status: {
          phase: 'Succeeded',
          containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed', finishedAt: ago(60) } } }],
        },
      }),
      ['0/1', 'Completed', '0'],
    ],
    [
      'failed container with only an exit code',
      pod({ status: { phase: 'Failed', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { terminated: { exitCode: 3 } } }] } }),
      ['0/1', 'ExitCode:3', '0'],
    ],
    [
      'one container completed, another still running and pod Ready',
      pod({
        spec: { containers: [{ name: 'job' }, { name: 'sidecar' }] },
        status: {
          conditions: [{ type: 'Ready', status: 'True' }],
          containerStatuses: [{ name: 'job', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }, ready('sidecar')],
        },
      }),
      ['1/2', 'Running', '0'],
    ],
    [
      'one container completed, another running, pod not Ready',
      pod({
        spec: { containers: [{ name: 'job' }, { name: 'sidecar' }] },
        status: {
          conditions: [{ type: 'Ready', status: 'False' }],
          containerStatuses: [{ name: 'job', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }, ready('sidecar')],
        },
      }),
      ['1/2', 'NotReady', '0'],
    ],
    ['evicted', pod({ status: { phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory.' } }), ['0/1', 'Evicted', '0']],
    ['terminating', pod({ metadata: { deletionTimestamp: ago(5) }, status: { containerStatuses: [ready('app')] } }), ['1/1', 'Terminating', '0']],
    [
      'deleted after it completed stays Completed',
      pod({
        metadata: { deletionTimestamp: ago(5) },
        status: { phase: 'Succeeded', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }] },
      }),
      ['0/1', 'Completed', '0'],
    ],
    [
      'on a lost node and being deleted',
      pod({ metadata: { deletionTimestamp: ago(5) }, status: { reason: 'NodeLost', containerStatuses: [ready('app')] } }),
      ['1/1', 'Unknown', '0'],
    ],
    [
      'NodeLost without deletion shows the reason',
      pod({ status: { reason: 'NodeLost', containerStatuses: [ready('app')] } }),
      ['1/1', 'NodeLost', '0'],
    ],
    [
      'scheduling gated',
      pod({ spec: { schedulingGates: [{ name: 'example.com/quota' }] }, status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] } }),
      ['0/1', 'SchedulingGated', '0'],
    ],
  ];
  it.each(cases)('%s', (_name, p, want) => {
    expect(summary(p)).toEqual(want);
  });
});

describe('pod row', () => {
  it('prints every column, wide ones with <none> when unset', () => {
    const p = pod({ status: { phase: 'Pending' } });
    expect(podPrinter.row(p, now)).toEqual(['web-1', '0/1', 'Pending', '0', '60m', '<none>', '<none>', '<none>', '<none>']);
  });

  it('prints IP, node, nominated node and readiness gates', () => {
    const p = pod({
      spec: { nodeName: 'node-a', readinessGates: [{ conditionType: 'example.com/lb' }, { conditionType: 'example.com/dns' }] },
      status: {
        podIP: '10.244.1.7',
        podIPs: [{ ip: '10.244.1.7' }, { ip: 'fd00::7' }],
        nominatedNodeName: 'node-b',
        conditions: [
          { type: 'example.com/lb', status: 'True' },
          { type: 'example.com/dns', status: 'False' },
        ],
        containerStatuses: [ready('app')],
      },
    });
    expect(podPrinter.row(p, now)).toEqual(['web-1', '1/1', 'Running', '0', '60m', '10.244.1.7', 'node-a', 'node-b', '1/2']);
  });

  it('falls back to status.podIP when podIPs is absent', () => {
    expect(podPrinter.row(pod({ status: { podIP: '10.0.0.9' } }), now)[5]).toBe('10.0.0.9');
  });

  it('prints <unknown> age without a creation timestamp', () => {
    expect(podPrinter.row(pod({ metadata: { creationTimestamp: null } }), now)[4]).toBe('<unknown>');
  });

  it('has the column definitions Kubernetes sends', () => {
    expect(podPrinter.columns.map((c) => [c.name, c.type, c.format, c.priority])).toEqual([
      ['Name', 'string', 'name', 0],
      ['Ready', 'string', '', 0],
      ['Status', 'string', '', 0],
      ['Restarts', 'string', '', 0],
      ['Age', 'string', '', 0],
      ['IP', 'string', '', 1],
      ['Node', 'string', '', 1],
      ['Nominated Node', 'string', '', 1],
      ['Readiness Gates', 'string', '', 1],
    ]);
  });

  it('marks finished pods Completed, others not', () => {
    expect(podPrinter.conditions?.(pod({ status: { phase: 'Succeeded' } }))).toEqual([
      { type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' },
    ]);
    expect(podPrinter.conditions?.(pod({ status: { phase: 'Failed' } }))?.[0]?.reason).toBe('Failed');
    expect(podPrinter.conditions?.(pod({}))).toBeUndefined();
  });
});
