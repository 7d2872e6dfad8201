import { isAlreadyExists, isNotFound, type KiteClient } from '@kite/client';
import { holdsTemplate, planRevision, type RevisionOwner } from './logic/history.js';
import { controllerRef } from './logic/pods.js';
import { CONTROLLERREVISION, type ControllerRevision } from './objects.js';

/**
 * Makes a revision hold the owner's template and be its newest (creating or renumbering one)
 * and returns it. A name taken by a revision holding something else bumps the owner's
 * status.collisionCount, which changes the hash, and fails so the owner is synced again.
 */
export async function syncRevision(
  client: KiteClient,
  owner: RevisionOwner & { status?: Record<string, unknown> },
  ownerType: { apiVersion: string; kind: string },
  revisions: readonly ControllerRevision[],
): Promise<ControllerRevision> {
  const collisionCount = typeof owner.status?.collisionCount === 'number' ? owner.status.collisionCount : 0;
  const step = planRevision(owner, ownerType, revisions, collisionCount);
  if (step.kind === 'keep') return step.revision;
  if (step.kind === 'renumber') return client.update<ControllerRevision>({ ...step.revision, ...CONTROLLERREVISION, revision: step.to });
  const name = step.revision.metadata.name as string;
  try {
    return await client.create(step.revision);
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
    // Our own, made by a sync whose result the cache has not shown yet.
    const existing = await client.get<ControllerRevision>({ ...CONTROLLERREVISION, namespace: owner.metadata.namespace }, name);
    if (controllerRef(existing)?.uid === owner.metadata.uid && holdsTemplate(existing, owner.spec.template)) return existing;
    await client.updateStatus({ ...owner, ...ownerType, status: { ...(owner.status ?? {}), collisionCount: collisionCount + 1 } });
    throw new Error(`hash collision for ControllerRevision ${name}; collisionCount now ${collisionCount + 1}`);
  }
}

/** Deletes revisions trimmed from the history; one already gone counts as deleted. */
export async function deleteRevisions(client: KiteClient, revisions: readonly ControllerRevision[]): Promise<void> {
  for (const r of revisions) {
    try {
      await client.delete({ ...CONTROLLERREVISION, namespace: r.metadata.namespace }, r.metadata.name as string, { preconditions: { uid: r.metadata.uid } });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}

/** The owner's revisions with `cur` (just created or renumbered) in place of its cached copy. */
export const withRevision = (revisions: readonly ControllerRevision[], cur: ControllerRevision): ControllerRevision[] => [
  ...revisions.filter((r) => r.metadata.name !== cur.metadata.name),
  cur,
];
