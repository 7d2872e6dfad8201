import { ApiError, badRequest } from '../../errors.js';
import type { KObject } from '../../object.js';
import type { Registry } from '../../registry/registry.js';

export interface StreamTarget {
  pod: KObject;
  namespace: string;
  name: string;
  /** Resolved container; '' for port-forward. */
  container: string;
  /** The node's kubelet streaming address, host:port; undefined when the pod is not bound. */
  kubelet?: string;
}

interface ContainerSpec {
  name?: string;
}

const names = (list: unknown): string[] => (Array.isArray(list) ? (list as ContainerSpec[]).map((c) => c.name ?? '') : []);

/**
 * Picks the container a request means, with Kubernetes' rules and wording: the named one must
 * exist; otherwise the `kubectl.kubernetes.io/default-container` annotation, else the only one.
 */
export function chooseContainer(pod: KObject, requested: string | null): string {
  const spec = (pod.spec ?? {}) as Record<string, unknown>;
  const containers = names(spec.containers);
  const all = [...names(spec.initContainers), ...containers, ...names(spec.ephemeralContainers)];
  const podName = pod.metadata.name ?? '';
  if (requested !== null && requested !== '') {
    if (!all.includes(requested)) throw badRequest(`container ${requested} is not valid for pod ${podName}`);
    return requested;
  }
  const annotated = pod.metadata.annotations?.['kubectl.kubernetes.io/default-container'];
  if (annotated !== undefined && containers.includes(annotated)) return annotated;
  if (containers.length === 1) return containers[0] as string;
  if (containers.length === 0) throw badRequest(`a container name must be specified for pod ${podName}`);
  throw badRequest(`a container name must be specified for pod ${podName}, choose one of: [${all.join(' ')}]`);
}

/** The kubelet streaming endpoint a Node advertises: its InternalIP (else any address) and kubelet port. */
export function kubeletAddress(node: KObject): string | undefined {
  const status = (node.status ?? {}) as { addresses?: Array<{ type?: string; address?: string }>; daemonEndpoints?: { kubeletEndpoint?: { Port?: number } } };
  const port = status.daemonEndpoints?.kubeletEndpoint?.Port;
  const addrs = status.addresses ?? [];
  const ip = (addrs.find((a) => a.type === 'InternalIP') ?? addrs.find((a) => a.type === 'ExternalIP') ?? addrs.find((a) => a.type === 'Hostname'))?.address;
  if (port === undefined || port === 0 || ip === undefined || ip === '') return undefined;
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** Finds the pod, its container and its node's kubelet; `needContainer` is false for port-forward. */
export async function resolveTarget(registry: Registry, namespace: string, name: string, container: string | null, needContainer: boolean): Promise<StreamTarget> {
  const pods = registry.resource('', 'v1', 'pods');
  const nodes = registry.resource('', 'v1', 'nodes');
  if (pods === undefined || nodes === undefined) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
  const pod = await pods.get(namespace, name);
  const t: StreamTarget = { pod, namespace, name, container: needContainer ? chooseContainer(pod, container) : '' };
  const nodeName = (pod.spec as { nodeName?: string } | undefined)?.nodeName;
  if (nodeName === undefined || nodeName === '') return t;
  let node: KObject;
  try {
    node = await nodes.get(undefined, nodeName);
  } catch (err) {
    if (err instanceof ApiError && err.code === 404) throw badRequest(`pod ${name} is bound to node ${nodeName}, which does not exist`);
    throw err;
  }
  const kubelet = kubeletAddress(node);
  if (kubelet === undefined) throw badRequest(`node ${nodeName} does not advertise a kubelet endpoint (status.addresses and status.daemonEndpoints.kubeletEndpoint.Port)`);
  t.kubelet = kubelet;
  return t;
}

export function requireBound(t: StreamTarget): string {
  if (t.kubelet === undefined) throw badRequest(`pod ${t.name} does not have a host assigned`);
  return t.kubelet;
}

const COMPLETED: Record<'exec' | 'attach' | 'portforward', (phase: string) => string> = {
  exec: (phase) => `cannot exec into a container in a completed pod; current phase is ${phase}`,
  attach: (phase) => `cannot attach a container in a completed pod; current phase is ${phase}`,
  portforward: (phase) => `unable to forward port because pod is not running. Current status=${phase}`,
};

/** exec, attach and port-forward need a pod that has not completed (kubectl checks too, but not every client does). */
export function requireNotCompleted(t: StreamTarget, kind: 'exec' | 'attach' | 'portforward'): void {
  const phase = (t.pod.status as { phase?: string } | undefined)?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') throw badRequest(COMPLETED[kind](phase));
}
