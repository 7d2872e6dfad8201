/**
 * The Node object the kubelet registers and the status it keeps current: labels, taints,
 * capacity, addresses, the streaming endpoint, and the Ready / pressure conditions.
 */
import os from 'node:os';
import type { KubeObject } from '@kite/client';
import type { Pressure } from './machine.js';

export interface Taint {
  key: string;
  value?: string;
  effect: string;
}

export interface NodeFacts {
  name: string;
  labels: Record<string, string>;
  taints: Taint[];
  podCIDR?: string;
  cpuMillis: number;
  memoryBytes: number;
  pods: number;
  /** InternalIP: where the apiserver dials the streaming port. */
  internalIP: string;
  streamingPort: number;
  kubeletVersion: string;
}

export interface NodeCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastHeartbeatTime?: string;
  lastTransitionTime?: string;
}

const arch = (): string => ({ x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x' })[process.arch as string] ?? process.arch;

export function nodeLabels(name: string, extra: Record<string, string>): Record<string, string> {
  return {
    'beta.kubernetes.io/arch': arch(),
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': arch(),
    'kubernetes.io/hostname': name,
    'kubernetes.io/os': 'linux',
    ...extra,
  };
}

const cpu = (millis: number): string => (millis % 1000 === 0 ? String(millis / 1000) : `${millis}m`);
const mem = (bytes: number): string => `${Math.floor(bytes / 1024)}Ki`;

export function nodeSpec(f: NodeFacts): Record<string, unknown> {
  const spec: Record<string, unknown> = {};
  if (f.podCIDR !== undefined) {
    spec.podCIDR = f.podCIDR;
    spec.podCIDRs = [f.podCIDR];
  }
  if (f.taints.length > 0) spec.taints = f.taints;
  return spec;
}

/** Kubernetes' node conditions from the kubelet's view: Ready unless stopping, pressures from the machine. */
export function nodeConditions(ready: boolean, notReadyMessage: string, p: Pressure, limitations: string[]): NodeCondition[] {
  const conds: NodeCondition[] = [
    p.memory
      ? { type: 'MemoryPressure', status: 'True', reason: 'KubeletHasInsufficientMemory', message: 'kubelet has insufficient memory available' }
      : { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
    p.disk
      ? { type: 'DiskPressure', status: 'True', reason: 'KubeletHasDiskPressure', message: 'kubelet has disk pressure' }
      : { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
    p.pid
      ? { type: 'PIDPressure', status: 'True', reason: 'KubeletHasInsufficientPID', message: 'kubelet has insufficient PID available' }
      : { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
    ready
      ? { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }
      : { type: 'Ready', status: 'False', reason: 'KubeletNotReady', message: notReadyMessage },
  ];
  // Not a Kubernetes condition: kite's way to say on the Node what its pods do not get.
  conds.push(
    limitations.length === 0
      ? { type: 'RuntimeIsolation', status: 'True', reason: 'Isolated', message: 'pods get their own network, mount and PID namespaces' }
      : { type: 'RuntimeIsolation', status: 'False', reason: 'NotIsolated', message: limitations.join('; ') },
  );
  return conds;
}

/** Keeps lastTransitionTime while a condition's status holds; heartbeat is now. */
export function stampConditions(conds: NodeCondition[], previous: NodeCondition[] | undefined, now: string): NodeCondition[] {
  return conds.map((c) => {
    const old = previous?.find((p) => p.type === c.type);
    return { ...c, lastHeartbeatTime: now, lastTransitionTime: old !== undefined && old.status === c.status && old.lastTransitionTime ? old.lastTransitionTime : now };
  });
}

export function nodeStatus(f: NodeFacts, conditions: NodeCondition[]): Record<string, unknown> {
  const resources = { cpu: cpu(f.cpuMillis), memory: mem(f.memoryBytes), pods: String(f.pods) };
  return {
    capacity: resources,
    allocatable: resources,
    conditions,
    addresses: [
      { type: 'InternalIP', address: f.internalIP },
      { type: 'Hostname', address: f.name },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: f.streamingPort } },
    nodeInfo: {
      machineID: '',
      systemUUID: '',
      bootID: '',
      kernelVersion: os.release(),
      osImage: `${os.type()} ${os.release()}`,
      containerRuntimeVersion: 'kite://0.1.0',
      kubeletVersion: f.kubeletVersion,
      kubeProxyVersion: '',
      operatingSystem: 'linux',
      architecture: arch(),
    },
  };
}

export function nodeObject(f: NodeFacts, conditions: NodeCondition[]): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: f.name, labels: f.labels, annotations: { 'node.alpha.kubernetes.io/ttl': '0' } },
    spec: nodeSpec(f),
    status: nodeStatus(f, conditions),
  };
}
