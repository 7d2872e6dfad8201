import { isNotFound, objectKey, type Informer, type ReconcileResult } from '@kite/client';
import { Controller, type ControllerContext } from '../controller.js';
import { evictionTime, markUnknown, reconcileTaints } from '../logic/node-lifecycle.js';
import { condition, isPodReady, isTerminated } from '../logic/pods.js';
import { LEASE, NODE, POD, type Lease, type Node, type Pod } from '../objects.js';

const NODE_LEASE_NS = 'kube-node-lease';
const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * Node health from heartbeats (the node's Lease, and the kubelet's own Ready heartbeat): a
 * node silent past the grace period goes Unknown; Ready False or Unknown bring the not-ready
 * or unreachable taints (NoSchedule and NoExecute), which go again when Ready returns; pods
 * on a NoExecute-tainted node are evicted when their tolerations run out.
 */
export class NodeLifecycleController extends Controller {
  private readonly nodes: Informer<Node>;
  private readonly leases: Informer<Lease>;
  private readonly pods: Informer<Pod>;
  /** When we last saw each node's heartbeat change, on our own clock (immune to skew). */
  private readonly health = new Map<string, { signature: string; at: number }>();
  /** node name → pod keys bound there. */
  private readonly podsByNode = new Map<string, Set<string>>();
  private timer: NodeJS.Timeout | undefined;

  constructor(ctx: ControllerContext) {
    super('nodelifecycle', ctx);
    this.nodes = ctx.informers.for<Node>(NODE);
    this.leases = ctx.informers.for<Lease>(LEASE);
    this.pods = ctx.informers.for<Pod>(POD);
    this.nodes.addEventHandler({ onAdd: (n) => this.enqueue(n), onUpdate: (_o, n) => this.enqueue(n), onDelete: (n) => this.enqueue(n) });
    this.leases.addEventHandler({
      onAdd: (l) => this.leaseChanged(l),
      onUpdate: (_o, l) => this.leaseChanged(l),
    });
    const index = (p: Pod, add: boolean): void => {
      const n = p.spec.nodeName;
      if (!n) return;
      let set = this.podsByNode.get(n);
      if (set === undefined) this.podsByNode.set(n, (set = new Set()));
      if (add) set.add(objectKey(p));
      else set.delete(objectKey(p));
    };
    this.pods.addEventHandler({
      onAdd: (p) => {
        index(p, true);
        if (p.spec.nodeName && this.tainted(p.spec.nodeName)) this.queue.add(p.spec.nodeName);
      },
      onUpdate: (o, p) => {
        index(o, false);
        index(p, true);
        if (p.spec.nodeName && o.spec.nodeName !== p.spec.nodeName && this.tainted(p.spec.nodeName)) this.queue.add(p.spec.nodeName);
      },
      onDelete: (p) => index(p, false),
    });
  }

  private tainted(node: string): boolean {
    return (this.nodes.get(node)?.spec?.taints ?? []).some((t) => t.effect === 'NoExecute');
  }

  private leaseChanged(l: Lease): void {
    if (l.metadata.namespace === NODE_LEASE_NS) this.queue.add(l.metadata.name as string);
  }

  override async run(workers: number): Promise<void> {
    // Silence is not an event: look at every node each monitor period.
    this.timer = setInterval(() => {
      for (const n of this.nodes.list()) this.enqueue(n);
    }, this.ctx.options.nodeMonitorPeriodMs);
    this.timer.unref();
    await super.run(workers);
  }

  override stop(): void {
    clearInterval(this.timer);
    super.stop();
  }

  private heartbeatAge(node: Node, now: number): number {
    const name = node.metadata.name as string;
    const lease = this.leases.get(`${NODE_LEASE_NS}/${name}`);
    const ready = condition(node.status?.conditions, 'Ready');
    const signature = `${lease?.spec?.renewTime ?? ''}|${ready?.lastHeartbeatTime ?? ''}`;
    const h = this.health.get(name);
    if (h === undefined || h.signature !== signature) {
      this.health.set(name, { signature, at: now });
      return 0;
    }
    return now - h.at;
  }

  protected async reconcile(name: string): Promise<ReconcileResult | void> {
    const cached = this.nodes.get(name);
    if (cached === undefined) {
      this.health.delete(name);
      return;
    }
    const now = this.ctx.now();
    const opts = this.ctx.options;
    const age = this.heartbeatAge(cached, now);
    const everReady = condition(cached.status?.conditions, 'Ready') !== undefined;
    const grace = everReady ? opts.nodeMonitorGracePeriodMs : opts.nodeStartupGracePeriodMs;
    if (age > grace) {
      const conditions = markUnknown(cached, now);
      if (conditions !== undefined) {
        this.log.info({ node: name, silentMs: age }, 'node stopped posting status: marking it Unknown');
        await this.ctx.client.updateStatus<Node>({ ...cached, ...NODE, status: { ...(cached.status ?? {}), conditions } });
        this.ctx.events.record({ ...cached, ...NODE }, 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`);
        await this.markPodsNotReady(name, now);
        return;
      }
    }
    const taints = reconcileTaints(cached, now);
    if (taints !== undefined) {
      await this.ctx.client.patch<Node>(NODE, name, 'merge', { spec: { taints: taints.length > 0 ? taints : null }, metadata: { resourceVersion: cached.metadata.resourceVersion } });
      return;
    }
    const nextEviction = await this.evict(cached, now);
    const untilUnknown = age <= grace ? grace - age + 1 : undefined;
    const waits = [nextEviction, untilUnknown].filter((x): x is number => x !== undefined);
    if (waits.length > 0) return { requeueAfterMs: Math.min(...waits) };
  }

  /** Pods on a node that stopped reporting are no longer known to be ready (endpoints drop them). */
  private async markPodsNotReady(node: string, now: number): Promise<void> {
    for (const key of this.podsByNode.get(node) ?? []) {
      const p = this.pods.get(key);
      if (p === undefined || !isPodReady(p) || isTerminated(p)) continue;
      const conditions = (p.status?.conditions ?? []).map((c) => (c.type === 'Ready' ? { ...c, status: 'False', lastTransitionTime: iso(now) } : c));
      try {
        await this.ctx.client.updateStatus<Pod>({ ...p, ...POD, status: { ...(p.status ?? {}), conditions } });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
  }

  /** Evicts pods whose tolerations ran out; returns ms until the next one is due. */
  private async evict(node: Node, now: number): Promise<number | undefined> {
    const taints = (node.spec?.taints ?? []).filter((t) => t.effect === 'NoExecute');
    if (taints.length === 0) return undefined;
    let next: number | undefined;
    for (const key of [...(this.podsByNode.get(node.metadata.name as string) ?? [])]) {
      const p = this.pods.get(key);
      if (p === undefined || p.metadata.deletionTimestamp !== undefined || isTerminated(p)) continue;
      const at = evictionTime(p, taints, now);
      if (at === 'never') continue;
      if (at > now) {
        next = Math.min(next ?? Infinity, at - now + 1);
        continue;
      }
      this.log.info({ pod: key, node: node.metadata.name }, 'evicting pod from tainted node');
      this.ctx.events.record({ ...p, ...POD }, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${key}`);
      try {
        await this.ctx.client.delete({ ...POD, namespace: p.metadata.namespace }, p.metadata.name as string, { preconditions: { uid: p.metadata.uid } });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    return next;
  }
}
