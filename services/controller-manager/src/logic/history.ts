import { canonicalJson, templateHash } from './hash.js';
import { ownerRefTo } from './pods.js';
import type { ControllerRevision, KubeObjectLike, PodTemplate } from './types.js';

/**
 * Revision history of DaemonSets and StatefulSets, kept as Kubernetes keeps it in apps/v1
 * ControllerRevisions, so that `kubectl rollout history` and `rollout undo` find it: each
 * revision stores a strategic merge patch that puts its template back whole.
 */

export const REVISION_HASH_LABEL = 'controller-revision-hash';

const CONTROLLER_REVISION = { apiVersion: 'apps/v1', kind: 'ControllerRevision' } as const;

/** A DaemonSet or StatefulSet, as far as its history is concerned. */
export interface RevisionOwner extends KubeObjectLike {
  spec: { template: PodTemplate };
}

/** getPatch: `{"spec":{"template":{…,"$patch":"replace"}}}`, what kubectl applies to roll back. */
export function revisionData(template: PodTemplate): { spec: { template: Record<string, unknown> } } {
  return { spec: { template: { ...structuredClone(template), $patch: 'replace' } } };
}

export const revisionNumber = (cr: ControllerRevision): number => (typeof cr.revision === 'number' ? cr.revision : 0);

/** Whether a revision holds this template (key order and absent fields aside). */
export const holdsTemplate = (cr: ControllerRevision, template: PodTemplate): boolean => canonicalJson(cr.data) === canonicalJson(revisionData(template));

/** SortControllerRevisions: oldest first, by revision, then creation time, then name. */
export function sortRevisions(revisions: readonly ControllerRevision[]): ControllerRevision[] {
  const created = (r: ControllerRevision): number => Date.parse(r.metadata.creationTimestamp ?? '') || 0;
  const name = (r: ControllerRevision): string => r.metadata.name ?? '';
  return [...revisions].sort((a, b) => revisionNumber(a) - revisionNumber(b) || created(a) - created(b) || (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0));
}

/** ControllerRevisionName: the owner's name, cut so the whole stays a valid name, then the hash. */
export const revisionName = (owner: string, hash: string): string => `${owner.slice(0, 223)}-${hash}`;

/**
 * A snapshot of the owner's template numbered `revision`: its labels are the template's (so the
 * owner's selector finds it, as kubectl's history lookup requires) plus the hash; it carries
 * the owner's annotations (kubectl reads `kubernetes.io/change-cause` from there).
 */
export function newRevision(owner: RevisionOwner, ownerType: { apiVersion: string; kind: string }, revision: number, collisionCount = 0): ControllerRevision {
  const hash = templateHash(owner.spec.template, collisionCount);
  const annotations = owner.metadata.annotations ?? {};
  return {
    ...CONTROLLER_REVISION,
    metadata: {
      name: revisionName(owner.metadata.name as string, hash),
      namespace: owner.metadata.namespace,
      labels: { ...(owner.spec.template.metadata?.labels ?? {}), [REVISION_HASH_LABEL]: hash },
      ...(Object.keys(annotations).length > 0 ? { annotations: { ...annotations } } : {}),
      ownerReferences: [ownerRefTo(owner, ownerType.apiVersion, ownerType.kind)],
    },
    data: revisionData(owner.spec.template),
    revision,
  };
}

export type RevisionStep =
  | { kind: 'keep'; revision: ControllerRevision }
  | { kind: 'create'; revision: ControllerRevision }
  | { kind: 'renumber'; revision: ControllerRevision; to: number };

/**
 * Which revision holds the owner's template (constructHistory, getStatefulSetRevisions): the
 * newest one equal to it, kept when no other is numbered as high, else renumbered past them all
 * (an old template came back: a rollback); a new revision after the newest when none is equal.
 */
export function planRevision(owner: RevisionOwner, ownerType: { apiVersion: string; kind: string }, revisions: readonly ControllerRevision[], collisionCount = 0): RevisionStep {
  const sorted = sortRevisions(revisions);
  const equal = sorted.filter((r) => holdsTemplate(r, owner.spec.template));
  const others = sorted.filter((r) => !equal.includes(r));
  const next = others.reduce((m, r) => Math.max(m, revisionNumber(r)), 0) + 1;
  const newest = equal[equal.length - 1];
  if (newest === undefined) return { kind: 'create', revision: newRevision(owner, ownerType, next, collisionCount) };
  if (revisionNumber(newest) >= next) return { kind: 'keep', revision: newest };
  return { kind: 'renumber', revision: newest, to: next };
}

/** Names of the revisions whose hash label one of `hashes` carries (DaemonSet pods carry the hash). */
export function namesByHash(revisions: readonly ControllerRevision[], hashes: Iterable<string>): Set<string> {
  const wanted = new Set(hashes);
  return new Set(revisions.filter((r) => wanted.has(r.metadata.labels?.[REVISION_HASH_LABEL] ?? '')).map((r) => r.metadata.name as string));
}

/**
 * truncateHistory: the revisions beyond `limit` that nothing lives on (`live` names the
 * current and update revisions and those pods still run), oldest first.
 */
export function historyToTrim(revisions: readonly ControllerRevision[], live: ReadonlySet<string>, limit: number): ControllerRevision[] {
  const history = sortRevisions(revisions).filter((r) => !live.has(r.metadata.name as string) && r.metadata.deletionTimestamp === undefined);
  return history.slice(0, Math.max(0, history.length - Math.max(0, limit)));
}

/** A StatefulSet's current revision: the one its status names while that exists, else the update revision. */
export function currentRevisionName(named: unknown, revisions: readonly ControllerRevision[], update: string): string {
  return typeof named === 'string' && revisions.some((r) => r.metadata.name === named) ? named : update;
}
