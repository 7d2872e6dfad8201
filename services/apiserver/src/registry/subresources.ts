import { selectorFromObject } from '@kite/api';
import { ApiError, badRequest, conflict } from '../errors.js';
import { isObject, type KObject } from '../object.js';
import { deleteObject } from './deletion.js';
import type { Resource, WriteOptions } from './resource.js';
import { NoChange } from './object-store.js';

const success = (code: number): object => ({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code });

/** `pods/binding`: assigns an unscheduled pod to a node, once. */
export async function handleBinding(r: Resource, ns: string | undefined, name: string, body: unknown, opts: WriteOptions): Promise<object> {
  const target = isObject(body) ? body.target : undefined;
  const node = isObject(target) ? target.name : undefined;
  if (typeof node !== 'string' || node === '') throw new ApiError(422, 'Invalid', `Binding.core "${name}" is invalid: target.name: Required value`);
  if (opts.dryRun) return success(201);
  await r.store.update(ns, name, (pod) => {
    const spec = (pod.spec ??= {}) as Record<string, unknown>;
    if (pod.metadata.deletionTimestamp !== undefined) throw conflict(r.store.name, name, 'pod is being deleted, cannot be assigned to a host');
    if (spec.nodeName !== undefined && spec.nodeName !== '') {
      if (spec.nodeName === node) throw new NoChange();
      throw conflict(r.store.name, name, `pod ${name} is already assigned to node "${String(spec.nodeName)}"`);
    }
    spec.nodeName = node;
    const status = (pod.status ??= {}) as Record<string, unknown>;
    const conditions = (Array.isArray(status.conditions) ? status.conditions : []).filter((c: { type?: string }) => c.type !== 'PodScheduled');
    conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') });
    status.conditions = conditions;
    return pod;
  }, { cached: r.cached(ns, name) });
  return success(201);
}

/** `pods/eviction`: a graceful delete (no disruption budgets exist in kite yet to refuse it). */
export async function handleEviction(r: Resource, ns: string | undefined, name: string, body: unknown): Promise<object> {
  const delOpts = isObject(body) && isObject(body.deleteOptions) ? body.deleteOptions : {};
  const grace = delOpts.gracePeriodSeconds;
  await deleteObject(r, ns, name, { dryRun: false, ...(typeof grace === 'number' ? { gracePeriodSeconds: grace } : {}) });
  return success(201);
}

/** The autoscaling/v1 Scale view of a workload. */
export function scaleOf(obj: KObject): object {
  const spec = (obj.spec ?? {}) as Record<string, unknown>;
  const status = (obj.status ?? {}) as Record<string, unknown>;
  let selector = '';
  if (isObject(spec.selector)) selector = selectorFromObject(spec.selector as Parameters<typeof selectorFromObject>[0]).toString();
  const m = obj.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
    spec: { replicas: spec.replicas ?? 0 },
    status: { replicas: status.replicas ?? 0, selector },
  };
}

/** Writes a Scale's replicas back into the workload, honouring its resourceVersion precondition. */
export function applyScale(current: KObject, scale: unknown): KObject {
  if (!isObject(scale) || !isObject(scale.spec)) throw badRequest('a Scale needs spec.replicas');
  const replicas = scale.spec.replicas;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0)
    throw new ApiError(422, 'Invalid', `Scale.autoscaling "${current.metadata.name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`);
  const rv = isObject(scale.metadata) ? scale.metadata.resourceVersion : undefined;
  const next = structuredClone(current);
  (next.spec as Record<string, unknown>).replicas = replicas;
  next.metadata.resourceVersion = typeof rv === 'string' && rv !== '' ? rv : current.metadata.resourceVersion;
  return next;
}
