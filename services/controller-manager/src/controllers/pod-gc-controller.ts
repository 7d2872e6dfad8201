import { isNotFound, objectKey, type Informer, type ReconcileResult } from '@kite/client';
import { Controller, type ControllerContext } from '../controller.js';
import { NODE, POD, type Node, type Pod } from '../objects.js';

/**
 * PodGC's orphan sweep: a pod bound to a node that no longer exists can never be finished by a
 * kubelet, so after a quarantine (and a live check that the node is really gone) it is
 * force-deleted, freeing its name (a StatefulSet identity) and its controller's count.
 */
export class PodGcController extends Controller {
  private readonly pods: Informer<Pod>;
  private readonly nodes: Informer<Node>;
  /** node name → pod keys bound there. */
  private readonly byNode = new Map<string, Set<string>>();

  constructor(ctx: ControllerContext) {
    super('podgc', ctx);
    this.pods = ctx.informers.for<Pod>(POD);
    this.nodes = ctx.informers.for<Node>(NODE);
    const index = (p: Pod, add: boolean): void => {
      const n = p.spec.nodeName;
      if (!n) return;
      let set = this.byNode.get(n);
      if (set === undefined) this.byNode.set(n, (set = new Set()));
      if (add) set.add(objectKey(p));
      else set.delete(objectKey(p));
    };
    const check = (p: Pod): void => {
      if (p.spec.nodeName && this.nodes.get(p.spec.nodeName) === undefined) this.queue.addAfter(objectKey(p), this.ctx.options.podGcQuarantineMs);
    };
    this.pods.addEventHandler({
      onAdd: (p) => {
        index(p, true);
        check(p);
      },
      onUpdate: (o, p) => {
        index(o, false);
        index(p, true);
        if (o.spec.nodeName !== p.spec.nodeName) check(p);
      },
      onDelete: (p) => index(p, false),
    });
    this.nodes.addEventHandler({
      onDelete: (n) => {
        for (const key of this.byNode.get(n.metadata.name as string) ?? []) this.queue.addAfter(key, this.ctx.options.podGcQuarantineMs);
      },
    });
  }

  protected async reconcile(key: string): Promise<ReconcileResult | void> {
    const pod = this.pods.get(key);
    const node = pod?.spec.nodeName;
    if (pod === undefined || !node || this.nodes.get(node) !== undefined) return;
    // The cache may not have seen a node that was just created.
    try {
      await this.ctx.client.get(NODE, node);
      return;
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    this.log.info({ pod: key, node }, 'force-deleting pod bound to a node that no longer exists');
    try {
      await this.ctx.client.delete({ ...POD, namespace: pod.metadata.namespace }, pod.metadata.name as string, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
