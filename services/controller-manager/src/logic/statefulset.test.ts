import { describe, expect, it } from 'vitest';
import { ordinalOf, planStatefulSet, statefulSetStatus } from './statefulset.js';
import { pod } from './testing.js';
import type { Pod, StatefulSet } from './types.js';

const sts = (replicas: number, extra: Partial<StatefulSet['spec']> = {}): StatefulSet => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'web', namespace: 'default', uid: 'u' },
  spec: { replicas, selector: { matchLabels: { a: 'b' } }, template: { spec: { containers: [{ name: 'c' }] } }, ...extra },
});
type State = 'ready' | 'pending' | 'terminating' | 'failed' | 'old';
const pods = (...states: Array<State | undefined>): Pod[] =>
  states.flatMap((s, i) =>
    s === undefined
      ? []
      : [
          pod({
            name: `web-${i}`,
            phase: s === 'pending' ? 'Pending' : s === 'failed' ? 'Failed' : 'Running',
            ready: s === 'ready' || s === 'old',
            deleting: s === 'terminating',
            labels: { 'controller-revision-hash': s === 'old' ? 'r1' : 'r2' },
          }),
        ],
  );
const describeActions = (a: ReturnType<typeof planStatefulSet>): string[] => a.map((x) => (x.kind === 'create' ? `create ${x.ordinal}` : x.kind === 'delete' ? `delete ${x.pod.metadata.name}` : 'wait'));

describe('StatefulSet planning', () => {
  it.each([
    ['web-0', 'web', 0],
    ['web-12', 'web', 12],
    ['web-x', 'web', undefined],
    ['webby-1', 'web', undefined],
    ['my-web-1', 'my-web', 1],
  ])('ordinal of %s in %s', (name, set, want) => expect(ordinalOf(set, name)).toBe(want));

  it.each<[string, StatefulSet, Pod[], string[]]>([
    ['creates web-0 first', sts(3), [], ['create 0']],
    ['waits for web-0 to be Running and Ready', sts(3), pods('pending'), ['wait']],
    ['then web-1', sts(3), pods('ready'), ['create 1']],
    ['fills the lowest hole', sts(3), pods('ready', undefined, 'ready'), ['create 1']],
    ['never replaces an identity still terminating', sts(3), pods('ready', 'terminating'), ['wait']],
    ['replaces a failed pod by deleting it first', sts(3), pods('ready', 'failed', 'ready'), ['delete web-1']],
    ['removes the highest ordinal first', sts(1), pods('ready', 'ready', 'ready'), ['delete web-2']],
    ['one at a time: waits for it to go', sts(1), pods('ready', 'ready', 'terminating'), ['wait']],
    ['does not scale down while a lower pod is unhealthy', sts(1), pods('pending', 'ready'), ['wait']],
    ['Parallel creates all at once', sts(3, { podManagementPolicy: 'Parallel' }), [], ['create 0', 'create 1', 'create 2']],
    ['Parallel removes all surplus at once', sts(1, { podManagementPolicy: 'Parallel' }), pods('ready', 'ready', 'ready'), ['delete web-2', 'delete web-1']],
    ['rolling update from the highest ordinal', sts(3), pods('old', 'old', 'old'), ['delete web-2']],
    ['rolling update waits for the replaced pod to be ready', sts(3), pods('old', 'old', 'pending'), ['wait']],
    ['rolling update continues downwards', sts(3), pods('old', 'old', 'ready'), ['delete web-1']],
    ['partition keeps lower ordinals', sts(3, { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } }), pods('old', 'old', 'ready'), []],
    ['OnDelete leaves old pods', sts(3, { updateStrategy: { type: 'OnDelete' } }), pods('old', 'old', 'old'), []],
    ['ordinals.start shifts names', sts(2, { ordinals: { start: 1 } }), pods(undefined, 'ready'), ['create 2']],
  ])('%s', (_name, set, ps, want) => expect(describeActions(planStatefulSet(set, ps, 'r2'))).toEqual(want));

  it('reports replicas, ready, current and updated counts and revisions', () => {
    const set = sts(3);
    set.metadata.generation = 4;
    set.status = { currentRevision: 'r1' };
    expect(statefulSetStatus(set, pods('old', 'ready', 'terminating'), 'r2', Date.now())).toEqual({
      observedGeneration: 4,
      replicas: 2,
      readyReplicas: 2,
      currentReplicas: 1,
      updatedReplicas: 1,
      availableReplicas: 2,
      currentRevision: 'r1',
      updateRevision: 'r2',
      collisionCount: 0,
    });
    expect(statefulSetStatus(set, pods('ready', 'ready', 'ready'), 'r2', Date.now()).currentRevision).toBe('r2');
  });

  it('takes the current revision the history resolved, and keeps a bumped collisionCount', () => {
    const set = sts(2);
    set.status = { currentRevision: 'trimmed', collisionCount: 2 };
    const got = statefulSetStatus(set, pods('old', 'ready'), 'r2', Date.now(), 'r2');
    expect(got).toMatchObject({ currentRevision: 'r2', currentReplicas: 1, updatedReplicas: 1, collisionCount: 2 });
  });
});
