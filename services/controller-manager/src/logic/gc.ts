import type { OwnerReference } from './types.js';

export const FOREGROUND = 'foregroundDeletion';
export const ORPHAN = 'orphan';

/** What the garbage collector learned about one owner reference. */
export type OwnerState = 'solid' | 'dangling' | 'waiting' | 'unknown';

export type DependentAction =
  | { kind: 'none' }
  /** Some owners live on: drop references to gone owners, unblock owners deleting in the foreground. */
  | { kind: 'patch'; remove: string[]; unblock: string[] }
  | { kind: 'delete'; propagationPolicy: 'Background' | 'Foreground' };

/**
 * attemptToDeleteItem's decision for a dependent: with no reference to a live owner left, the
 * dependent goes (in the foreground when an owner waits for its dependents, so that chain
 * deletes bottom-up); otherwise references to vanished owners are removed.
 * Owners of unknown kinds count as alive: never delete what cannot be checked.
 */
export function dependentAction(refs: ReadonlyArray<{ ref: OwnerReference; state: OwnerState }>): DependentAction {
  if (refs.length === 0) return { kind: 'none' };
  const solid = refs.filter((r) => r.state === 'solid' || r.state === 'unknown');
  const dangling = refs.filter((r) => r.state === 'dangling');
  const waiting = refs.filter((r) => r.state === 'waiting');
  if (dangling.length === 0 && waiting.length === 0) return { kind: 'none' };
  if (solid.length > 0) {
    const unblock = waiting.filter((r) => r.ref.blockOwnerDeletion === true).map((r) => r.ref.uid);
    if (dangling.length === 0 && unblock.length === 0) return { kind: 'none' };
    return { kind: 'patch', remove: dangling.map((r) => r.ref.uid), unblock };
  }
  return { kind: 'delete', propagationPolicy: waiting.length > 0 ? 'Foreground' : 'Background' };
}

/**
 * An owner deleting in the foreground may lose its finalizer once no dependent blocks it:
 * dependents that reference it with blockOwnerDeletion.
 */
export const blockingDependents = <T extends { metadata: { ownerReferences?: OwnerReference[] } }>(ownerUid: string, dependents: readonly T[]): T[] =>
  dependents.filter((d) => (d.metadata.ownerReferences ?? []).some((r) => r.uid === ownerUid && r.blockOwnerDeletion === true));
