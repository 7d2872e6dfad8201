import { Quantity } from '@kite/api';
import type { Container, Pod, ResourceList } from './objects.js';

/** Requested or allocatable amounts in the units Kubernetes' scheduler counts. */
export interface Resources {
  milliCPU: number;
  /** Bytes. */
  memory: number;
  ephemeralStorage: number;
  /** Allowed pod count (allocatable only). */
  pods: number;
  /** Extended, hugepages and attachable-volume resources, in whole units. */
  scalar: Map<string, number>;
}

/** What the scheduler assumes a container asks for when it says nothing (kube-scheduler's defaults). */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

export const emptyResources = (): Resources => ({ milliCPU: 0, memory: 0, ephemeralStorage: 0, pods: 0, scalar: new Map() });

/** Resources the scheduler accounts for beyond cpu/memory/ephemeral-storage/pods. */
export function isScalarResource(name: string): boolean {
  if (name.startsWith('hugepages-') || name.startsWith('attachable-volumes-')) return true;
  // Extended resources live in a domain other than kubernetes.io (nvidia.com/gpu …).
  return name.includes('/') && !name.includes('kubernetes.io/') && !name.startsWith('requests.');
}

function amount(name: string, q: string): number {
  const parsed = Quantity.parse(q);
  return Number(name === 'cpu' ? parsed.milli : parsed.units);
}

export function resourcesOf(list: ResourceList | undefined): Resources {
  const r = emptyResources();
  for (const [name, q] of Object.entries(list ?? {})) addAmount(r, name, amount(name, q));
  return r;
}

function addAmount(r: Resources, name: string, v: number): void {
  switch (name) {
    case 'cpu':
      r.milliCPU += v;
      return;
    case 'memory':
      r.memory += v;
      return;
    case 'ephemeral-storage':
      r.ephemeralStorage += v;
      return;
    case 'pods':
      r.pods += v;
      return;
    default:
      if (isScalarResource(name)) r.scalar.set(name, (r.scalar.get(name) ?? 0) + v);
  }
}

export function addResources(into: Resources, r: Resources, sign = 1): void {
  into.milliCPU += sign * r.milliCPU;
  into.memory += sign * r.memory;
  into.ephemeralStorage += sign * r.ephemeralStorage;
  into.pods += sign * r.pods;
  for (const [k, v] of r.scalar) into.scalar.set(k, (into.scalar.get(k) ?? 0) + sign * v);
}

function maxInto(into: Resources, r: Resources): void {
  into.milliCPU = Math.max(into.milliCPU, r.milliCPU);
  into.memory = Math.max(into.memory, r.memory);
  into.ephemeralStorage = Math.max(into.ephemeralStorage, r.ephemeralStorage);
  for (const [k, v] of r.scalar) into.scalar.set(k, Math.max(into.scalar.get(k) ?? 0, v));
}

const copy = (r: Resources): Resources => ({ ...r, scalar: new Map(r.scalar) });

function containerRequests(c: Container, nonZero: boolean): Resources {
  const r = resourcesOf(c.resources?.requests);
  if (nonZero) {
    const req = c.resources?.requests ?? {};
    if (req.cpu === undefined) r.milliCPU = DEFAULT_MILLI_CPU_REQUEST;
    if (req.memory === undefined) r.memory = DEFAULT_MEMORY_REQUEST;
  }
  return r;
}

/**
 * A pod's effective request, as Kubernetes computes it: the app containers' sum (plus
 * restartable init containers, the sidecars, which keep running) against the largest single
 * init container (plus the sidecars started before it), whichever is larger per resource,
 * plus the pod overhead. `nonZero` substitutes kube-scheduler's defaults for missing cpu and
 * memory requests, which is how scoring spreads pods that ask for nothing.
 */
export function podRequests(pod: Pod, nonZero = false): Resources {
  const apps = emptyResources();
  for (const c of pod.spec.containers ?? []) addResources(apps, containerRequests(c, nonZero));
  const sidecars = emptyResources();
  const initMax = emptyResources();
  for (const c of pod.spec.initContainers ?? []) {
    const r = containerRequests(c, nonZero);
    if (c.restartPolicy === 'Always') {
      addResources(sidecars, r);
      maxInto(initMax, sidecars);
    } else {
      const during = copy(sidecars);
      addResources(during, r);
      maxInto(initMax, during);
    }
  }
  addResources(apps, sidecars);
  maxInto(apps, initMax);
  if (pod.spec.overhead) addResources(apps, resourcesOf(pod.spec.overhead));
  apps.pods = 0;
  return apps;
}
