import { selectorFromObject, type Selector } from '@kite/api';
import { TerminalError, objectKey, type Informer, type ReconcileResult } from '@kite/client';
import { claim } from '../claim.js';
import { Controller, type ControllerContext } from '../controller.js';
import { Expectations } from '../expectations.js';
import { deleteRevisions, syncRevision, withRevision } from '../history-control.js';
import { daemonPodNode, daemonPodSpec, dsMaxUnavailable, shouldRun } from '../logic/daemonset.js';
import { canonicalJson, sameStatus, templateHash } from '../logic/hash.js';
import { REVISION_HASH_LABEL as REVISION_HASH, historyToTrim, namesByHash } from '../logic/history.js';
import { controllerRef, isPodAvailable, isPodReady, isTerminated, msUntilAvailable } from '../logic/pods.js';
import { CONTROLLERREVISION, DAEMONSET, NODE, POD, type ControllerRevision, type DaemonSet, type Node, type Pod } from '../objects.js';
import { inNamespace, resolveControllerRef } from '../owner-index.js';
import { deletePod, podFromTemplate, slowStartBatch } from '../pod-control.js';

const created = (p: Pod): number => Date.parse(p.metadata.creationTimestamp ?? '') || 0;

/**
 * One pod per eligible node for each DaemonSet; follows nodes coming and going; rolls updates
 * out; keeps the template history in ControllerRevisions for `kubectl rollout history|undo`.
 */
export class DaemonSetController extends Controller {
  private readonly sets: Informer<DaemonSet>;
  private readonly pods: Informer<Pod>;
  private readonly nodes: Informer<Node>;
  private readonly revisions: Informer<ControllerRevision>;
  private readonly expectations = new Expectations();

  constructor(ctx: ControllerContext) {
    super('daemonset', ctx);
    this.sets = ctx.informers.for<DaemonSet>(DAEMONSET);
    this.pods = ctx.informers.for<Pod>(POD);
    this.nodes = ctx.informers.for<Node>(NODE);
    this.revisions = ctx.informers.for<ControllerRevision>(CONTROLLERREVISION);
    const revisionEvent = (r: ControllerRevision): void => {
      const ds = resolveControllerRef(this.sets, 'DaemonSet', r);
      if (ds) this.enqueue(ds);
    };
    this.revisions.addEventHandler({ onAdd: revisionEvent, onUpdate: (_o, r) => revisionEvent(r), onDelete: revisionEvent });
    this.sets.addEventHandler({ onAdd: (d) => this.enqueue(d), onUpdate: (_o, d) => this.enqueue(d), onDelete: (d) => this.expectations.forget(objectKey(d)) });
    const podEvent = (p: Pod, kind: 'add' | 'update' | 'delete', old?: Pod): void => {
      const ds = resolveControllerRef(this.sets, 'DaemonSet', p);
      if (!ds) return;
      const key = objectKey(ds);
      if (kind === 'add') this.expectations.creationObserved(key);
      if (kind === 'delete' || (kind === 'update' && old?.metadata.deletionTimestamp === undefined && p.metadata.deletionTimestamp !== undefined))
        this.expectations.deletionObserved(key, p.metadata.uid as string);
      this.enqueue(ds);
    };
    this.pods.addEventHandler({ onAdd: (p) => podEvent(p, 'add'), onUpdate: (o, p) => podEvent(p, 'update', o), onDelete: (p) => podEvent(p, 'delete') });
    const allSets = (): void => {
      for (const ds of this.sets.list()) this.enqueue(ds);
    };
    this.nodes.addEventHandler({
      onAdd: allSets,
      onUpdate: (o, n) => {
        const relevant = (x: Node): string => canonicalJson([x.metadata.labels ?? {}, x.spec?.taints ?? [], x.spec?.unschedulable ?? false]);
        if (relevant(o) !== relevant(n)) allSets();
      },
      onDelete: allSets,
    });
  }

  protected async reconcile(key: string): Promise<ReconcileResult | void> {
    const ds = this.sets.get(key);
    if (ds === undefined) return;
    let selector: Selector;
    try {
      selector = selectorFromObject(ds.spec.selector);
    } catch (err) {
      throw new TerminalError(`invalid selector: ${(err as Error).message}`);
    }
    const candidates = inNamespace(this.pods, ds.metadata.namespace).filter((p) => controllerRef(p) === undefined || controllerRef(p)?.uid === ds.metadata.uid);
    const owned = await claim(this.ctx.client, ds, DAEMONSET, selector, candidates, POD);
    const mine = inNamespace(this.revisions, ds.metadata.namespace).filter((r) => controllerRef(r) === undefined || controllerRef(r)?.uid === ds.metadata.uid);
    let revisions = await claim(this.ctx.client, ds, DAEMONSET, selector, mine, CONTROLLERREVISION);
    let cur: ControllerRevision | undefined;
    if (ds.metadata.deletionTimestamp === undefined) {
      cur = await syncRevision(this.ctx.client, ds, DAEMONSET, revisions);
      revisions = withRevision(revisions, cur);
    }
    // Pods carry the hash of the revision they were made from, which a rollback reuses.
    const collisionCount = typeof ds.status?.collisionCount === 'number' ? ds.status.collisionCount : 0;
    const hash = cur?.metadata.labels?.[REVISION_HASH] ?? templateHash(ds.spec.template, collisionCount);
    const nodes = this.nodes.list();
    const byNode = new Map<string, Pod[]>();
    for (const p of owned) {
      const n = daemonPodNode(p);
      if (n === undefined) continue;
      byNode.set(n, [...(byNode.get(n) ?? []), p]);
    }
    if (ds.metadata.deletionTimestamp === undefined && this.expectations.satisfied(key)) {
      await this.manage(key, ds, nodes, byNode, hash);
      const live = namesByHash(revisions, owned.map((p) => p.metadata.labels?.[REVISION_HASH] ?? ''));
      if (cur !== undefined) live.add(cur.metadata.name as string);
      await deleteRevisions(this.ctx.client, historyToTrim(revisions, live, ds.spec.revisionHistoryLimit ?? 10));
    }
    return this.updateStatus(ds, nodes, byNode, hash);
  }

  private async manage(key: string, ds: DaemonSet, nodes: Node[], byNode: Map<string, Pod[]>, hash: string): Promise<void> {
    const now = this.ctx.now();
    const minReady = ds.spec.minReadySeconds ?? 0;
    const create: string[] = [];
    const remove: Pod[] = [];
    const nodeNames = new Set(nodes.map((n) => n.metadata.name as string));
    for (const [name, pods] of byNode) if (!nodeNames.has(name)) remove.push(...pods.filter((p) => p.metadata.deletionTimestamp === undefined));
    let desired = 0;
    let unavailable = 0;
    const oldAvailable: Pod[] = [];
    for (const node of nodes) {
      const name = node.metadata.name as string;
      const { run, keep } = shouldRun(ds, node);
      const all = byNode.get(name) ?? [];
      const terminating = all.filter((p) => p.metadata.deletionTimestamp !== undefined);
      const failed = all.filter((p) => p.metadata.deletionTimestamp === undefined && p.status?.phase === 'Failed');
      const live = all.filter((p) => p.metadata.deletionTimestamp === undefined && !isTerminated(p)).sort((a, b) => created(a) - created(b));
      remove.push(...failed);
      if (!keep) {
        remove.push(...live);
        continue;
      }
      if (run) desired++;
      if (live.length === 0) {
        if (run && terminating.length === 0) create.push(name);
        if (run) unavailable++;
        continue;
      }
      // Duplicates: keep the oldest, preferring one already on the current template.
      const keeper = live.find((p) => p.metadata.labels?.[REVISION_HASH] === hash) ?? (live[0] as Pod);
      remove.push(...live.filter((p) => p !== keeper));
      const available = isPodAvailable(keeper, minReady, now);
      if (!available) unavailable++;
      if (keeper.metadata.labels?.[REVISION_HASH] !== hash && (ds.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate') {
        // An old pod that is not available costs nothing to replace.
        if (!available) remove.push(keeper);
        else oldAvailable.push(keeper);
      }
    }
    const maxUnavailable = dsMaxUnavailable(ds, desired);
    for (const p of oldAvailable) {
      if (unavailable >= maxUnavailable) break;
      remove.push(p);
      unavailable++;
    }
    this.expectations.expect(key, create.length, remove.map((p) => p.metadata.uid as string));
    const results = await Promise.allSettled(remove.map((p) => deletePod(this.ctx.client, p)));
    results.forEach((r, i) => r.status === 'rejected' && this.expectations.deletionFailed(key, remove[i]?.metadata.uid as string));
    let next = 0;
    const { done, error } = await slowStartBatch(create.length, 1, async () => {
      const node = create[next++] as string;
      await this.ctx.client.create(podFromTemplate(ds.spec.template, ds, DAEMONSET, { labels: { [REVISION_HASH]: hash }, spec: daemonPodSpec(ds, node) }));
    });
    for (let i = done; i < create.length; i++) this.expectations.creationFailed(key);
    if (done > 0) this.ctx.events.record(ds, 'Normal', 'SuccessfulCreate', `Created ${done} daemon pod(s)`);
    const failure = error ?? results.find((r): r is PromiseRejectedResult => r.status === 'rejected')?.reason;
    if (failure !== undefined) throw failure;
  }

  private async updateStatus(ds: DaemonSet, nodes: Node[], byNode: Map<string, Pod[]>, hash: string): Promise<ReconcileResult | void> {
    const now = this.ctx.now();
    const minReady = ds.spec.minReadySeconds ?? 0;
    let desired = 0;
    let current = 0;
    let misscheduled = 0;
    let ready = 0;
    let available = 0;
    let updated = 0;
    let wait: number | undefined;
    for (const node of nodes) {
      const { run } = shouldRun(ds, node);
      const live = (byNode.get(node.metadata.name as string) ?? []).filter((p) => p.metadata.deletionTimestamp === undefined && !isTerminated(p));
      if (run) desired++;
      if (live.length === 0) continue;
      if (!run) {
        misscheduled++;
        continue;
      }
      current++;
      const p = live[0] as Pod;
      if (isPodReady(p)) ready++;
      if (isPodAvailable(p, minReady, now)) available++;
      else if (isPodReady(p)) wait = Math.min(wait ?? Infinity, msUntilAvailable(p, minReady, now) + 1);
      if (p.metadata.labels?.[REVISION_HASH] === hash) updated++;
    }
    const status = {
      ...(ds.status ?? {}),
      currentNumberScheduled: current,
      numberMisscheduled: misscheduled,
      desiredNumberScheduled: desired,
      numberReady: ready,
      updatedNumberScheduled: updated,
      numberAvailable: available,
      numberUnavailable: Math.max(0, desired - available),
      ...(ds.metadata.generation !== undefined ? { observedGeneration: ds.metadata.generation } : {}),
    };
    if (status.numberAvailable === 0) delete (status as Record<string, unknown>).numberAvailable;
    if (status.numberUnavailable === 0) delete (status as Record<string, unknown>).numberUnavailable;
    if (!sameStatus(ds.status, status)) await this.ctx.client.updateStatus<DaemonSet>({ ...ds, ...DAEMONSET, status });
    if (wait !== undefined) return { requeueAfterMs: wait };
  }
}
