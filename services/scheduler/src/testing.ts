import { CycleState } from './framework/cycle-state.js';
import type { Snapshot } from './framework/interfaces.js';
import { NodeInfo } from './framework/node-info.js';
import type { Node, Pod, Taint } from './framework/objects.js';
import { PodInfo } from './framework/pod-info.js';

/** Builders for table tests of plugins and the framework. */
export function makeNode(name: string, o: { cpu?: string; memory?: string; pods?: string; labels?: Record<string, string>; taints?: Taint[]; unschedulable?: boolean; extra?: Record<string, string> } = {}): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...(o.labels ?? {}) } },
    spec: { taints: o.taints, unschedulable: o.unschedulable },
    status: { allocatable: { cpu: o.cpu ?? '4', memory: o.memory ?? '8Gi', pods: o.pods ?? '110', ...(o.extra ?? {}) } },
  };
}

let uid = 0;

export function makePod(name: string, spec: Partial<Pod['spec']> = {}, o: { labels?: Record<string, string>; namespace?: string; requests?: Record<string, string>; owner?: string } = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: o.namespace ?? 'default',
      uid: `uid-${name}-${++uid}`,
      labels: o.labels ?? {},
      ...(o.owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: o.owner, uid: o.owner, controller: true }] } : {}),
    },
    spec: { containers: [{ name: 'c', ...(o.requests ? { resources: { requests: o.requests } } : {}) }], ...spec },
  };
}

/** A NodeInfo with `pods` placed on it. */
export function nodeWith(node: Node, pods: Pod[] = []): NodeInfo {
  const ni = new NodeInfo(node);
  for (const p of pods) ni.addPod(new PodInfo({ ...p, spec: { ...p.spec, nodeName: node.metadata.name as string } }));
  return ni;
}

export function snapshotOf(nodes: NodeInfo[], namespaces: Record<string, Record<string, string>> = {}): Snapshot {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  return { nodes, get: (n) => byName.get(n), namespaceLabels: (ns) => namespaces[ns] };
}

export const info = (p: Pod): PodInfo => new PodInfo(p);
export const freshState = (): CycleState => new CycleState();
