import { selectorFromObject, type Selector } from '@kite/api';
import { TerminalError, isAlreadyExists, isNotFound, type Informer, type ReconcileResult } from '@kite/client';
import { claim } from '../claim.js';
import { Controller, type ControllerContext } from '../controller.js';
import {
  DESIRED_REPLICAS,
  MAX_REPLICAS,
  REVISION,
  calculateStatus,
  cond,
  historyToDelete,
  isComplete,
  isRolling,
  isScalingEvent,
  maxRevision,
  newRSReplicas,
  progressingCondition,
  proportionalScale,
  replicasOf,
  resolveFenceposts,
  revisionOf,
  scaleDownOld,
  setCondition,
  specReplicas,
  hasProgressDeadline,
} from '../logic/deployment.js';
import { POD_TEMPLATE_HASH, canonicalJson, equalIgnoreHash, sameStatus, templateHash } from '../logic/hash.js';
import { condition, controllerRef, isTerminated, ownerRefTo } from '../logic/pods.js';
import { DEPLOYMENT, POD, REPLICASET, type Condition, type Deployment, type Pod, type ReplicaSet } from '../objects.js';
import { inNamespace, resolveControllerRef } from '../owner-index.js';

/** Annotations a Deployment keeps to itself rather than copying to its ReplicaSets. */
const NOT_COPIED = new Set(['kubectl.kubernetes.io/last-applied-configuration', REVISION, 'deployment.kubernetes.io/revision-history', DESIRED_REPLICAS, MAX_REPLICAS]);
const nowIso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Rolls Deployments out through ReplicaSets, one per pod template. */
export class DeploymentController extends Controller {
  private readonly deployments: Informer<Deployment>;
  private readonly sets: Informer<ReplicaSet>;
  private readonly pods: Informer<Pod>;

  constructor(ctx: ControllerContext) {
    super('deployment', ctx);
    this.deployments = ctx.informers.for<Deployment>(DEPLOYMENT);
    this.sets = ctx.informers.for<ReplicaSet>(REPLICASET);
    this.pods = ctx.informers.for<Pod>(POD);
    this.deployments.addEventHandler({ onAdd: (d) => this.enqueue(d), onUpdate: (_o, d) => this.enqueue(d), onDelete: (d) => this.enqueue(d) });
    const rsChanged = (rs: ReplicaSet): void => {
      const d = resolveControllerRef(this.deployments, 'Deployment', rs);
      if (d) return this.enqueue(d);
      if (controllerRef(rs) !== undefined) return;
      for (const dep of inNamespace(this.deployments, rs.metadata.namespace)) {
        try {
          if (selectorFromObject(dep.spec.selector).matches(rs.metadata.labels)) this.enqueue(dep);
        } catch {
          // invalid selector: matches nothing
        }
      }
    };
    this.sets.addEventHandler({ onAdd: rsChanged, onUpdate: (_o, rs) => rsChanged(rs), onDelete: rsChanged });
    // Recreate waits for the old pods to be gone: their deletion is news.
    this.pods.addEventHandler({
      onDelete: (p) => {
        const rs = resolveControllerRef(this.sets, 'ReplicaSet', p);
        const d = rs && resolveControllerRef(this.deployments, 'Deployment', rs);
        if (d && !isRolling(d)) this.enqueue(d);
      },
    });
  }

  protected async reconcile(key: string): Promise<ReconcileResult | void> {
    const cached = this.deployments.get(key);
    if (cached === undefined) return;
    const d = structuredClone(cached);
    let selector: Selector;
    try {
      selector = selectorFromObject(d.spec.selector);
    } catch (err) {
      throw new TerminalError(`invalid selector: ${(err as Error).message}`);
    }
    if (selector.requirements.length === 0) {
      this.ctx.events.record(d, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
      return;
    }
    const owned = await claim(this.ctx.client, d, DEPLOYMENT, selector, inNamespace(this.sets, d.metadata.namespace), REPLICASET);
    if (d.metadata.deletionTimestamp !== undefined) return this.syncStatus(d, owned, this.findNew(d, owned));
    if (await this.checkPaused(d)) return;
    const newRS = this.findNew(d, owned);
    const old = owned.filter((rs) => rs !== newRS);
    const active = owned.filter((rs) => specReplicas(rs) > 0);
    if (d.spec.paused || isScalingEvent(d, active)) return this.sync(d, newRS, old);
    return isRolling(d) ? this.rolling(d, newRS, old) : this.recreate(d, newRS, old);
  }

  /** The ReplicaSet whose template is the Deployment's (the oldest, if somehow several). */
  private findNew(d: Deployment, owned: ReplicaSet[]): ReplicaSet | undefined {
    const same = owned.filter((rs) => equalIgnoreHash(rs.spec.template, d.spec.template));
    return same.sort((a, b) => Date.parse(a.metadata.creationTimestamp ?? '') - Date.parse(b.metadata.creationTimestamp ?? ''))[0];
  }

  /** checkPausedConditions: Progressing Unknown with DeploymentPaused/DeploymentResumed. True when it wrote. */
  private async checkPaused(d: Deployment): Promise<boolean> {
    if (!hasProgressDeadline(d)) return false;
    const cur = condition(d.status?.conditions, 'Progressing');
    const pausedCond = cur?.reason === 'DeploymentPaused';
    const now = nowIso(this.ctx.now());
    let next: Condition | undefined;
    if (d.spec.paused && !pausedCond) next = cond('Progressing', 'Unknown', 'DeploymentPaused', 'Deployment is paused', now);
    else if (!d.spec.paused && pausedCond) next = cond('Progressing', 'Unknown', 'DeploymentResumed', 'Deployment is resumed', now);
    if (next === undefined) return false;
    const conditions = setCondition(d.status?.conditions ?? [], next);
    await this.ctx.client.updateStatus<Deployment>({ ...d, ...DEPLOYMENT, status: { ...(d.status ?? {}), conditions } });
    return true;
  }

  private rsAnnotations(d: Deployment, revision: number, base: Record<string, string> = {}): Record<string, string> {
    const out = { ...base };
    for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) if (!NOT_COPIED.has(k)) out[k] = v;
    out[REVISION] = String(revision);
    out[DESIRED_REPLICAS] = String(replicasOf(d));
    out[MAX_REPLICAS] = String(replicasOf(d) + resolveFenceposts(d).maxSurge);
    return out;
  }

  /**
   * getNewReplicaSet: the new ReplicaSet with its revision brought up to date (a rollback
   * finds an old one and makes it the newest revision), created when `create` and missing.
   */
  private async ensureNew(d: Deployment, newRS: ReplicaSet | undefined, old: ReplicaSet[], create: boolean): Promise<{ rs?: ReplicaSet; created?: boolean }> {
    const revision = maxRevision(old) + 1;
    if (newRS !== undefined) {
      const wanted = revisionOf(newRS) < revision ? revision : revisionOf(newRS);
      const annotations = this.rsAnnotations(d, wanted, newRS.metadata.annotations);
      // Sizing annotations are the scaler's business; only revision and copied ones matter here.
      annotations[DESIRED_REPLICAS] = newRS.metadata.annotations?.[DESIRED_REPLICAS] ?? annotations[DESIRED_REPLICAS] as string;
      annotations[MAX_REPLICAS] = newRS.metadata.annotations?.[MAX_REPLICAS] ?? annotations[MAX_REPLICAS] as string;
      let rs = newRS;
      if (canonicalJson(annotations) !== canonicalJson(newRS.metadata.annotations ?? {})) {
        rs = await this.ctx.client.update<ReplicaSet>({ ...newRS, ...REPLICASET, metadata: { ...newRS.metadata, annotations } });
      }
      await this.setDeploymentRevision(d, wanted);
      return { rs };
    }
    if (!create) return {};
    const hash = templateHash(d.spec.template, d.status?.collisionCount ?? 0);
    const template = structuredClone(d.spec.template);
    template.metadata = { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH]: hash } };
    const replicas = newRSReplicas(d, old, undefined);
    const rs: ReplicaSet = {
      ...REPLICASET,
      metadata: {
        name: `${d.metadata.name}-${hash}`,
        namespace: d.metadata.namespace,
        labels: { ...(d.spec.template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH]: hash },
        annotations: this.rsAnnotations(d, revision),
        ownerReferences: [ownerRefTo(d, DEPLOYMENT.apiVersion, DEPLOYMENT.kind)],
      },
      spec: {
        replicas,
        minReadySeconds: d.spec.minReadySeconds ?? 0,
        selector: { ...d.spec.selector, matchLabels: { ...(d.spec.selector.matchLabels ?? {}), [POD_TEMPLATE_HASH]: hash } },
        template,
      },
    };
    try {
      const createdRS = await this.ctx.client.create(rs);
      this.ctx.events.record(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${rs.metadata.name} from 0 to ${replicas}`);
      await this.setDeploymentRevision(d, revision);
      return { rs: createdRS, created: true };
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      const existing = await this.ctx.client.get<ReplicaSet>({ ...REPLICASET, namespace: d.metadata.namespace }, rs.metadata.name as string);
      if (controllerRef(existing)?.uid === d.metadata.uid && equalIgnoreHash(existing.spec.template, d.spec.template)) return { rs: existing };
      // A hash collision with someone else's ReplicaSet: bump collisionCount, which changes the hash.
      const collisionCount = (d.status?.collisionCount ?? 0) + 1;
      await this.ctx.client.updateStatus<Deployment>({ ...d, ...DEPLOYMENT, status: { ...(d.status ?? {}), collisionCount } });
      throw new Error(`hash collision for ReplicaSet ${rs.metadata.name}; collisionCount now ${collisionCount}`);
    }
  }

  private async setDeploymentRevision(d: Deployment, revision: number): Promise<void> {
    if (d.metadata.annotations?.[REVISION] === String(revision)) return;
    const updated = await this.ctx.client.patch<Deployment>({ ...DEPLOYMENT, namespace: d.metadata.namespace }, d.metadata.name as string, 'merge', {
      metadata: { annotations: { [REVISION]: String(revision) }, resourceVersion: d.metadata.resourceVersion },
    });
    d.metadata = updated.metadata;
  }

  private async scale(d: Deployment, rs: ReplicaSet, replicas: number): Promise<ReplicaSet> {
    const from = specReplicas(rs);
    const annotations = {
      ...(rs.metadata.annotations ?? {}),
      [DESIRED_REPLICAS]: String(replicasOf(d)),
      [MAX_REPLICAS]: String(replicasOf(d) + resolveFenceposts(d).maxSurge),
    };
    if (from === replicas && canonicalJson(annotations) === canonicalJson(rs.metadata.annotations ?? {})) return rs;
    const updated = await this.ctx.client.update<ReplicaSet>({ ...rs, ...REPLICASET, metadata: { ...rs.metadata, annotations }, spec: { ...rs.spec, replicas } });
    if (from !== replicas) {
      this.ctx.events.record(d, 'Normal', 'ScalingReplicaSet', `Scaled ${replicas > from ? 'up' : 'down'} replica set ${rs.metadata.name} from ${from} to ${replicas}`);
    }
    return updated;
  }

  private async rolling(d: Deployment, found: ReplicaSet | undefined, old: ReplicaSet[]): Promise<ReconcileResult | void> {
    const { rs: newRS, created } = await this.ensureNew(d, found, old, true);
    if (newRS === undefined) return;
    const extra = created ? cond('Progressing', 'True', 'NewReplicaSetCreated', `Created new replica set "${newRS.metadata.name}"`, nowIso(this.ctx.now())) : undefined;
    let all = [...old, newRS];
    const have = specReplicas(newRS);
    const target = have === replicasOf(d) ? have : have > replicasOf(d) ? replicasOf(d) : newRSReplicas(d, all, newRS);
    if (target !== have) {
      const scaled = await this.scale(d, newRS, target);
      return this.syncStatus(d, [...old, scaled], scaled, extra);
    }
    const downs = scaleDownOld(d, old, newRS);
    if (downs.size > 0) {
      const next: ReplicaSet[] = [];
      for (const rs of old) next.push(downs.has(rs.metadata.name as string) ? await this.scale(d, rs, downs.get(rs.metadata.name as string) as number) : rs);
      return this.syncStatus(d, [...next, newRS], newRS, extra);
    }
    all = [...old, newRS];
    if (isComplete(d, calculateStatus(d, all, newRS, nowIso(this.ctx.now())))) await this.cleanup(d, old);
    return this.syncStatus(d, all, newRS, extra);
  }

  private async recreate(d: Deployment, found: ReplicaSet | undefined, old: ReplicaSet[]): Promise<ReconcileResult | void> {
    let { rs: newRS } = await this.ensureNew(d, found, old, false);
    const activeOld = old.filter((rs) => specReplicas(rs) > 0);
    if (activeOld.length > 0) {
      const next = await Promise.all(old.map((rs) => (specReplicas(rs) > 0 ? this.scale(d, rs, 0) : rs)));
      return this.syncStatus(d, newRS ? [...next, newRS] : next, newRS);
    }
    const oldUids = new Set(old.map((rs) => rs.metadata.uid));
    const oldPodsRunning = inNamespace(this.pods, d.metadata.namespace).some((p) => oldUids.has(controllerRef(p)?.uid) && !isTerminated(p));
    if (oldPodsRunning) return this.syncStatus(d, newRS ? [...old, newRS] : old, newRS);
    let extra: Condition | undefined;
    if (newRS === undefined) {
      const r = await this.ensureNew(d, undefined, old, true);
      newRS = r.rs as ReplicaSet;
      extra = cond('Progressing', 'True', 'NewReplicaSetCreated', `Created new replica set "${newRS.metadata.name}"`, nowIso(this.ctx.now()));
    }
    if (specReplicas(newRS) !== replicasOf(d)) newRS = await this.scale(d, newRS, replicasOf(d));
    const all = [...old, newRS];
    if (isComplete(d, calculateStatus(d, all, newRS, nowIso(this.ctx.now())))) await this.cleanup(d, old);
    return this.syncStatus(d, all, newRS, extra);
  }

  /** sync(): scaling only — for paused Deployments and replica changes mid-rollout. */
  private async sync(d: Deployment, found: ReplicaSet | undefined, old: ReplicaSet[]): Promise<ReconcileResult | void> {
    const { rs: newRS } = await this.ensureNew(d, found, old, false);
    let all = newRS ? [...old, newRS] : [...old];
    const active = all.filter((rs) => specReplicas(rs) > 0);
    const replace = async (rs: ReplicaSet, n: number): Promise<void> => {
      const scaled = await this.scale(d, rs, n);
      all = all.map((x) => (x === rs ? scaled : x));
    };
    // FindActiveOrLatest: the one active ReplicaSet, or with none active the new (else the latest) one.
    const latest = [...old].sort((a, b) => revisionOf(b) - revisionOf(a))[0];
    const only = active.length === 1 ? active[0] : active.length === 0 ? (newRS ?? latest) : undefined;
    if (only !== undefined) {
      await replace(only, replicasOf(d));
    } else if (newRS && specReplicas(newRS) === replicasOf(d) && (newRS.status?.availableReplicas ?? 0) === replicasOf(d)) {
      for (const rs of old) if (specReplicas(rs) > 0) await replace(rs, 0);
    } else if (isRolling(d)) {
      const sizes = proportionalScale(d, active);
      for (const rs of active) await replace(rs, sizes.get(rs.metadata.name as string) ?? specReplicas(rs));
    }
    const current = all.find((rs) => rs.metadata.uid === newRS?.metadata.uid);
    if (d.spec.paused) await this.cleanup(d, all.filter((rs) => rs !== current));
    return this.syncStatus(d, all, current);
  }

  private async cleanup(d: Deployment, old: ReplicaSet[]): Promise<void> {
    for (const rs of historyToDelete(d, old)) {
      try {
        await this.ctx.client.delete({ ...REPLICASET, namespace: rs.metadata.namespace }, rs.metadata.name as string, { preconditions: { uid: rs.metadata.uid } });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
  }

  /** syncRolloutStatus: counts, Available and Progressing; requeues to check the progress deadline. */
  private async syncStatus(d: Deployment, all: ReplicaSet[], newRS: ReplicaSet | undefined, extra?: Condition): Promise<ReconcileResult | void> {
    const nowMs = this.ctx.now();
    const base = extra ? { ...d, status: { ...(d.status ?? {}), conditions: setCondition(d.status?.conditions ?? [], extra, false) } } : d;
    const status = calculateStatus(base, all, newRS, nowIso(nowMs));
    const { conditions, recheckMs } = progressingCondition(base, status, newRS?.metadata.name, nowMs);
    const next = { ...(d.status ?? {}), ...status, conditions };
    if (!sameStatus(d.status, next)) {
      await this.ctx.client.updateStatus<Deployment>({ ...d, ...DEPLOYMENT, status: next });
    }
    if (recheckMs !== undefined) return { requeueAfterMs: recheckMs };
  }
}
