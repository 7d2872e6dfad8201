import { describe, expect, it } from 'vitest';
import { nodeConditions, nodeObject, stampConditions } from './node-object.js';

const calm = { memory: false, disk: false, pid: false, memoryAvailableBytes: 1 << 30, diskAvailableFraction: 0.5 };

describe('node conditions', () => {
  it.each([
    ['healthy', true, calm, [], { Ready: 'True', MemoryPressure: 'False', DiskPressure: 'False', PIDPressure: 'False', RuntimeIsolation: 'True' }],
    ['memory and disk pressure', true, { ...calm, memory: true, disk: true }, [], { Ready: 'True', MemoryPressure: 'True', DiskPressure: 'True', PIDPressure: 'False', RuntimeIsolation: 'True' }],
    ['shutting down, not isolated', false, calm, ['no network namespaces'], { Ready: 'False', MemoryPressure: 'False', DiskPressure: 'False', PIDPressure: 'False', RuntimeIsolation: 'False' }],
  ] as const)('%s', (_name, ready, pressure, limits, want) => {
    const conds = nodeConditions(ready, 'kubelet is shutting down', pressure, [...limits]);
    expect(Object.fromEntries(conds.map((c) => [c.type, c.status]))).toEqual(want);
    if (!ready) expect(conds.find((c) => c.type === 'Ready')).toMatchObject({ reason: 'KubeletNotReady', message: 'kubelet is shutting down' });
    if (limits.length > 0) expect(conds.find((c) => c.type === 'RuntimeIsolation')?.message).toBe('no network namespaces');
  });

  it('keeps lastTransitionTime while a status holds, and moves heartbeats', () => {
    const first = stampConditions(nodeConditions(true, '', calm, []), undefined, 'T1');
    const second = stampConditions(nodeConditions(true, '', { ...calm, disk: true }, []), first, 'T2');
    const get = (cs: typeof first, t: string) => cs.find((c) => c.type === t);
    expect(get(second, 'Ready')).toMatchObject({ lastTransitionTime: 'T1', lastHeartbeatTime: 'T2' });
    expect(get(second, 'DiskPressure')).toMatchObject({ lastTransitionTime: 'T2', lastHeartbeatTime: 'T2' });
  });
});

describe('nodeObject', () => {
  it('advertises capacity, addresses, the streaming port and the pod CIDR', () => {
    const n = nodeObject(
      { name: 'node-1', labels: { 'kubernetes.io/hostname': 'node-1' }, taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }], podCIDR: '10.244.1.0/24', cpuMillis: 2500, memoryBytes: 4 * 1024 ** 3, pods: 110, internalIP: '127.0.0.1', streamingPort: 10250, kubeletVersion: 'v1.32.0-kite' },
      [],
    );
    expect(n.spec).toEqual({ podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'], taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] });
    expect(n.status).toMatchObject({
      capacity: { cpu: '2500m', memory: '4194304Ki', pods: '110' },
      allocatable: { cpu: '2500m', memory: '4194304Ki', pods: '110' },
      addresses: [{ type: 'InternalIP', address: '127.0.0.1' }, { type: 'Hostname', address: 'node-1' }],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: { kubeletVersion: 'v1.32.0-kite', operatingSystem: 'linux' },
    });
  });

  it('reports the given InternalIP, which the apiserver dials with the kubelet port', () => {
    const n = nodeObject({ name: 'node-2', labels: {}, taints: [], cpuMillis: 1000, memoryBytes: 1024 ** 3, pods: 110, internalIP: '172.28.0.12', streamingPort: 10250, kubeletVersion: 'v1.32.0-kite' }, []);
    expect(n.status).toMatchObject({ addresses: [{ type: 'InternalIP', address: '172.28.0.12' }, { type: 'Hostname', address: 'node-2' }], daemonEndpoints: { kubeletEndpoint: { Port: 10250 } } });
  });
});
