import { describe, expect, it } from 'vitest';
import { templateHash } from './hash.js';
import { currentRevisionName, historyToTrim, namesByHash, newRevision, planRevision, revisionData, revisionName, sortRevisions, type RevisionOwner } from './history.js';
import type { ControllerRevision, PodTemplate } from './types.js';

const DS = { apiVersion: 'apps/v1', kind: 'DaemonSet' } as const;
const tpl = (image: string): PodTemplate => ({ metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'c', image }] } });
const owner = (image: string, annotations?: Record<string, string>): RevisionOwner => ({
  ...DS,
  metadata: { name: 'agent', namespace: 'default', uid: 'uid-agent', ...(annotations ? { annotations } : {}) },
  spec: { template: tpl(image) },
});
/** A stored revision of `image` numbered `n`. */
const rev = (image: string, n: number, created = '2024-01-01T00:00:00Z'): ControllerRevision => {
  const r = newRevision(owner(image), DS, n);
  return { ...r, metadata: { ...r.metadata, uid: `uid-${image}`, creationTimestamp: created } };
};
const names = (rs: readonly ControllerRevision[]): string[] => rs.map((r) => r.metadata.name as string);

describe('revision contents', () => {
  it('stores the template as a patch that replaces it whole, and leaves the owner untouched', () => {
    const o = owner('nginx');
    expect(revisionData(o.spec.template)).toEqual({ spec: { template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] }, $patch: 'replace' } } });
    expect(o.spec.template).toEqual(tpl('nginx'));
  });

  it('is named <owner>-<hash>, labelled like the template plus the hash, controlled by the owner, with its annotations', () => {
    const hash = templateHash(tpl('nginx'));
    const r = newRevision(owner('nginx', { 'kubernetes.io/change-cause': 'set image' }), DS, 4);
    expect(r).toMatchObject({
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      revision: 4,
      metadata: {
        name: `agent-${hash}`,
        namespace: 'default',
        labels: { app: 'agent', 'controller-revision-hash': hash },
        annotations: { 'kubernetes.io/change-cause': 'set image' },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent', uid: 'uid-agent', controller: true, blockOwnerDeletion: true }],
      },
    });
    expect(newRevision(owner('nginx'), DS, 1).metadata.annotations).toBeUndefined();
    expect(newRevision(owner('nginx'), DS, 1, 2).metadata.name).toBe(`agent-${templateHash(tpl('nginx'), 2)}`);
  });

  it('cuts long owner names', () => {
    expect(revisionName('x'.repeat(300), 'abc')).toBe(`${'x'.repeat(223)}-abc`);
  });

  it('sorts by revision, then creation time, then name', () => {
    const a = rev('a', 2, '2024-01-02T00:00:00Z');
    const b = rev('b', 2, '2024-01-01T00:00:00Z');
    const c = rev('c', 1, '2024-01-03T00:00:00Z');
    expect(names(sortRevisions([a, b, c]))).toEqual(names([c, b, a]));
  });
});

describe('planRevision', () => {
  const step = (image: string, revisions: ControllerRevision[]): string => {
    const s = planRevision(owner(image), DS, revisions);
    const which = (s.revision.data as { spec: { template: PodTemplate } }).spec.template.spec?.containers?.[0]?.image;
    return s.kind === 'renumber' ? `renumber ${which} to ${s.to}` : `${s.kind} ${which} as ${s.revision.revision}`;
  };
  it.each<[string, string, ControllerRevision[], string]>([
    ['a first template is revision 1', 'v1', [], 'create v1 as 1'],
    ['an unchanged template keeps its revision', 'v1', [rev('v1', 1)], 'keep v1 as 1'],
    ['a new template is numbered after the newest', 'v3', [rev('v1', 1), rev('v2', 2)], 'create v3 as 3'],
    ['the newest of several keeps', 'v2', [rev('v1', 1), rev('v2', 2)], 'keep v2 as 2'],
    ['an old template back (rollout undo) is renumbered past the newest', 'v1', [rev('v1', 1), rev('v2', 2)], 'renumber v1 to 3'],
    ['undo to an older one skips over the rest', 'v1', [rev('v2', 5), rev('v1', 3), rev('v3', 7)], 'renumber v1 to 8'],
    ['a tie with another revision is not the newest', 'v1', [rev('v1', 2), rev('v2', 2)], 'renumber v1 to 3'],
  ])('%s', (_title, image, revisions, want) => {
    expect(step(image, revisions)).toBe(want);
  });

  it('matches templates whatever their key order', () => {
    const r = rev('v1', 1);
    const o = owner('v1');
    o.spec.template = { spec: { containers: [{ image: 'v1', name: 'c' }] }, metadata: { labels: { app: 'agent' } } };
    expect(planRevision(o, DS, [r]).kind).toBe('keep');
  });
});

describe('historyToTrim', () => {
  const history = [rev('v1', 1), rev('v2', 2), rev('v3', 3), rev('v4', 4), rev('v5', 5)];
  const n = (image: string): string => newRevision(owner(image), DS, 0).metadata.name as string;
  it.each<[string, string[], number, string[]]>([
    ['within the limit: nothing', ['v5'], 10, []],
    ['beyond it: the oldest go', ['v5'], 2, ['v1', 'v2']],
    ['live revisions stay and do not count', ['v5', 'v1'], 2, ['v2']],
    ['a limit of 0 keeps only the live ones', ['v5', 'v3'], 0, ['v1', 'v2', 'v4']],
  ])('%s', (_title, live, limit, want) => {
    expect(names(historyToTrim(history, new Set(live.map(n)), limit))).toEqual(want.map(n));
  });

  it('leaves revisions already being deleted alone', () => {
    const going = { ...rev('v0', 0), metadata: { ...rev('v0', 0).metadata, deletionTimestamp: '2024-01-01T00:00:00Z' } };
    expect(names(historyToTrim([going, ...history], new Set([n('v5')]), 3))).toEqual([n('v1')]);
  });

  it('finds revisions by the hashes pods carry', () => {
    expect([...namesByHash(history, [templateHash(tpl('v2')), 'nope'])]).toEqual([n('v2')]);
  });
});

describe('currentRevisionName', () => {
  const history = [rev('v1', 1), rev('v2', 2)];
  const v1 = history[0]?.metadata.name as string;
  it.each<[string, unknown, string]>([
    ['the one status names', v1, v1],
    ['none named: the update revision', undefined, 'upd'],
    ['a name no revision has (trimmed, or from before revisions existed): the update revision', 'agent-gone', 'upd'],
  ])('%s', (_title, named, want) => {
    expect(currentRevisionName(named, history, 'upd')).toBe(want);
  });
});
