import { KINDS, apiVersionOf, type KindDef } from '@kite/api';
import { isNotFound, type Informer, type KubeObject, type ReconcileResult } from '@kite/client';
import { Controller, type ControllerContext } from '../controller.js';
import {
  FINALIZER_ESTIMATE_SECONDS,
  KUBERNETES_FINALIZER,
  deletionConditions,
  finalizersAfterUs,
  podGraceLeftSeconds,
  recheckAfterMs,
  type ContentReport,
} from '../logic/namespace.js';
import { NAMESPACE, POD, type Namespace, type Pod } from '../objects.js';

/** Every namespaced kind: what a namespace can hold. */
const CONTENT_KINDS = KINDS.filter((k) => k.namespaced);

/** `<resource>.<group>`, as Kubernetes names a resource in the namespace conditions ("pods."). */
const groupResource = (k: KindDef): string => `${k.resource}.${k.group}`;

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** One kind's part of a pass: what is left after deleting, or why deleting failed. */
interface KindPass {
  kind: KindDef;
  remaining: KubeObject[];
  failure?: string;
}

/**
 * Kubernetes' namespace controller: empties a namespace marked for deletion (every namespaced
 * object in it is deleted), keeps its status Terminating with the deletion conditions, and once
 * nothing is left removes the `kubernetes` finalizer through namespaces/finalize, upon which
 * the apiserver removes the namespace.
 */
export class NamespaceController extends Controller {
  private readonly namespaces: Informer<Namespace>;

  constructor(ctx: ControllerContext) {
    super('namespace', ctx);
    this.namespaces = ctx.informers.for<Namespace>(NAMESPACE);
    this.namespaces.addEventHandler({ onAdd: (n) => this.enqueue(n), onUpdate: (_o, n) => this.enqueue(n) });
    // Pods are the content that takes time to go (their kubelets stop them): the last one going
    // is worth a look at once rather than at the estimated recheck.
    ctx.informers.for<Pod>(POD).addEventHandler({
      onDelete: (p) => {
        const ns = this.namespaces.get(p.metadata.namespace as string);
        if (ns?.metadata.deletionTimestamp !== undefined) this.enqueue(ns);
      },
    });
  }

  protected async reconcile(name: string): Promise<ReconcileResult | void> {
    let ns = this.namespaces.get(name);
    if (ns === undefined || ns.metadata.deletionTimestamp === undefined) return;
    if (!(ns.spec?.finalizers ?? []).includes(KUBERNETES_FINALIZER)) return;

    const passes = await Promise.all(CONTENT_KINDS.map((k) => this.empty(name, k)));
    const now = this.ctx.now();
    const report: ContentReport = { remaining: new Map(), finalizers: new Map(), failures: [] };
    let estimate = 0;
    for (const { kind, remaining, failure } of passes) {
      if (failure !== undefined) report.failures.push(failure);
      if (remaining.length > 0) report.remaining.set(groupResource(kind), remaining.length);
      for (const o of remaining) {
        const finalizers = o.metadata.finalizers ?? [];
        for (const f of finalizers) report.finalizers.set(f, (report.finalizers.get(f) ?? 0) + 1);
        if (finalizers.length > 0) estimate = Math.max(estimate, FINALIZER_ESTIMATE_SECONDS);
        if (kind.kind === 'Pod') estimate = Math.max(estimate, podGraceLeftSeconds(o as Pod, now));
      }
    }

    const conditions = deletionConditions(ns, report, iso(now));
    if (conditions !== undefined || ns.status?.phase !== 'Terminating') {
      const status = { ...ns.status, phase: 'Terminating', ...(conditions !== undefined ? { conditions } : {}) };
      ns = await this.ctx.client.updateStatus<Namespace>({ ...ns, apiVersion: 'v1', kind: 'Namespace', status });
    }
    if (report.failures.length > 0) throw new Error(`cannot empty namespace ${name}: ${report.failures.join('; ')}`);
    if (report.remaining.size > 0) return { requeueAfterMs: recheckAfterMs(estimate) };

    // Conditional on the resourceVersion read: a finalizer someone added meanwhile is not lost.
    try {
      await this.ctx.client.finalizeNamespace<Namespace>({ ...ns, spec: { ...ns.spec, finalizers: finalizersAfterUs(ns) } });
      this.log.debug({ namespace: name }, 'namespace emptied and finalized');
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  /**
   * Deletes one kind's objects in the namespace, then lists what is left. Reads the apiserver,
   * not a cache: a cache that lags could show a namespace empty while an object created just
   * before the deletion is still there, and that object would outlive its namespace.
   */
  private async empty(namespace: string, kind: KindDef): Promise<KindPass> {
    const target = { apiVersion: apiVersionOf(kind), kind: kind.kind, namespace };
    try {
      const { items } = await this.ctx.client.list(target);
      if (items.length === 0) return { kind, remaining: [] };
      for (const o of items) {
        if (o.metadata.deletionTimestamp !== undefined) continue;
        await this.ctx.client.delete(target, o.metadata.name as string, { propagationPolicy: 'Background' }).catch((err: unknown) => {
          if (!isNotFound(err)) throw err;
        });
      }
      return { kind, remaining: (await this.ctx.client.list(target)).items };
    } catch (err) {
      // An apiserver older than this controller manager may not serve the kind: it holds none.
      if (isNotFound(err)) return { kind, remaining: [] };
      return { kind, remaining: [], failure: `${groupResource(kind)}: ${err instanceof Error ? err.message : String(err)}` };
    }
  }
}
