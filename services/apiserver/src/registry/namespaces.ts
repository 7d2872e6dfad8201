import type { KindDef } from '@kite/api';
import type { Logger } from '@kite/common';
import { ApiError, forbidden, notFound } from '../errors.js';
import type { KObject } from '../object.js';
import { deleteObject, finishDeletionIfDone } from './deletion.js';
import type { Admission, Resource } from './resource.js';

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/**
 * Namespace lifecycle admission: new objects only in a namespace that exists and is not being
 * deleted. Reads the watch cache first and the store on a miss, so a namespace created a
 * moment ago is found even before the cache sees it.
 */
export class NamespaceLifecycle implements Admission {
  constructor(private readonly namespaces: () => Resource) {}

  async admit(kind: KindDef, obj: KObject, op: 'create' | 'update'): Promise<void> {
    if (op !== 'create' || !kind.namespaced) return;
    const ns = obj.metadata.namespace as string;
    const r = this.namespaces();
    let nsObj = r.cache.get(r.store.keys.object(undefined, ns));
    if (nsObj === undefined) {
      try {
        nsObj = await r.get(undefined, ns);
      } catch (err) {
        if (err instanceof ApiError && err.code === 404) throw notFound({ group: '', resource: 'namespaces' }, ns);
        throw err;
      }
    }
    if (nsObj.metadata.deletionTimestamp !== undefined)
      throw forbidden(
        { group: kind.group, resource: kind.resource },
        obj.metadata.name ?? '',
        `unable to create new content in namespace ${ns} because it is being terminated`,
      );
  }
}

/**
 * Empties namespaces marked for deletion, then removes them. This belongs to the controller
 * manager (a later issue moves it there); until then the apiserver does it so that
 * `kubectl delete namespace` completes.
 */
export class NamespaceFinalizer {
  private running = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly namespaces: Resource,
    private readonly namespaced: () => Resource[],
    private readonly log: Logger,
    private readonly intervalMs = 500,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.sweep(), this.intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private sweep(): void {
    for (const ns of this.namespaces.cache.snapshot().items) {
      const name = ns.metadata.name as string;
      if (ns.metadata.deletionTimestamp === undefined || this.running.has(name)) continue;
      this.running.add(name);
      this.finalize(ns).then(
        () => this.running.delete(name),
        (err: unknown) => {
          this.running.delete(name);
          this.log.warn({ err, namespace: name }, 'cannot finish deleting namespace yet');
        },
      );
    }
  }

  private async finalize(ns: KObject): Promise<void> {
    const name = ns.metadata.name as string;
    let remaining = 0;
    for (const r of this.namespaced()) {
      const { items } = r.cache.snapshot();
      for (const o of items) {
        if (o.metadata.namespace !== name) continue;
        remaining++;
        if (o.metadata.deletionTimestamp !== undefined) continue;
        await deleteObject(r, name, o.metadata.name as string, { dryRun: false }).catch((err: unknown) => {
          if (!(err instanceof ApiError && err.code === 404)) throw err;
        });
      }
    }
    if (remaining > 0) return;
    const { object } = await this.namespaces.store.update(undefined, name, (cur) => {
      cur.spec = { ...((cur.spec as object | undefined) ?? {}), finalizers: [] };
      return cur;
    });
    await finishDeletionIfDone(this.namespaces, object);
  }
}
