import { canonicalJson } from './hash.js';
import { isPodReady, isTerminated } from './pods.js';
import type { EndpointAddress, EndpointSubset, Pod, Service, ServicePort } from './types.js';

/** The container port a service port reaches on this pod, or undefined when the pod has none by that name. */
export function resolvePort(pod: Pod, sp: ServicePort): number | undefined {
  const t = sp.targetPort ?? sp.port;
  if (typeof t === 'number') return t;
  if (/^\d+$/.test(t)) return Number(t);
  const protocol = sp.protocol ?? 'TCP';
  for (const c of pod.spec.containers ?? []) for (const p of c.ports ?? []) if (p.name === t && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
  return undefined;
}

/** Whether the pod belongs in the service's endpoints at all (ready or not). */
export function podEligible(pod: Pod, svc: Service): boolean {
  if (!pod.status?.podIP || isTerminated(pod)) return false;
  // Terminating pods leave the endpoints at once unless the service publishes not-ready ones.
  if (pod.metadata.deletionTimestamp !== undefined && !svc.spec.publishNotReadyAddresses) return false;
  return true;
}

const ipKey = (ip: string): string => ip.split('.').map((x) => x.padStart(3, '0')).join('.');

/**
 * The Endpoints subsets for a service: one address per eligible pod (ready ones in
 * `addresses`, the rest in `notReadyAddresses`), grouped by the resolved port list so pods
 * whose named ports resolve differently land in different subsets, sorted like Kubernetes'
 * RepackSubsets for a stable result.
 */
export function buildSubsets(svc: Service, pods: readonly Pod[]): EndpointSubset[] {
  const groups = new Map<string, { ports: Array<{ name?: string; port: number; protocol: string }>; ready: EndpointAddress[]; notReady: EndpointAddress[] }>();
  const headless = svc.spec.clusterIP === 'None';
  const svcPorts = svc.spec.ports ?? [];
  for (const pod of pods) {
    if (!podEligible(pod, svc)) continue;
    const ports: Array<{ name?: string; port: number; protocol: string }> = [];
    for (const sp of svcPorts) {
      const port = resolvePort(pod, sp);
      if (port === undefined) continue;
      ports.push({ ...(sp.name ? { name: sp.name } : {}), port, protocol: sp.protocol ?? 'TCP' });
    }
    if (ports.length === 0 && !(headless && svcPorts.length === 0)) continue;
    const addr: EndpointAddress = {
      ip: pod.status?.podIP as string,
      ...(pod.spec.hostname && pod.spec.subdomain === svc.metadata.name ? { hostname: pod.spec.hostname } : {}),
      ...(pod.spec.nodeName ? { nodeName: pod.spec.nodeName } : {}),
      targetRef: { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name as string, uid: pod.metadata.uid },
    };
    ports.sort((a, b) => (a.name ?? '').localeCompare(b.name ?? '') || a.port - b.port);
    const key = canonicalJson(ports);
    let g = groups.get(key);
    if (g === undefined) groups.set(key, (g = { ports, ready: [], notReady: [] }));
    if (isPodReady(pod) || svc.spec.publishNotReadyAddresses) g.ready.push(addr);
    else g.notReady.push(addr);
  }
  const byIp = (a: EndpointAddress, b: EndpointAddress): number => ipKey(a.ip).localeCompare(ipKey(b.ip)) || (a.targetRef?.name ?? '').localeCompare(b.targetRef?.name ?? '');
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([, g]) => ({
      ...(g.ready.length > 0 ? { addresses: g.ready.sort(byIp) } : {}),
      ...(g.notReady.length > 0 ? { notReadyAddresses: g.notReady.sort(byIp) } : {}),
      ...(g.ports.length > 0 ? { ports: g.ports } : {}),
    }));
}
