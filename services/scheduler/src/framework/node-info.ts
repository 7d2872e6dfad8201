import type { Node } from './objects.js';
import type { HostPort, PodInfo } from './pod-info.js';
import { addResources, emptyResources, resourcesOf, type Resources } from './resources.js';

/**
 * A node with the pods placed on it (bound, or assumed by this scheduler and not yet bound)
 * and what they request in total: what Filter and Score plugins judge.
 */
export class NodeInfo {
  readonly pods = new Map<string, PodInfo>();
  readonly requested: Resources = emptyResources();
  readonly nonZeroRequested: Resources = emptyResources();
  readonly usedPorts = new Map<string, number>();
  allocatable: Resources;
  /** Pods on this node with any required or preferred pod (anti-)affinity. */
  podsWithAffinity = 0;
  podsWithRequiredAntiAffinity = 0;

  constructor(public node: Node) {
    this.allocatable = resourcesOf(node.status?.allocatable ?? node.status?.capacity);
  }

  get name(): string {
    return this.node.metadata.name as string;
  }

  get labels(): Record<string, string> {
    return this.node.metadata.labels ?? {};
  }

  setNode(node: Node): void {
    this.node = node;
    this.allocatable = resourcesOf(node.status?.allocatable ?? node.status?.capacity);
  }

  addPod(p: PodInfo): void {
    if (this.pods.has(p.uid)) this.removePod(p.uid);
    this.pods.set(p.uid, p);
    this.account(p, 1);
  }

  removePod(uid: string): PodInfo | undefined {
    const p = this.pods.get(uid);
    if (p === undefined) return undefined;
    this.pods.delete(uid);
    this.account(p, -1);
    return p;
  }

  private account(p: PodInfo, sign: 1 | -1): void {
    addResources(this.requested, p.requests, sign);
    addResources(this.nonZeroRequested, p.nonZeroRequests, sign);
    for (const hp of p.hostPorts) {
      const k = portKey(hp);
      const n = (this.usedPorts.get(k) ?? 0) + sign;
      if (n <= 0) this.usedPorts.delete(k);
      else this.usedPorts.set(k, n);
    }
    const hasAffinity = p.requiredAffinity.length + p.requiredAntiAffinity.length + p.preferredAffinity.length + p.preferredAntiAffinity.length > 0;
    if (hasAffinity) this.podsWithAffinity += sign;
    if (p.requiredAntiAffinity.length > 0) this.podsWithRequiredAntiAffinity += sign;
  }

  /** A copy with `without` pods removed (for what-if checks such as preemption dry runs). */
  cloneWithout(without: (p: PodInfo) => boolean): NodeInfo {
    const c = new NodeInfo(this.node);
    for (const p of this.pods.values()) if (!without(p)) c.addPod(p);
    return c;
  }
}

export const portKey = (hp: HostPort): string => `${hp.protocol}/${hp.ip}/${hp.port}`;
