import type { Selector } from '@kite/api';
import { controllerRef } from './pods.js';
import type { KubeObjectLike } from './types.js';

export type ClaimDecision = 'own' | 'adopt' | 'release' | 'ignore';

/**
 * ControllerRefManager.ClaimObject: an object controlled by `owner` stays if the selector still
 * matches and is released otherwise; an orphan that matches is adopted unless either side is
 * being deleted; anything controlled by someone else is left alone.
 */
export function claimDecision(owner: KubeObjectLike, selector: Selector, obj: KubeObjectLike): ClaimDecision {
  const ref = controllerRef(obj);
  const matches = selector.matches(obj.metadata.labels);
  if (ref !== undefined) {
    if (ref.uid !== owner.metadata.uid) return 'ignore';
    if (matches) return 'own';
    // An owner being deleted keeps what it has, so the garbage collector finds it.
    return owner.metadata.deletionTimestamp !== undefined ? 'own' : 'release';
  }
  if (!matches || owner.metadata.deletionTimestamp !== undefined || obj.metadata.deletionTimestamp !== undefined) return 'ignore';
  return 'adopt';
}
