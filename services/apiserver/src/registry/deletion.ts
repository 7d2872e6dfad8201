import { ApiError, conflict, forbidden } from '../errors.js';
import { rfc3339, type KObject } from '../object.js';
import { NoChange } from './object-store.js';
import type { Resource } from './resource.js';

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  /** Orphan, Background (the default) or Foreground; `orphanDependents: true` means Orphan. */
  propagationPolicy?: string;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun: boolean;
}

/** The namespaces every cluster keeps. */
export const PROTECTED_NAMESPACES = new Set(['default', 'kube-system', 'kube-public']);

function checkPreconditions(r: Resource, obj: KObject, pre: DeleteOptions['preconditions']): void {
  const name = obj.metadata.name as string;
  if (pre?.uid !== undefined && pre.uid !== obj.metadata.uid)
    throw conflict(r.store.name, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${obj.metadata.uid}`);
  if (pre?.resourceVersion !== undefined && pre.resourceVersion !== obj.metadata.resourceVersion)
    throw conflict(r.store.name, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in meta: ${obj.metadata.resourceVersion}`);
}

/**
 * How long the object must still live: pods on a node wait for their kubelet to confirm they
 * stopped; everything else goes at once.
 */
function graceFor(obj: KObject, requested: number | undefined): number {
  if (obj.kind !== 'Pod') return 0;
  const spec = (obj.spec ?? {}) as { nodeName?: string; terminationGracePeriodSeconds?: number };
  const phase = (obj.status as { phase?: string } | undefined)?.phase;
  if (!spec.nodeName || phase === 'Succeeded' || phase === 'Failed') return 0;
  const g = requested ?? spec.terminationGracePeriodSeconds ?? 30;
  return Math.max(0, g);
}

/**
 * The finalizer a propagation policy asks for: the garbage collector orphans the dependents
 * (`orphan`) or deletes them first (`foregroundDeletion`), then removes it; Background needs none.
 */
const POLICY_FINALIZERS: Record<string, string> = { Orphan: 'orphan', Foreground: 'foregroundDeletion' };

/** The finalizers an object should carry once deleted with `policy`: one policy finalizer at most. */
function finalizersFor(current: string[], policy: string | undefined): string[] {
  const wanted = policy === undefined ? undefined : POLICY_FINALIZERS[policy];
  if (wanted === undefined) return current;
  const others = current.filter((f) => !Object.values(POLICY_FINALIZERS).includes(f));
  return [...others, wanted];
}

/** A namespace's spec.finalizers: what must finish before it may go, besides metadata.finalizers. */
function namespaceFinalizers(ns: KObject): string[] {
  return (ns.spec as { finalizers?: string[] } | undefined)?.finalizers ?? [];
}

export interface DeleteResult {
  object: KObject;
  /** False while the object waits for finalizers or a graceful stop. */
  deleted: boolean;
}

/**
 * Kubernetes' delete: graceful for pods (deletionTimestamp and deletionGracePeriodSeconds set,
 * the kubelet finishes it), deferred while finalizers remain, immediate otherwise.
 */
export async function deleteObject(r: Resource, namespace: string | undefined, name: string, opts: DeleteOptions): Promise<DeleteResult> {
  if (r.kind.kind === 'Namespace' && PROTECTED_NAMESPACES.has(name)) throw forbidden(r.store.name, name, 'this namespace may not be deleted');
  for (;;) {
    const current = await r.get(namespace, name);
    checkPreconditions(r, current, opts.preconditions);
    const grace = graceFor(current, opts.gracePeriodSeconds);
    const finalizers = finalizersFor(current.metadata.finalizers ?? [], opts.propagationPolicy);
    // A namespace's first delete only marks it Terminating; the namespace controller empties it
    // and removes its spec.finalizers. Deleting one already terminating with none left finishes it.
    const namespaceTerminates = r.kind.kind === 'Namespace' && !(current.metadata.deletionTimestamp !== undefined && namespaceFinalizers(current).length === 0);
    if (grace === 0 && finalizers.length === 0 && !namespaceTerminates) {
      if (opts.dryRun) return { object: current, deleted: true };
      try {
        return { object: await r.delete(namespace, name, current.metadata.resourceVersion), deleted: true };
      } catch (err) {
        // Changed between our read and the delete: decide again on the fresh object.
        // Preconditions are checked again on the fresh read, so retrying is always safe.
        if (err instanceof ApiError && err.reason === 'Conflict') continue;
        throw err;
      }
    }
    const mark = (cur: KObject): KObject => {
      const m = cur.metadata;
      const shorter = m.deletionGracePeriodSeconds === undefined || grace < m.deletionGracePeriodSeconds;
      const wanted = finalizersFor(m.finalizers ?? [], opts.propagationPolicy);
      const finalizersChange = JSON.stringify(wanted) !== JSON.stringify(m.finalizers ?? []);
      if (m.deletionTimestamp !== undefined && !shorter && !finalizersChange) throw new NoChange();
      if (finalizersChange) m.finalizers = wanted;
      if (m.deletionTimestamp === undefined || shorter) {
        m.deletionTimestamp = rfc3339(new Date(Date.now() + grace * 1000));
        m.deletionGracePeriodSeconds = grace;
      }
      if (namespaceTerminates) cur.status = { ...((cur.status as object | undefined) ?? {}), phase: 'Terminating' };
      return cur;
    };
    if (opts.dryRun) {
      try {
        return { object: mark(structuredClone(current)), deleted: false };
      } catch (err) {
        if (err instanceof NoChange) return { object: current, deleted: false };
        throw err;
      }
    }
    // Marking is the system's own write: it bypasses the update strategy that protects these fields.
    const { object: marked } = await r.store.update(namespace, name, mark);
    const object = r.withType(marked);
    return { object, deleted: false };
  }
}

/**
 * After an update: an object marked for deletion whose last finalizer is gone (and, for a pod,
 * whose grace period was confirmed as 0) is removed now.
 */
export async function finishDeletionIfDone(r: Resource, obj: KObject): Promise<KObject | undefined> {
  const m = obj.metadata;
  if (m.deletionTimestamp === undefined || (m.finalizers ?? []).length > 0) return undefined;
  if (r.kind.kind === 'Pod' && (m.deletionGracePeriodSeconds ?? 0) > 0) return undefined;
  if (r.kind.kind === 'Namespace' && namespaceFinalizers(obj).length > 0) return undefined;
  try {
    return await r.delete(m.namespace, m.name as string, m.resourceVersion);
  } catch (err) {
    if (err instanceof ApiError && (err.code === 404 || err.code === 409)) return undefined;
    throw err;
  }
}
