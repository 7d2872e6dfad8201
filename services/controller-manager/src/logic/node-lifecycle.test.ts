import { describe, expect, it } from 'vitest';
import { NOT_READY, UNREACHABLE, evictionTime, markUnknown, reconcileTaints } from './node-lifecycle.js';
import { pod } from './testing.js';
import type { Condition, Node, Taint, Toleration } from './types.js';

const NOW = Date.parse('2024-01-01T00:10:00Z');
const node = (ready: string | undefined, taints: Taint[] = []): Node => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: 'n' },
  spec: { taints },
  status: { conditions: ready === undefined ? [] : [{ type: 'Ready', status: ready, lastHeartbeatTime: '2024-01-01T00:00:00Z' }, { type: 'MemoryPressure', status: 'False' }] },
});

describe('node lifecycle decisions', () => {
  it('marks every condition Unknown with the kubelet-stopped message, once', () => {
    const conds = markUnknown(node('True'), NOW) as Condition[];
    expect(conds.map((c) => [c.type, c.status, c.reason, c.message])).toEqual([
      ['Ready', 'Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.'],
      ['MemoryPressure', 'Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.'],
    ]);
    expect(conds[0]?.lastHeartbeatTime).toBe('2024-01-01T00:00:00Z');
    expect(markUnknown({ ...node('True'), status: { conditions: conds } }, NOW)).toBeUndefined();
    expect(markUnknown(node(undefined), NOW)).toEqual([expect.objectContaining({ type: 'Ready', status: 'Unknown', reason: 'NodeStatusNeverUpdated' })]);
  });

  it.each<[string, string | undefined, Taint[], string[] | undefined]>([
    ['Ready: nothing to do', 'True', [], undefined],
    ['Unknown: unreachable taints', 'Unknown', [], [`${UNREACHABLE}:NoSchedule`, `${UNREACHABLE}:NoExecute`]],
    ['False: not-ready taints', 'False', [], [`${NOT_READY}:NoSchedule`, `${NOT_READY}:NoExecute`]],
    ['back to Ready: lifecycle taints go, others stay', 'True', [{ key: UNREACHABLE, effect: 'NoExecute' }, { key: 'x', effect: 'NoSchedule' }], ['x:NoSchedule']],
    ['Unknown → False swaps the taints', 'False', [{ key: UNREACHABLE, effect: 'NoExecute' }, { key: UNREACHABLE, effect: 'NoSchedule' }], [`${NOT_READY}:NoSchedule`, `${NOT_READY}:NoExecute`]],
    ['already tainted: nothing to do', 'Unknown', [{ key: UNREACHABLE, effect: 'NoSchedule' }, { key: UNREACHABLE, effect: 'NoExecute' }], undefined],
  ])('taints: %s', (_name, ready, taints, want) => {
    const got = reconcileTaints(node(ready, taints), NOW);
    expect(got?.map((t) => `${t.key}:${t.effect}`)).toEqual(want);
    for (const t of got ?? []) if (t.effect === 'NoExecute' && !taints.some((x) => x.key === t.key && x.effect === 'NoExecute')) expect(t.timeAdded).toBe('2024-01-01T00:10:00Z');
  });

  const taint: Taint = { key: UNREACHABLE, effect: 'NoExecute', timeAdded: '2024-01-01T00:09:00Z' };
  it.each<[string, Toleration[], Taint[], number | 'never']>([
    ['no NoExecute taint', [], [{ key: 'x', effect: 'NoSchedule' }], 'never'],
    ['untolerated: now', [], [taint], NOW],
    ['tolerated forever', [{ key: UNREACHABLE, operator: 'Exists', effect: 'NoExecute' }], [taint], 'never'],
    ['tolerationSeconds from timeAdded', [{ key: UNREACHABLE, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }], [taint], Date.parse('2024-01-01T00:14:00Z')],
    ['already run out', [{ key: UNREACHABLE, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 2 }], [taint], Date.parse('2024-01-01T00:09:02Z')],
    ['a blanket toleration', [{ operator: 'Exists' }], [taint, { key: 'y', effect: 'NoExecute' }], 'never'],
    [
      'the shortest of several taints',
      [{ key: UNREACHABLE, operator: 'Exists', tolerationSeconds: 300 }, { key: 'y', operator: 'Exists', tolerationSeconds: 10 }],
      [taint, { key: 'y', effect: 'NoExecute', timeAdded: '2024-01-01T00:09:00Z' }],
      Date.parse('2024-01-01T00:09:10Z'),
    ],
  ])('eviction: %s', (_name, tolerations, taints, want) => {
    const p = pod();
    p.spec.tolerations = tolerations;
    expect(evictionTime(p, taints, NOW)).toBe(want);
  });
});
