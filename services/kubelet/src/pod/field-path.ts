/**
 * The Downward API: values of a pod's own fields (fieldRef) and of its containers' resources
 * (resourceFieldRef), for env vars and downwardAPI volume files.
 */
import { Quantity } from '@kite/api';
import type { Container, ObjectFieldSelector, Pod, ResourceFieldSelector } from './types.js';

export class FieldRefError extends Error {
  override name = 'FieldRefError';
}

/** `metadata.labels['app']` → ['labels', 'app']. */
function subscript(path: string): { map: 'labels' | 'annotations'; key: string } | undefined {
  const m = /^metadata\.(labels|annotations)\[['"]?(.+?)['"]?\]$/.exec(path);
  return m ? { map: m[1] as 'labels' | 'annotations', key: m[2] as string } : undefined;
}

/** The whole label or annotation map as a downwardAPI file writes it: sorted `key="value"` lines. */
export function formatMap(map: Record<string, string> | undefined): string {
  return Object.keys(map ?? {})
    .sort()
    .map((k) => `${k}=${JSON.stringify((map ?? {})[k])}`)
    .join('\n');
}

export interface FieldContext {
  pod: Pod;
  /** The node's address (status.hostIP). */
  hostIP: string;
  /** The pod's address, once its sandbox exists. */
  podIP?: string;
}

/**
 * Resolves a fieldRef. `wholeMaps` allows `metadata.labels` and `metadata.annotations` (volumes
 * only; env vars must name one key).
 */
export function fieldRefValue(sel: ObjectFieldSelector, ctx: FieldContext, wholeMaps = false): string {
  const { pod } = ctx;
  const path = sel.fieldPath;
  const sub = subscript(path);
  if (sub !== undefined) return pod.metadata[sub.map]?.[sub.key] ?? '';
  switch (path) {
    case 'metadata.name':
      return pod.metadata.name ?? '';
    case 'metadata.namespace':
      return pod.metadata.namespace ?? '';
    case 'metadata.uid':
      return pod.metadata.uid ?? '';
    case 'spec.nodeName':
      return pod.spec.nodeName ?? '';
    case 'spec.serviceAccountName':
      return pod.spec.serviceAccountName ?? '';
    case 'status.hostIP':
    case 'status.hostIPs':
      return ctx.hostIP;
    case 'status.podIP':
    case 'status.podIPs':
      return ctx.podIP ?? '';
    case 'metadata.labels':
    case 'metadata.annotations':
      if (wholeMaps) return formatMap(path === 'metadata.labels' ? pod.metadata.labels : pod.metadata.annotations);
      break;
  }
  throw new FieldRefError(`unsupported fieldPath: ${path}`);
}

export interface NodeAllocatable {
  cpuMillis: bigint;
  memoryBytes: bigint;
  ephemeralStorageBytes: bigint;
}

const ceilDiv = (a: bigint, b: bigint): bigint => (b === 0n ? a : (a + b - 1n) / b);

function quantity(v: string | number | undefined): Quantity | undefined {
  return v === undefined ? undefined : Quantity.parse(String(v));
}

/**
 * A container's request or limit divided by `divisor` and rounded up; an unset limit reads the
 * node's allocatable, as Kubernetes does, and an unset request reads 0.
 */
export function resourceFieldValue(sel: ResourceFieldSelector, containers: Container[], defaultContainer: string | undefined, node: NodeAllocatable): string {
  const name = sel.containerName !== undefined && sel.containerName !== '' ? sel.containerName : defaultContainer;
  const c = containers.find((x) => x.name === name);
  if (c === undefined) throw new FieldRefError(`container ${JSON.stringify(name ?? '')} not found for resourceFieldRef ${sel.resource}`);
  const [kind, resource] = sel.resource.split('.', 2) as [string, string | undefined];
  if ((kind !== 'limits' && kind !== 'requests') || resource === undefined) throw new FieldRefError(`unsupported container resource: ${sel.resource}`);
  const set = quantity((kind === 'limits' ? c.resources?.limits : c.resources?.requests)?.[resource]);
  const divisor = quantity(sel.divisor) ?? Quantity.parse('1');
  switch (resource) {
    case 'cpu': {
      const milli = set?.milli ?? (kind === 'limits' ? node.cpuMillis : 0n);
      return String(ceilDiv(milli, divisor.milli));
    }
    case 'memory':
    case 'ephemeral-storage': {
      const fallback = resource === 'memory' ? node.memoryBytes : node.ephemeralStorageBytes;
      const nano = set?.nano ?? (kind === 'limits' ? fallback * 1_000_000_000n : 0n);
      return String(ceilDiv(nano, divisor.nano));
    }
    default:
      if (resource.startsWith('hugepages-')) return String(ceilDiv(set?.nano ?? 0n, divisor.nano));
      throw new FieldRefError(`unsupported container resource: ${sel.resource}`);
  }
}
