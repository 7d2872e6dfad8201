import { KindIndex, type KindDef } from '@kite/api';
import { describe, expect, it } from 'vitest';
import type { KObject } from '../object.js';
import { namespaceHooks } from './hooks/core.js';
import { nameSuffix, Strategy, type KindHooks } from './strategy.js';

const kinds = new KindIndex();
const kind = (apiVersion: string, k: string): KindDef => {
  const def = kinds.kind(apiVersion, k);
  if (def === undefined) throw new Error(`no kind ${apiVersion} ${k}`);
  return def;
};
const DEPLOYMENT = kind('apps/v1', 'Deployment');
const NODE = kind('v1', 'Node');
const CONFIGMAP = kind('v1', 'ConfigMap');
const POD = kind('v1', 'Pod');
const JOB = kind('batch/v1', 'Job');
const NAMESPACE = kind('v1', 'Namespace');

const now = new Date('2024-05-01T12:00:00.123Z');
const SUFFIX = /^[bcdfghjklmnpqrstvwxz2456789]{5}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** A hook set like the workload kinds': status starts empty. */
const startsEmpty: KindHooks = { initialStatus: () => ({}) };

function deployment(extra: Partial<KObject> = {}, meta: Record<string, unknown> = {}): KObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', ...meta },
    spec: { replicas: 2, selector: { matchLabels: { app: 'web' } } },
    ...extra,
  };
}

describe('nameSuffix', () => {
  it('is five characters that cannot spell words', () => {
    for (let i = 0; i < 50; i++) expect(nameSuffix()).toMatch(SUFFIX);
  });
});

describe('Strategy.prepareForCreate', () => {
  const cases: Array<[string, Record<string, unknown>, (name: unknown) => void]> = [
    ['generateName without a name', { name: undefined, generateName: 'web-' }, (n) => expect(n).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/)],
    ['generateName with an empty name', { name: '', generateName: 'web-' }, (n) => expect(n).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/)],
    ['a name wins over generateName', { name: 'fixed', generateName: 'web-' }, (n) => expect(n).toBe('fixed')],
    ['neither: left for validation to reject', { name: undefined }, (n) => expect(n).toBeUndefined()],
  ];
  it.each(cases)('%s', (_title, meta, check) => {
    const o = deployment({}, meta);
    new Strategy(DEPLOYMENT, startsEmpty).prepareForCreate(o, now);
    check(o.metadata.name);
  });

  it('two objects from one generateName get different names', () => {
    const names = new Set<unknown>();
    for (let i = 0; i < 20; i++) {
      const o = deployment({}, { name: undefined, generateName: 'web-' });
      new Strategy(DEPLOYMENT).prepareForCreate(o, now);
      names.add(o.metadata.name);
    }
    expect(names.size).toBe(20);
  });

  it('sets uid, creationTimestamp (second precision) and generation 1, drops what clients may not set', () => {
    const o = deployment(
      {},
      { uid: 'client-uid', creationTimestamp: '2000-01-01T00:00:00Z', generation: 9, resourceVersion: '5', deletionTimestamp: '2024-01-01T00:00:00Z', deletionGracePeriodSeconds: 30, selfLink: '/x' },
    );
    new Strategy(DEPLOYMENT, startsEmpty).prepareForCreate(o, now);
    const m = o.metadata;
    expect(m.uid).toMatch(UUID);
    expect(m.uid).not.toBe('client-uid');
    expect(m.creationTimestamp).toBe('2024-05-01T12:00:00Z');
    expect(m.generation).toBe(1);
    for (const k of ['resourceVersion', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'selfLink']) expect(m).not.toHaveProperty(k);
  });

  it.each([
    ['Deployment', DEPLOYMENT, 1],
    ['Pod', POD, 1],
    ['Job', JOB, 1],
    ['ConfigMap (no generations)', CONFIGMAP, undefined],
    ['Node (no generations)', NODE, undefined],
  ])('generation on create: %s', (_title, k, want) => {
    const o = deployment({}, { generation: 7 });
    new Strategy(k).prepareForCreate(o, now);
    expect(o.metadata.generation).toBe(want);
  });

  it('empty label and annotation maps are not stored', () => {
    const o = deployment({}, { labels: {}, annotations: {} });
    new Strategy(DEPLOYMENT).prepareForCreate(o, now);
    expect(o.metadata).not.toHaveProperty('labels');
    expect(o.metadata).not.toHaveProperty('annotations');
    const kept = deployment({}, { labels: { a: 'b' } });
    new Strategy(DEPLOYMENT).prepareForCreate(kept, now);
    expect(kept.metadata.labels).toEqual({ a: 'b' });
  });

  it('every create gets a fresh uid', () => {
    const a = deployment();
    const b = deployment();
    const s = new Strategy(DEPLOYMENT);
    s.prepareForCreate(a, now);
    s.prepareForCreate(b, now);
    expect(a.metadata.uid).not.toBe(b.metadata.uid);
  });

  const statusCases: Array<[string, KindDef, KindHooks, unknown, unknown]> = [
    ['a kind with initialStatus ignores the status sent', DEPLOYMENT, startsEmpty, { replicas: 5, readyReplicas: 5 }, {}],
    ['initialStatus may compute from the object', DEPLOYMENT, { initialStatus: (o) => ({ seen: (o.spec as { replicas: number }).replicas }) }, { x: 1 }, { seen: 2 }],
    ['initialStatus returning undefined removes status', DEPLOYMENT, { initialStatus: () => undefined }, { x: 1 }, undefined],
    ['a kind without the hook keeps what was sent (a node registering itself)', NODE, {}, { capacity: { cpu: '4' } }, { capacity: { cpu: '4' } }],
  ];
  it.each(statusCases)('%s', (_title, k, hooks, sent, want) => {
    const o = deployment({ status: sent });
    new Strategy(k, hooks).prepareForCreate(o, now);
    expect(o.status).toEqual(want);
  });

  it('defaults run after the initial status and see the final name', () => {
    const seen: unknown[] = [];
    const hooks: KindHooks = {
      initialStatus: () => ({ phase: 'New' }),
      defaults: (o) => seen.push([o.metadata.name, o.metadata.uid !== undefined, o.status]),
    };
    const o = deployment({}, { name: undefined, generateName: 'x-' });
    new Strategy(DEPLOYMENT, hooks).prepareForCreate(o, now);
    expect(seen).toEqual([[o.metadata.name, true, { phase: 'New' }]]);
  });
});

describe('Strategy.prepareForUpdate', () => {
  const stored = (): KObject =>
    deployment(
      { status: { replicas: 2, observedGeneration: 3 } },
      { uid: 'u-1', creationTimestamp: '2024-01-01T00:00:00Z', generation: 3, resourceVersion: '10', labels: { app: 'web' } },
    );
  const s = new Strategy(DEPLOYMENT, startsEmpty);
  /** prepareForUpdate, then the generation bump resource.ts applies after all defaulting. */
  const updated = (sent: KObject, old: KObject, sub: 'status' | 'finalize' | undefined = undefined, strategy = s): KObject => {
    const next = strategy.prepareForUpdate(sent, old, sub);
    strategy.bumpGeneration(next, old);
    return next;
  };

  it('the main resource keeps the stored status, whatever the client sent', () => {
    const next = s.prepareForUpdate(deployment({ status: { replicas: 99 } }, { resourceVersion: '10' }), stored(), undefined);
    expect(next.status).toEqual({ replicas: 2, observedGeneration: 3 });
  });

  it('the main resource of a kind with a status subresource but no stored status has none', () => {
    const old = stored();
    delete old.status;
    expect(s.prepareForUpdate(deployment({ status: { replicas: 99 } }), old, undefined)).not.toHaveProperty('status');
  });

  it('a kind without a status subresource takes the body as sent', () => {
    const cm = new Strategy(CONFIGMAP);
    const old: KObject = { metadata: { name: 'c', uid: 'u', generation: 1 }, data: { a: '1' } };
    const next = cm.prepareForUpdate({ metadata: { name: 'c' }, data: { a: '2' }, status: { note: 'kept' } }, old, undefined);
    expect(next.status).toEqual({ note: 'kept' });
    expect(next.data).toEqual({ a: '2' });
  });

  it('the status subresource keeps everything but status, and takes the sent resourceVersion', () => {
    const sent = deployment({ spec: { replicas: 50 }, status: { replicas: 3, readyReplicas: 3 } }, { resourceVersion: '10', labels: { hacked: 'yes' } });
    const old = stored();
    const next = s.prepareForUpdate(sent, old, 'status');
    expect(next.spec).toEqual(old.spec);
    expect(next.status).toEqual({ replicas: 3, readyReplicas: 3 });
    expect(next.metadata.labels).toEqual({ app: 'web' });
    expect(next.metadata.resourceVersion).toBe('10');
    expect(next.metadata.generation).toBe(3);
  });

  it('a status update does not alias the stored object', () => {
    const old = stored();
    const next = s.prepareForUpdate(deployment({ status: { replicas: 3 } }), old, 'status');
    (next.spec as { replicas: number }).replicas = 7;
    expect((old.spec as { replicas: number }).replicas).toBe(2);
  });

  it('server-set metadata comes from the stored object', () => {
    const next = s.prepareForUpdate(deployment({}, { uid: 'other', creationTimestamp: '2030-01-01T00:00:00Z', namespace: 'elsewhere' }), stored(), undefined);
    expect(next.metadata).toMatchObject({ uid: 'u-1', creationTimestamp: '2024-01-01T00:00:00Z', namespace: 'default', name: 'web' });
  });

  const generation: Array<[string, (o: KObject) => void, number]> = [
    ['unchanged spec', () => undefined, 3],
    ['spec change', (o) => ((o.spec as { replicas: number }).replicas = 3), 4],
    ['a new spec field', (o) => ((o.spec as Record<string, unknown>).paused = true), 4],
    ['label change only', (o) => (o.metadata.labels = { app: 'web', extra: 'x' }), 3],
    ['status sent through the main resource (ignored)', (o) => (o.status = { replicas: 9 }), 3],
    ['spec with keys in another order', (o) => (o.spec = { selector: { matchLabels: { app: 'web' } }, replicas: 2 }), 3],
  ];
  it.each(generation)('generation: %s', (_title, change, want) => {
    const sent = deployment({}, { resourceVersion: '10', labels: { app: 'web' } });
    change(sent);
    expect(updated(sent, stored()).metadata.generation).toBe(want);
  });

  it('a status update never bumps generation', () => {
    expect(updated(deployment({ spec: { replicas: 50 }, status: { replicas: 3 } }), stored(), 'status').metadata.generation).toBe(3);
  });

  it.each([
    ['higher', 40],
    ['lower', 1],
  ])('a client cannot set generation itself (%s)', (_title, generation) => {
    expect(updated(deployment({}, { generation }), stored()).metadata.generation).toBe(3);
    expect(updated(deployment({ spec: { replicas: 9 } }, { generation }), stored()).metadata.generation).toBe(4);
  });

  it('a kind without generations gets none on update, even when its content changes', () => {
    const cm = new Strategy(CONFIGMAP);
    const old: KObject = { metadata: { name: 'c', uid: 'u' }, data: { a: '1' } };
    const next = updated({ metadata: { name: 'c', generation: 5 }, data: { a: '2' } }, old, undefined, cm);
    expect(next.metadata).not.toHaveProperty('generation');
  });

  it('a spec field filled by defaults (server-side) is not a change', () => {
    const hooks: KindHooks = { defaults: (o) => void ((o.spec as Record<string, unknown>).strategy ??= { type: 'RollingUpdate' }) };
    const old = stored();
    (old.spec as Record<string, unknown>).strategy = { type: 'RollingUpdate' };
    expect(updated(deployment(), old, undefined, new Strategy(DEPLOYMENT, hooks)).metadata.generation).toBe(3);
  });

  it('empty label and annotation maps are dropped on update', () => {
    const next = updated(deployment({}, { labels: {}, annotations: {} }), stored());
    expect(next.metadata).not.toHaveProperty('labels');
    expect(next.metadata).not.toHaveProperty('annotations');
  });

  // Regression (a kite bug, fixed): Kubernetes' deployment strategy also bumps generation when annotations change ("annotations
  // are copied from deployments to their replica sets"), so the controller sees a new generation and
  // `rollout status` waits for it; kite bumps only on spec changes.
  it('generation: a Deployment annotation change bumps it', () => {
    const sent = deployment({}, { labels: { app: 'web' }, annotations: { note: 'x' } });
    expect(updated(sent, stored()).metadata.generation).toBe(4);
  });

  const deletion: Array<[string, Record<string, unknown>, Record<string, unknown>, Record<string, unknown>]> = [
    [
      'a deleting object stays deleting though the body omits it',
      { deletionTimestamp: '2024-05-01T11:00:00Z', deletionGracePeriodSeconds: 30 },
      {},
      { deletionTimestamp: '2024-05-01T11:00:00Z', deletionGracePeriodSeconds: 30 },
    ],
    [
      'the body cannot move it',
      { deletionTimestamp: '2024-05-01T11:00:00Z', deletionGracePeriodSeconds: 30 },
      { deletionTimestamp: '2099-01-01T00:00:00Z', deletionGracePeriodSeconds: 0 },
      { deletionTimestamp: '2024-05-01T11:00:00Z', deletionGracePeriodSeconds: 30 },
    ],
  ];
  it.each(deletion)('%s', (_title, oldMeta, sentMeta, want) => {
    const old = stored();
    Object.assign(old.metadata, oldMeta);
    const next = s.prepareForUpdate(deployment({}, sentMeta), old, undefined);
    expect(next.metadata).toMatchObject(want);
  });

  it('an update cannot start a deletion', () => {
    const next = s.prepareForUpdate(deployment({}, { deletionTimestamp: '2024-05-01T11:00:00Z', deletionGracePeriodSeconds: 5 }), stored(), undefined);
    expect(next.metadata).not.toHaveProperty('deletionTimestamp');
    expect(next.metadata).not.toHaveProperty('deletionGracePeriodSeconds');
  });

  it('carryOver runs before defaults, and a carried-over field is not a change', () => {
    const order: string[] = [];
    const hooks: KindHooks = {
      carryOver: (o, old) => {
        order.push('carryOver');
        (o.spec as Record<string, unknown>).selector = (old.spec as Record<string, unknown>).selector;
      },
      defaults: (o) => {
        order.push(`defaults@${o.metadata.generation}`);
      },
    };
    const next = updated(deployment({ spec: { replicas: 2 } }), stored(), undefined, new Strategy(DEPLOYMENT, hooks));
    expect(order).toEqual(['carryOver', 'defaults@3']);
    expect(next.metadata.generation).toBe(3);
  });

  describe('namespaces: spec.finalizers change only through the finalize subresource', () => {
    const ns = new Strategy(NAMESPACE, namespaceHooks);
    const old = (): KObject => ({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'team-a', uid: 'u-ns', resourceVersion: '7', labels: { 'kubernetes.io/metadata.name': 'team-a' }, deletionTimestamp: '2024-05-01T11:00:00Z' },
      spec: { finalizers: ['kubernetes', 'example.com/keep'] },
      status: { phase: 'Terminating' },
    });
    const sent = (finalizers: string[] | undefined): KObject => ({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'team-a', resourceVersion: '7', labels: { 'kubernetes.io/metadata.name': 'team-a', extra: 'x' } },
      spec: finalizers === undefined ? {} : { finalizers },
      status: { phase: 'Active' },
    });

    it.each<[string, 'status' | 'finalize' | undefined, string[] | undefined, unknown]>([
      ['a plain update keeps them', undefined, [], ['kubernetes', 'example.com/keep']],
      ['a plain update cannot drop the list either', undefined, undefined, ['kubernetes', 'example.com/keep']],
      ['a status update keeps them', 'status', [], ['kubernetes', 'example.com/keep']],
      ['finalize takes them from the body', 'finalize', ['example.com/keep'], ['example.com/keep']],
      ['finalize emptying them leaves none (not an empty list)', 'finalize', [], undefined],
    ])('%s', (_title, sub, finalizers, want) => {
      const next = ns.prepareForUpdate(sent(finalizers), old(), sub);
      expect((next.spec as { finalizers?: unknown }).finalizers).toEqual(want);
    });

    it('finalize takes nothing else from the body but its resourceVersion precondition', () => {
      const next = ns.prepareForUpdate({ ...sent(['a.io/x']), metadata: { name: 'team-a', resourceVersion: '3', labels: { hacked: 'yes' } } }, old(), 'finalize');
      expect(next.metadata).toMatchObject({ labels: { 'kubernetes.io/metadata.name': 'team-a' }, resourceVersion: '3', deletionTimestamp: '2024-05-01T11:00:00Z' });
      expect(next.status).toEqual({ phase: 'Terminating' });
    });
  });
});
