import { describe, expect, it } from 'vitest';
import { daemonPodNode, daemonPodSpec, dsMaxUnavailable, shouldRun } from './daemonset.js';
import type { DaemonSet, Node, PodSpec } from './types.js';

const ds = (spec: Partial<PodSpec> = {}, strategy?: DaemonSet['spec']['updateStrategy']): DaemonSet => ({
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name: 'd', namespace: 'default', uid: 'u' },
  spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c' }], ...spec } }, ...(strategy ? { updateStrategy: strategy } : {}) },
});
const node = (labels: Record<string, string> = {}, taints: Array<{ key: string; value?: string; effect: string }> = []): Node => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: 'n1', labels },
  spec: { taints },
});

describe('DaemonSet eligibility', () => {
  it.each<[string, DaemonSet, Node, { run: boolean; keep: boolean }]>([
    ['a plain node', ds(), node(), { run: true, keep: true }],
    ['nodeSelector matches', ds({ nodeSelector: { disk: 'ssd' } }), node({ disk: 'ssd' }), { run: true, keep: true }],
    ['nodeSelector does not match', ds({ nodeSelector: { disk: 'ssd' } }), node({ disk: 'hdd' }), { run: false, keep: false }],
    [
      'required node affinity',
      ds({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }] }] } } } }),
      node({ zone: 'c' }),
      { run: false, keep: false },
    ],
    ['untolerated NoSchedule: no new pod, an existing one stays', ds(), node({}, [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }]), { run: false, keep: true }],
    ['untolerated NoExecute: none at all', ds(), node({}, [{ key: 'dedicated', value: 'db', effect: 'NoExecute' }]), { run: false, keep: false }],
    ['tolerated taint', ds({ tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'db', effect: 'NoSchedule' }] }), node({}, [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }]), { run: true, keep: true }],
    ['automatic tolerations: unreachable and unschedulable', ds(), node({}, [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }, { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }]), { run: true, keep: true }],
    ['PreferNoSchedule does not matter', ds(), node({}, [{ key: 'x', effect: 'PreferNoSchedule' }]), { run: true, keep: true }],
  ])('%s', (_name, d, n, want) => expect(shouldRun(d, n)).toEqual(want));

  it('pins the pod to its node by affinity on metadata.name, with the daemon tolerations, and reads it back', () => {
    const spec = daemonPodSpec(ds({ tolerations: [{ key: 'k', operator: 'Exists' }] }), 'node-7');
    expect(spec.nodeName).toBeUndefined();
    expect(spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution).toEqual({ nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node-7'] }] }] });
    expect(spec.tolerations?.map((t) => `${t.key}:${t.effect ?? ''}`)).toEqual([
      'k:',
      'node.kubernetes.io/not-ready:NoExecute',
      'node.kubernetes.io/unreachable:NoExecute',
      'node.kubernetes.io/disk-pressure:NoSchedule',
      'node.kubernetes.io/memory-pressure:NoSchedule',
      'node.kubernetes.io/pid-pressure:NoSchedule',
      'node.kubernetes.io/unschedulable:NoSchedule',
    ]);
    expect(daemonPodNode({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec })).toBe('node-7');
    expect(daemonPodNode({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { ...spec, nodeName: 'other' } })).toBe('other');
  });

  it.each<[DaemonSet['spec']['updateStrategy'], number, number]>([
    [undefined, 10, 1],
    [{ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%' } }, 10, 3],
    [{ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } }, 10, 1],
    [{ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 2 } }, 10, 2],
  ])('maxUnavailable %j of %i nodes is %i', (strategy, desired, want) => expect(dsMaxUnavailable(ds({}, strategy), desired)).toBe(want));
});
