import type { Snapshot } from './framework/interfaces.js';
import { NodeInfo } from './framework/node-info.js';
import type { Namespace, Node, Pod } from './framework/objects.js';
import { PodInfo } from './framework/pod-info.js';

interface PodState {
  info: PodInfo;
  node: string;
  /** Placed by this scheduler, bind not yet seen through the informer. */
  assumed: boolean;
}

/**
 * The scheduler's view of placement: nodes with their bound and assumed pods. Assuming a pod
 * counts it on its node at once, so the next cycle (before the bind is even sent) sees the
 * node as fuller; the informer's bound pod later confirms it, a failed bind forgets it.
 * Cycles run synchronously on one thread, so the cache itself serves as their snapshot.
 */
export class SchedulerCache implements Snapshot {
  private readonly byName = new Map<string, NodeInfo>();
  private list: NodeInfo[] = [];
  private readonly pods = new Map<string, PodState>();
  /** Pods bound to nodes the cache has not seen yet. */
  private readonly orphans = new Map<string, Set<string>>();
  private readonly nsLabels = new Map<string, Record<string, string>>();

  get nodes(): readonly NodeInfo[] {
    return this.list;
  }

  get(name: string): NodeInfo | undefined {
    return this.byName.get(name);
  }

  namespaceLabels(ns: string): Record<string, string> | undefined {
    return this.nsLabels.get(ns);
  }

  setNamespace(ns: Namespace): void {
    this.nsLabels.set(ns.metadata.name as string, ns.metadata.labels ?? {});
  }

  removeNamespace(ns: Namespace): void {
    this.nsLabels.delete(ns.metadata.name as string);
  }

  setNode(node: Node): void {
    const name = node.metadata.name as string;
    const existing = this.byName.get(name);
    if (existing) return existing.setNode(node);
    const ni = new NodeInfo(node);
    this.byName.set(name, ni);
    this.list = [...this.list, ni];
    for (const uid of this.orphans.get(name) ?? []) {
      const st = this.pods.get(uid);
      if (st) ni.addPod(st.info);
    }
    this.orphans.delete(name);
  }

  removeNode(name: string): void {
    const ni = this.byName.get(name);
    if (!ni) return;
    this.byName.delete(name);
    this.list = this.list.filter((n) => n !== ni);
    // Its pods stay known: if the node comes back they are counted again.
    if (ni.pods.size > 0) this.orphans.set(name, new Set(ni.pods.keys()));
  }

  /** A pod bound to a node (from the informer); confirms an assumption of the same pod. */
  addOrUpdatePod(pod: Pod): void {
    const info = new PodInfo(pod);
    const node = pod.spec.nodeName as string;
    this.removePod(info.uid);
    this.place({ info, node, assumed: false });
  }

  removePod(uid: string): void {
    const st = this.pods.get(uid);
    if (!st) return;
    this.pods.delete(uid);
    this.byName.get(st.node)?.removePod(uid);
    this.orphans.get(st.node)?.delete(uid);
  }

  assume(info: PodInfo, node: string): void {
    const pod: Pod = { ...info.pod, spec: { ...info.pod.spec, nodeName: node } };
    this.removePod(info.uid);
    this.place({ info: new PodInfo(pod), node, assumed: true });
  }

  /** Drops an assumption whose bind failed; a pod the informer has since confirmed stays. */
  forget(uid: string): void {
    if (this.pods.get(uid)?.assumed) this.removePod(uid);
  }

  isAssumed(uid: string): boolean {
    return this.pods.get(uid)?.assumed ?? false;
  }

  podCount(): number {
    return this.pods.size;
  }

  private place(st: PodState): void {
    this.pods.set(st.info.uid, st);
    const ni = this.byName.get(st.node);
    if (ni) ni.addPod(st.info);
    else {
      const set = this.orphans.get(st.node) ?? new Set<string>();
      set.add(st.info.uid);
      this.orphans.set(st.node, set);
    }
  }
}
