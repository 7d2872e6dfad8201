import { isNotFound, type KiteClient, type KubeObject, type Target } from '@kite/client';
import type { Selector } from '@kite/api';
import { claimDecision } from './logic/claim.js';
import { ownerRefTo } from './logic/pods.js';

/**
 * Claims `candidates` for `owner`: adopts matching orphans and releases controlled objects
 * that stopped matching (each a conditional patch of ownerReferences), and returns what the
 * owner controls afterwards.
 */
export async function claim<T extends KubeObject>(
  client: KiteClient,
  owner: KubeObject,
  ownerType: { apiVersion: string; kind: string },
  selector: Selector,
  candidates: readonly T[],
  target: Target,
): Promise<T[]> {
  const owned: T[] = [];
  for (const obj of candidates) {
    const decision = claimDecision(owner, selector, obj);
    if (decision === 'own') owned.push(obj);
    if (decision !== 'adopt' && decision !== 'release') continue;
    const refs = obj.metadata.ownerReferences ?? [];
    const next = decision === 'adopt' ? [...refs, ownerRefTo(owner, ownerType.apiVersion, ownerType.kind)] : refs.filter((r) => r.uid !== owner.metadata.uid);
    try {
      const patched = await client.patch<T>({ ...target, namespace: obj.metadata.namespace }, obj.metadata.name as string, 'merge', {
        metadata: { ownerReferences: next.length > 0 ? next : null, resourceVersion: obj.metadata.resourceVersion },
      });
      if (decision === 'adopt') owned.push(patched);
    } catch (err) {
      // Gone meanwhile: nothing to adopt or release.
      if (!isNotFound(err)) throw err;
    }
  }
  return owned;
}
