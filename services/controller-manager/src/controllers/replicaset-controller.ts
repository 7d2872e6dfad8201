import { selectorFromObject, type Selector } from '@kite/api';
import { TerminalError, objectKey, type Informer, type ReconcileResult } from '@kite/client';
import { claim } from '../claim.js';
import { Controller, type ControllerContext } from '../controller.js';
import { Expectations } from '../expectations.js';
import { sameStatus } from '../logic/hash.js';
import { controllerRef, isPodActive, isPodReady, msUntilAvailable } from '../logic/pods.js';
import { podsToDelete, replicaDiff, replicaSetStatus } from '../logic/replicaset.js';
import { POD, REPLICASET, type Pod, type ReplicaSet } from '../objects.js';
import { inNamespace, resolveControllerRef } from '../owner-index.js';
import { deletePod, podFromTemplate, slowStartBatch } from '../pod-control.js';

/** Keeps each ReplicaSet's pod count at spec.replicas and reports what its pods are doing. */
export class ReplicaSetController extends Controller {
  private readonly sets: Informer<ReplicaSet>;
  private readonly pods: Informer<Pod>;
  readonly expectations = new Expectations();

  constructor(ctx: ControllerContext) {
    super('replicaset', ctx);
    this.sets = ctx.informers.for<ReplicaSet>(REPLICASET);
    this.pods = ctx.informers.for<Pod>(POD);
    this.sets.addEventHandler({
      onAdd: (rs) => this.enqueue(rs),
      onUpdate: (_o, rs) => this.enqueue(rs),
      onDelete: (rs) => {
        this.expectations.forget(objectKey(rs));
        this.enqueue(rs);
      },
    });
    this.pods.addEventHandler({
      onAdd: (p) => this.podAdded(p),
      onUpdate: (o, p) => this.podUpdated(o, p),
      onDelete: (p) => this.podDeleted(p),
    });
  }

  private podAdded(p: Pod): void {
    const rs = resolveControllerRef(this.sets, 'ReplicaSet', p);
    if (rs) {
      this.expectations.creationObserved(objectKey(rs));
      return this.enqueue(rs);
    }
    if (controllerRef(p) === undefined) this.enqueueMatching(p);
  }

  private podUpdated(old: Pod, p: Pod): void {
    if (p.metadata.deletionTimestamp !== undefined && old.metadata.deletionTimestamp === undefined) {
      // A pod on its way out is gone as far as counting goes.
      const rs = resolveControllerRef(this.sets, 'ReplicaSet', p);
      if (rs) this.expectations.deletionObserved(objectKey(rs), p.metadata.uid as string);
    }
    const before = resolveControllerRef(this.sets, 'ReplicaSet', old);
    const after = resolveControllerRef(this.sets, 'ReplicaSet', p);
    if (before && before !== after) this.enqueue(before);
    if (after) this.enqueue(after);
    else if (controllerRef(p) === undefined) this.enqueueMatching(p);
    if (after && !isPodReady(old) && isPodReady(p) && (after.spec.minReadySeconds ?? 0) > 0) {
      this.queue.addAfter(objectKey(after), (after.spec.minReadySeconds ?? 0) * 1000 + 1);
    }
  }

  private podDeleted(p: Pod): void {
    const rs = resolveControllerRef(this.sets, 'ReplicaSet', p);
    if (!rs) return;
    this.expectations.deletionObserved(objectKey(rs), p.metadata.uid as string);
    this.enqueue(rs);
  }

  private enqueueMatching(p: Pod): void {
    for (const rs of inNamespace(this.sets, p.metadata.namespace)) {
      try {
        if (selectorFromObject(rs.spec.selector).matches(p.metadata.labels)) this.enqueue(rs);
      } catch {
        // An invalid selector matches nothing.
      }
    }
  }

  protected async reconcile(key: string): Promise<ReconcileResult | void> {
    const rs = this.sets.get(key);
    if (rs === undefined) {
      this.expectations.forget(key);
      return;
    }
    let selector: Selector;
    try {
      selector = selectorFromObject(rs.spec.selector);
    } catch (err) {
      throw new TerminalError(`invalid selector: ${(err as Error).message}`);
    }
    const needsSync = this.expectations.satisfied(key);
    const candidates = inNamespace(this.pods, rs.metadata.namespace).filter(isPodActive);
    const owned = await claim(this.ctx.client, rs, REPLICASET, selector, candidates, POD);
    if (needsSync && rs.metadata.deletionTimestamp === undefined) await this.manage(key, rs, owned);
    return this.updateStatus(rs, owned);
  }

  private async manage(key: string, rs: ReplicaSet, owned: Pod[]): Promise<void> {
    const diff = replicaDiff(owned.length, rs.spec.replicas ?? 1);
    if (diff > 0) {
      this.expectations.expect(key, diff);
      const { done, error } = await slowStartBatch(diff, 1, async () => {
        await this.ctx.client.create(podFromTemplate(rs.spec.template, rs, REPLICASET));
      });
      for (let i = done; i < diff; i++) this.expectations.creationFailed(key);
      if (done > 0) this.ctx.events.record(rs, 'Normal', 'SuccessfulCreate', `Created ${done} pod(s)`);
      if (error !== undefined) {
        this.ctx.events.record(rs, 'Warning', 'FailedCreate', `Error creating: ${(error as Error).message}`);
        throw error;
      }
    } else if (diff < 0) {
      const related = this.relatedPods(rs);
      const victims = podsToDelete(owned, related, -diff);
      this.expectations.expect(key, 0, victims.map((p) => p.metadata.uid as string));
      const results = await Promise.allSettled(victims.map((p) => deletePod(this.ctx.client, p)));
      let firstErr: unknown;
      results.forEach((r, i) => {
        if (r.status === 'rejected') {
          this.expectations.deletionFailed(key, victims[i]?.metadata.uid as string);
          firstErr ??= r.reason;
        } else this.ctx.events.record(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${victims[i]?.metadata.name}`);
      });
      if (firstErr !== undefined) throw firstErr;
    }
  }

  /** Active pods of every ReplicaSet sharing this one's controller (its Deployment's other ReplicaSets). */
  private relatedPods(rs: ReplicaSet): Pod[] {
    const owner = controllerRef(rs);
    if (owner === undefined) return inNamespace(this.pods, rs.metadata.namespace).filter((p) => controllerRef(p)?.uid === rs.metadata.uid && isPodActive(p));
    const siblings = new Set(inNamespace(this.sets, rs.metadata.namespace).filter((s) => controllerRef(s)?.uid === owner.uid).map((s) => s.metadata.uid));
    return inNamespace(this.pods, rs.metadata.namespace).filter((p) => isPodActive(p) && siblings.has(controllerRef(p)?.uid));
  }

  private async updateStatus(rs: ReplicaSet, owned: Pod[]): Promise<ReconcileResult | void> {
    const now = this.ctx.now();
    const status = replicaSetStatus(rs, owned, now);
    const next = { ...(rs.status ?? {}), ...status };
    if (!sameStatus(rs.status, next)) {
      await this.ctx.client.updateStatus<ReplicaSet>({ ...rs, ...REPLICASET, status: next });
    }
    const minReady = rs.spec.minReadySeconds ?? 0;
    if (minReady > 0 && status.readyReplicas > status.availableReplicas) {
      const waits = owned.map((p) => msUntilAvailable(p, minReady, now)).filter((ms) => ms > 0);
      if (waits.length > 0) return { requeueAfterMs: Math.min(...waits) + 1 };
    }
  }
}
