import { KINDS, apiVersionOf, type KindDef } from '@kite/api';
import { isNotFound, type Informer, type KubeObject, type ReconcileResult } from '@kite/client';
import { Controller, type ControllerContext } from '../controller.js';
import { FOREGROUND, ORPHAN, blockingDependents, dependentAction, type OwnerState } from '../logic/gc.js';
import type { OwnerReference } from '../objects.js';

/** Kinds never owned nor owning in practice, whose caches would only cost memory. */
const SKIPPED = new Set(['Event']);

interface Item {
  kind: KindDef;
  namespace?: string;
  name: string;
}

const itemKey = (k: KindDef, o: KubeObject): string => `${apiVersionOf(k)}|${k.kind}|${o.metadata.namespace ?? ''}|${o.metadata.name}`;

/**
 * The garbage collector: a graph of ownerReferences kept from every kind's cache. Dependents
 * whose owners are all gone are deleted (background); an owner marked for deletion with the
 * `foregroundDeletion` finalizer waits until its blocking dependents are gone; one with the
 * `orphan` finalizer first has its dependents' references to it removed.
 */
export class GarbageCollector extends Controller {
  private readonly informers = new Map<string, { kind: KindDef; informer: Informer }>();
  /** owner uid → keys of objects referencing it. */
  private readonly dependents = new Map<string, Set<string>>();
  /** uid → key, to find an owner's item when a dependent changes. */
  private readonly byUid = new Map<string, string>();

  constructor(ctx: ControllerContext) {
    super('garbagecollector', ctx);
    for (const kind of KINDS) {
      if (SKIPPED.has(kind.kind)) continue;
      const informer = ctx.informers.for({ apiVersion: apiVersionOf(kind), kind: kind.kind });
      this.informers.set(`${apiVersionOf(kind)}|${kind.kind}`, { kind, informer });
      informer.addEventHandler({
        onAdd: (o) => this.observe(kind, undefined, o),
        onUpdate: (old, o) => this.observe(kind, old, o),
        onDelete: (o) => this.removed(kind, o),
      });
    }
  }

  private observe(kind: KindDef, old: KubeObject | undefined, o: KubeObject): void {
    const key = itemKey(kind, o);
    const uid = o.metadata.uid as string;
    this.byUid.set(uid, key);
    for (const r of old?.metadata.ownerReferences ?? []) this.dependents.get(r.uid)?.delete(key);
    for (const r of o.metadata.ownerReferences ?? []) {
      let set = this.dependents.get(r.uid);
      if (set === undefined) this.dependents.set(r.uid, (set = new Set()));
      set.add(key);
    }
    const fins = o.metadata.finalizers ?? [];
    const deleting = o.metadata.deletionTimestamp !== undefined && (fins.includes(FOREGROUND) || fins.includes(ORPHAN));
    if ((o.metadata.ownerReferences ?? []).length > 0 || deleting) this.queue.add(key);
    // An owner deleting in the foreground may be waiting for exactly this change.
    for (const r of o.metadata.ownerReferences ?? []) this.enqueueUid(r.uid);
  }

  private removed(kind: KindDef, o: KubeObject): void {
    const key = itemKey(kind, o);
    const uid = o.metadata.uid as string;
    if (this.byUid.get(uid) === key) this.byUid.delete(uid);
    for (const r of o.metadata.ownerReferences ?? []) {
      this.dependents.get(r.uid)?.delete(key);
      this.enqueueUid(r.uid);
    }
    for (const dep of this.dependents.get(uid) ?? []) this.queue.add(dep);
  }

  private enqueueUid(uid: string): void {
    const k = this.byUid.get(uid);
    if (k !== undefined) this.queue.add(k);
  }

  private parse(key: string): Item | undefined {
    const [apiVersion, kindName, namespace, name] = key.split('|') as [string, string, string, string];
    const entry = this.informers.get(`${apiVersion}|${kindName}`);
    if (entry === undefined) return undefined;
    return { kind: entry.kind, ...(namespace ? { namespace } : {}), name };
  }

  private cached(kind: KindDef, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.informers.get(`${apiVersionOf(kind)}|${kind.kind}`)?.informer.get(namespace ? `${namespace}/${name}` : name);
  }

  private target(kind: KindDef, namespace?: string): { apiVersion: string; kind: string; namespace?: string } {
    return { apiVersion: apiVersionOf(kind), kind: kind.kind, ...(kind.namespaced && namespace ? { namespace } : {}) };
  }

  protected async reconcile(key: string): Promise<ReconcileResult | void> {
    const item = this.parse(key);
    if (item === undefined) return;
    const obj = this.cached(item.kind, item.namespace, item.name);
    if (obj === undefined) return;
    const fins = obj.metadata.finalizers ?? [];
    if (obj.metadata.deletionTimestamp !== undefined && fins.includes(ORPHAN)) return this.orphanDependents(item, obj);
    if (obj.metadata.deletionTimestamp !== undefined && fins.includes(FOREGROUND)) await this.deleteDependentsFirst(item, obj);
    await this.checkOwners(item, obj);
  }

  /** The live dependents of `uid`, from the caches. */
  private dependentsOf(uid: string): Array<{ item: Item; obj: KubeObject }> {
    const out: Array<{ item: Item; obj: KubeObject }> = [];
    for (const key of this.dependents.get(uid) ?? []) {
      const item = this.parse(key);
      const obj = item && this.cached(item.kind, item.namespace, item.name);
      if (item && obj && (obj.metadata.ownerReferences ?? []).some((r) => r.uid === uid)) out.push({ item, obj });
    }
    return out;
  }

  private async orphanDependents(item: Item, owner: KubeObject): Promise<void> {
    const uid = owner.metadata.uid as string;
    for (const { item: d, obj } of this.dependentsOf(uid)) {
      const refs = (obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
      await this.patchIgnoringGone(d, obj, { metadata: { ownerReferences: refs.length > 0 ? refs : null, resourceVersion: obj.metadata.resourceVersion } });
    }
    const finalizers = (owner.metadata.finalizers ?? []).filter((f) => f !== ORPHAN);
    await this.patchIgnoringGone(item, owner, { metadata: { finalizers: finalizers.length > 0 ? finalizers : null, resourceVersion: owner.metadata.resourceVersion } });
  }

  private async deleteDependentsFirst(item: Item, owner: KubeObject): Promise<void> {
    const uid = owner.metadata.uid as string;
    const deps = this.dependentsOf(uid);
    for (const { item: d, obj } of deps) {
      if (obj.metadata.deletionTimestamp !== undefined) continue;
      const blocking = (obj.metadata.ownerReferences ?? []).some((r) => r.uid === uid && r.blockOwnerDeletion === true);
      await this.deleteIgnoringGone(d, obj, blocking ? 'Foreground' : 'Background');
    }
    if (blockingDependents(uid, deps.map((d) => d.obj)).length > 0) return;
    const finalizers = (owner.metadata.finalizers ?? []).filter((f) => f !== FOREGROUND);
    await this.patchIgnoringGone(item, owner, { metadata: { finalizers: finalizers.length > 0 ? finalizers : null, resourceVersion: owner.metadata.resourceVersion } });
  }

  private async ownerState(dependent: Item, ref: OwnerReference): Promise<OwnerState> {
    const kind = KINDS.find((k) => apiVersionOf(k) === ref.apiVersion && k.kind === ref.kind) ?? KINDS.find((k) => k.kind === ref.kind && k.group === ref.apiVersion.split('/').slice(0, -1).join('/'));
    if (kind === undefined) return 'unknown';
    // A namespaced dependent's owner lives in its namespace; a cluster-scoped owner nowhere.
    const ns = kind.namespaced ? dependent.namespace : undefined;
    if (kind.namespaced && ns === undefined) return 'dangling';
    let owner = this.cached(kind, ns, ref.name);
    if (owner?.metadata.uid !== ref.uid) {
      // The cache may lag a fresh owner: ask the apiserver before deciding it is gone.
      try {
        owner = await this.ctx.client.get(this.target(kind, ns), ref.name);
      } catch (err) {
        if (isNotFound(err)) return 'dangling';
        throw err;
      }
      if (owner.metadata.uid !== ref.uid) return 'dangling';
    }
    const waits = owner.metadata.deletionTimestamp !== undefined && (owner.metadata.finalizers ?? []).includes(FOREGROUND);
    return waits ? 'waiting' : 'solid';
  }

  private async checkOwners(item: Item, obj: KubeObject): Promise<void> {
    const refs = obj.metadata.ownerReferences ?? [];
    if (refs.length === 0) return;
    const states = [];
    for (const ref of refs) states.push({ ref, state: await this.ownerState(item, ref) });
    const action = dependentAction(states);
    if (action.kind === 'none') return;
    if (action.kind === 'delete') {
      if (obj.metadata.deletionTimestamp !== undefined) return;
      this.log.info({ object: `${item.kind.kind} ${item.namespace ? `${item.namespace}/` : ''}${item.name}`, policy: action.propagationPolicy }, 'deleting object whose owners are gone');
      return this.deleteIgnoringGone(item, obj, action.propagationPolicy);
    }
    const next = refs
      .filter((r) => !action.remove.includes(r.uid))
      .map((r) => (action.unblock.includes(r.uid) ? { ...r, blockOwnerDeletion: false } : r));
    await this.patchIgnoringGone(item, obj, { metadata: { ownerReferences: next.length > 0 ? next : null, resourceVersion: obj.metadata.resourceVersion } });
  }

  private async patchIgnoringGone(item: Item, obj: KubeObject, patch: unknown): Promise<void> {
    try {
      await this.ctx.client.patch(this.target(item.kind, obj.metadata.namespace), item.name, 'merge', patch);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  private async deleteIgnoringGone(item: Item, obj: KubeObject, propagationPolicy: 'Background' | 'Foreground'): Promise<void> {
    try {
      await this.ctx.client.delete(this.target(item.kind, obj.metadata.namespace), item.name, { propagationPolicy, preconditions: { uid: obj.metadata.uid } });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
