import { describe, expect, it } from 'vitest';
import type { Obj } from './fields.js';
import { nodePrinter, nodeRoles, nodeStatus } from './node.js';

const now = new Date('2024-05-01T12:00:00Z');

function node(opts: { labels?: Record<string, string>; conditions?: Obj[]; unschedulable?: boolean; status?: Obj }): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'kite-worker-1', creationTimestamp: '2024-04-29T09:00:00Z', labels: { 'kubernetes.io/hostname': 'kite-worker-1', ...opts.labels } },
    spec: opts.unschedulable === undefined ? {} : { unschedulable: opts.unschedulable },
    status: { conditions: opts.conditions ?? [], ...opts.status },
  };
}

const cond = (type: string, status: string): Obj => ({ type, status, reason: 'KubeletReady', lastHeartbeatTime: '2024-05-01T11:59:50Z' });

describe('node STATUS', () => {
  const cases: Array<[string, Obj, string]> = [
    ['ready', node({ conditions: [cond('MemoryPressure', 'False'), cond('Ready', 'True')] }), 'Ready'],
    ['not ready', node({ conditions: [cond('Ready', 'False')] }), 'NotReady'],
    ['kubelet stopped posting status', node({ conditions: [cond('Ready', 'Unknown')] }), 'NotReady'],
    ['no Ready condition yet', node({ conditions: [cond('MemoryPressure', 'False')] }), 'Unknown'],
    ['cordoned', node({ conditions: [cond('Ready', 'True')], unschedulable: true }), 'Ready,SchedulingDisabled'],
    ['cordoned and unknown', node({ unschedulable: true }), 'Unknown,SchedulingDisabled'],
    ['last Ready condition wins', node({ conditions: [cond('Ready', 'True'), cond('Ready', 'False')] }), 'NotReady'],
  ];
  it.each(cases)('%s', (_name, n, want) => {
    expect(nodeStatus(n)).toBe(want);
  });
});

describe('node ROLES', () => {
  const cases: Array<[string, Record<string, string>, string]> = [
    ['no role labels', {}, '<none>'],
    ['control plane', { 'node-role.kubernetes.io/control-plane': '' }, 'control-plane'],
    ['several, sorted', { 'node-role.kubernetes.io/worker': '', 'node-role.kubernetes.io/control-plane': '', 'node-role.kubernetes.io/etcd': 'true' }, 'control-plane,etcd,worker'],
    ['legacy kubernetes.io/role value', { 'kubernetes.io/role': 'master' }, 'master'],
    ['legacy empty value ignored', { 'kubernetes.io/role': '' }, '<none>'],
    ['prefix with no role ignored', { 'node-role.kubernetes.io/': '' }, '<none>'],
    ['both forms, de-duplicated', { 'kubernetes.io/role': 'worker', 'node-role.kubernetes.io/worker': '' }, 'worker'],
  ];
  it.each(cases)('%s', (_name, labels, want) => {
    expect(nodeRoles(node({ labels }))).toBe(want);
  });
});

describe('node row', () => {
  it('prints a registered kite node, wide columns included', () => {
    const n = node({
      labels: { 'node-role.kubernetes.io/control-plane': '' },
      conditions: [cond('Ready', 'True')],
      status: {
        addresses: [
          { type: 'Hostname', address: 'kite-worker-1' },
          { type: 'InternalIP', address: '192.168.5.10' },
        ],
        nodeInfo: { kubeletVersion: 'v1.32.0-kite', osImage: 'Ubuntu 24.04 LTS', kernelVersion: '6.8.0-31-generic', containerRuntimeVersion: 'kite://0.1.0' },
      },
    });
    expect(nodePrinter.row(n, now)).toEqual([
      'kite-worker-1',
      'Ready',
      'control-plane',
      '2d3h',
      'v1.32.0-kite',
      '192.168.5.10',
      '<none>',
      'Ubuntu 24.04 LTS',
      '6.8.0-31-generic',
      'kite://0.1.0',
    ]);
  });

  it('prints <unknown> for unreported system info and <none> for missing addresses', () => {
    expect(nodePrinter.row(node({}), now).slice(4)).toEqual(['', '<none>', '<none>', '<unknown>', '<unknown>', '<unknown>']);
  });

  it('has the column definitions Kubernetes sends', () => {
    expect(nodePrinter.columns.map((c) => `${c.name}:${c.priority}`)).toEqual([
      'Name:0',
      'Status:0',
      'Roles:0',
      'Age:0',
      'Version:0',
      'Internal-IP:1',
      'External-IP:1',
      'OS-Image:1',
      'Kernel-Version:1',
      'Container-Runtime:1',
    ]);
  });
});
