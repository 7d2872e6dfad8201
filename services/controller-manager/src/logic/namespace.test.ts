import { describe, expect, it } from 'vitest';
import { deletionConditions, finalizersAfterUs, podGraceLeftSeconds, recheckAfterMs, type ContentReport } from './namespace.js';
import { pod } from './testing.js';
import type { Condition, Namespace } from './types.js';

const NOW = '2024-01-01T00:10:00Z';
const EARLIER = '2024-01-01T00:00:00Z';

const namespace = (conditions?: Condition[], finalizers?: string[]): Namespace => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name: 'team-a', deletionTimestamp: EARLIER },
  spec: finalizers === undefined ? {} : { finalizers },
  status: { phase: 'Terminating', ...(conditions ? { conditions } : {}) },
});

const report = (o: Partial<Record<keyof ContentReport, unknown>> = {}): ContentReport => ({
  remaining: new Map(o.remaining as Array<[string, number]> | undefined),
  finalizers: new Map(o.finalizers as Array<[string, number]> | undefined),
  failures: (o.failures as string[] | undefined) ?? [],
});

const brief = (cs: Condition[] | undefined): Array<[string, string, string | undefined, string | undefined]> | undefined =>
  cs?.map((c) => [c.type, c.status, c.reason, c.message]);

const ALL_OK: Array<[string, string, string, string]> = [
  ['NamespaceDeletionDiscoveryFailure', 'False', 'ResourcesDiscovered', 'All resources successfully discovered'],
  ['NamespaceDeletionGroupVersionParsingFailure', 'False', 'ParsedGroupVersions', 'All legacy kube types successfully parsed'],
  ['NamespaceDeletionContentFailure', 'False', 'ContentDeleted', 'All content successfully deleted, may be waiting on finalization'],
  ['NamespaceContentRemaining', 'False', 'ContentRemoved', 'All content successfully removed'],
  ['NamespaceFinalizersRemaining', 'False', 'ContentHasNoFinalizers', 'All content-preserving finalizers finished'],
];

describe('namespace deletion conditions', () => {
  it('an empty namespace gets every condition in its OK form', () => {
    const cs = deletionConditions(namespace(), report(), NOW);
    expect(brief(cs)).toEqual(ALL_OK);
    expect(cs?.every((c) => c.lastTransitionTime === NOW)).toBe(true);
  });

  it.each<[string, ContentReport, number, [string, string, string, string]]>([
    [
      'content left, by resource, sorted',
      report({ remaining: [['pods.', 2], ['deployments.apps', 1]] }),
      3,
      ['NamespaceContentRemaining', 'True', 'SomeResourcesRemain', 'Some resources are remaining: deployments.apps has 1 resource instances, pods. has 2 resource instances'],
    ],
    [
      'finalizers left, by finalizer',
      report({ remaining: [['configmaps.', 2]], finalizers: [['example.com/b', 1], ['example.com/a', 2]] }),
      4,
      ['NamespaceFinalizersRemaining', 'True', 'SomeFinalizersRemain', 'Some content in the namespace has finalizers remaining: example.com/a in 2 resource instances, example.com/b in 1 resource instances'],
    ],
    [
      'one failure',
      report({ failures: ['pods.: boom'] }),
      2,
      ['NamespaceDeletionContentFailure', 'True', 'ContentDeletionFailed', 'Failed to delete all resource types, 1 remaining: pods.: boom'],
    ],
    [
      'two failures',
      report({ failures: ['pods.: boom', 'secrets.: bang'] }),
      2,
      ['NamespaceDeletionContentFailure', 'True', 'ContentDeletionFailed', 'Failed to delete all resource types, 2 remaining: [pods.: boom, secrets.: bang]'],
    ],
  ])('%s', (_title, r, index, want) => {
    expect(brief(deletionConditions(namespace(), r, NOW))?.[index]).toEqual(want);
  });

  it('an unchanged condition keeps its transition time; nothing changed is undefined', () => {
    const first = deletionConditions(namespace(), report({ remaining: [['pods.', 1]] }), EARLIER) as Condition[];
    expect(deletionConditions(namespace(first), report({ remaining: [['pods.', 1]] }), NOW)).toBeUndefined();
    const next = deletionConditions(namespace(first), report(), NOW) as Condition[];
    expect(next.find((c) => c.type === 'NamespaceContentRemaining')).toMatchObject({ status: 'False', lastTransitionTime: NOW });
    expect(next.find((c) => c.type === 'NamespaceDeletionDiscoveryFailure')?.lastTransitionTime).toBe(EARLIER);
  });

  it('conditions of other types are kept', () => {
    const other: Condition = { type: 'example.com/Ready', status: 'True' };
    expect(deletionConditions(namespace([other]), report(), NOW)?.[0]).toEqual(other);
  });
});

describe('namespace finalizing', () => {
  it.each<[string[] | undefined, string[]]>([
    [['kubernetes'], []],
    [['kubernetes', 'example.com/b', 'example.com/a', 'example.com/a'], ['example.com/a', 'example.com/b']],
    [undefined, []],
  ])('spec.finalizers %j keeps %j', (finalizers, want) => {
    expect(finalizersAfterUs(namespace(undefined, finalizers))).toEqual(want);
  });

  const now = Date.parse(NOW);
  it.each<[string, ReturnType<typeof pod>, number]>([
    ['a finished pod', pod({ phase: 'Succeeded' }), 0],
    ['a pod being deleted: the rest of its grace', { ...pod(), metadata: { ...pod().metadata, deletionTimestamp: '2024-01-01T00:10:20Z' } }, 20],
    ['past its deadline', { ...pod(), metadata: { ...pod().metadata, deletionTimestamp: EARLIER } }, 0],
    ['not deleted yet: its grace period', { ...pod(), spec: { ...pod().spec, terminationGracePeriodSeconds: 5 } }, 5],
    ['not deleted yet, no grace period set: 30s', pod(), 30],
  ])('grace left: %s', (_title, p, want) => {
    expect(podGraceLeftSeconds(p, now)).toBe(want);
  });

  it.each([
    [0, 1000],
    [1, 1000],
    [15, 8000],
    [30, 16000],
  ])('an estimate of %ss is looked at again after %sms', (estimate, want) => {
    expect(recheckAfterMs(estimate)).toBe(want);
  });
});
