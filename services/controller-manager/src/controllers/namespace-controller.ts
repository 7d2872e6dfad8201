import { KINDS, apiVersionOf, type KindDef } from '@kite/api';
import { isNotFound, type Informer, type KubeObject, type ReconcileResult } from '@kite/client';
import { Controller, type ControllerContext } from '../controller.js';
import { NAMESPACE, type Namespace } from '../objects.js';

/**
 * Empties a namespace marked for deletion (every namespaced object in it is deleted), then
 * drops its `kubernetes` finalizer so the apiserver can remove it.
 */
export class NamespaceController extends Controller {
  private readonly namespaces: Informer<Namespace>;
  private readonly contents: Array<{ kind: KindDef; informer: Informer }> = [];

  constructor(ctx: ControllerContext) {
    super('namespace', ctx);
    this.namespaces = ctx.informers.for<Namespace>(NAMESPACE);
    this.namespaces.addEventHandler({ onAdd: (n) => this.enqueue(n), onUpdate: (_o, n) => this.enqueue(n) });
    for (const kind of KINDS) {
      if (!kind.namespaced) continue;
      const informer = ctx.informers.for({ apiVersion: apiVersionOf(kind), kind: kind.kind });
      this.contents.push({ kind, informer });
      // The last object going is what lets the namespace finish.
      informer.addEventHandler({
        onDelete: (o) => {
          const ns = this.namespaces.get(o.metadata.namespace as string);
          if (ns?.metadata.deletionTimestamp !== undefined) this.enqueue(ns);
        },
      });
    }
  }

  protected async reconcile(name: string): Promise<ReconcileResult | void> {
    const ns = this.namespaces.get(name);
    if (ns === undefined || ns.metadata.deletionTimestamp === undefined) return;
    let remaining = 0;
    for (const { kind, informer } of this.contents) {
      const inside = informer.list().filter((o: KubeObject) => o.metadata.namespace === name);
      remaining += inside.length;
      for (const o of inside) {
        if (o.metadata.deletionTimestamp !== undefined) continue;
        try {
          await this.ctx.client.delete({ apiVersion: apiVersionOf(kind), kind: kind.kind, namespace: name }, o.metadata.name as string, { propagationPolicy: 'Background' });
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
      }
    }
    if (remaining > 0) return { requeueAfterMs: 1000 };
    const finalizers = (ns.spec?.finalizers ?? []).filter((f) => f !== 'kubernetes');
    try {
      await this.ctx.client.patch(NAMESPACE, name, 'merge', { spec: { finalizers: finalizers.length > 0 ? finalizers : null } });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
