import { isAlreadyExists, isNotFound, type Informer, type ReconcileResult } from '@kite/client';
import { Controller, type ControllerContext } from '../controller.js';
import { buildSubsets } from '../logic/endpoints.js';
import { canonicalJson } from '../logic/hash.js';
import { ENDPOINTS, POD, SERVICE, type Endpoints, type Pod, type Service } from '../objects.js';
import { inNamespace } from '../owner-index.js';

/** Marks Endpoints this controller maintains, as Kubernetes' does. */
const TRIGGER = 'endpoints.kubernetes.io/last-change-trigger-time';

const selects = (svc: Service, p: Pod): boolean => {
  const sel = svc.spec.selector ?? {};
  const labels = p.metadata.labels ?? {};
  return Object.entries(sel).every(([k, v]) => labels[k] === v);
};

/** Keeps an Endpoints object beside every Service with a selector, listing its pods. */
export class EndpointsController extends Controller {
  private readonly services: Informer<Service>;
  private readonly pods: Informer<Pod>;
  private readonly endpoints: Informer<Endpoints>;

  constructor(ctx: ControllerContext) {
    super('endpoint', ctx);
    this.services = ctx.informers.for<Service>(SERVICE);
    this.pods = ctx.informers.for<Pod>(POD);
    this.endpoints = ctx.informers.for<Endpoints>(ENDPOINTS);
    this.services.addEventHandler({ onAdd: (s) => this.enqueue(s), onUpdate: (_o, s) => this.enqueue(s), onDelete: (s) => this.enqueue(s) });
    const podChanged = (p: Pod): void => {
      for (const svc of inNamespace(this.services, p.metadata.namespace)) if (svc.spec.selector && selects(svc, p)) this.enqueue(svc);
    };
    this.pods.addEventHandler({
      onAdd: podChanged,
      onUpdate: (old, p) => {
        podChanged(old);
        podChanged(p);
      },
      onDelete: podChanged,
    });
    // Someone else touching an Endpoints object we manage: put it back.
    this.endpoints.addEventHandler({ onUpdate: (_o, e) => this.enqueue(e), onDelete: (e) => this.enqueue(e) });
  }

  protected async reconcile(key: string): Promise<ReconcileResult | void> {
    const svc = this.services.get(key);
    const current = this.endpoints.get(key);
    const [namespace, name] = key.split('/') as [string, string];
    if (svc === undefined) {
      // The service is gone: so are the endpoints we wrote for it (hand-made ones stay).
      if (current?.metadata.annotations?.[TRIGGER] !== undefined) {
        try {
          await this.ctx.client.delete({ ...ENDPOINTS, namespace }, name, { preconditions: { uid: current.metadata.uid } });
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
      }
      return;
    }
    if (svc.spec.selector === undefined || Object.keys(svc.spec.selector).length === 0) return;
    const pods = inNamespace(this.pods, namespace).filter((p) => selects(svc, p));
    const subsets = buildSubsets(svc, pods);
    const labels = { ...(svc.metadata.labels ?? {}) };
    if (current !== undefined && canonicalJson(current.subsets ?? []) === canonicalJson(subsets) && canonicalJson(current.metadata.labels ?? {}) === canonicalJson(labels)) return;
    const body: Endpoints = {
      ...ENDPOINTS,
      metadata: { ...(current?.metadata ?? {}), name, namespace, labels, annotations: { ...(current?.metadata.annotations ?? {}), [TRIGGER]: new Date(this.ctx.now()).toISOString().replace(/\.\d{3}Z$/, 'Z') } },
      subsets,
    };
    if (Object.keys(labels).length === 0) delete body.metadata.labels;
    if (current === undefined) {
      try {
        await this.ctx.client.create(body);
      } catch (err) {
        // Not yet in our cache: the update event will bring it round again.
        if (!isAlreadyExists(err)) throw err;
        throw new Error(`endpoints ${key} exist but are not cached yet`);
      }
      return;
    }
    await this.ctx.client.update(body);
  }
}
