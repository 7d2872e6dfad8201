import { type Informer, type ReconcileResult } from '@kite/client';
import { Controller, type ControllerContext } from '../controller.js';
import { allocateSubnet } from '../logic/cidr.js';
import { NODE, type Node } from '../objects.js';

/** Gives every node without one a podCIDR from --cluster-cidr, never one already in use. */
export class NodeIpamController extends Controller {
  private readonly nodes: Informer<Node>;
  /** Allocated but perhaps not yet in the cache: node → CIDR. */
  private readonly pending = new Map<string, string>();
  /** Nodes already told the range is full: one event each, not one per retry. */
  private readonly starved = new Set<string>();

  constructor(ctx: ControllerContext) {
    super('nodeipam', ctx);
    this.nodes = ctx.informers.for<Node>(NODE);
    this.nodes.addEventHandler({ onAdd: (n) => this.enqueue(n), onUpdate: (_o, n) => this.enqueue(n), onDelete: (n) => this.enqueue(n) });
  }

  protected async reconcile(name: string): Promise<ReconcileResult | void> {
    const node = this.nodes.get(name);
    if (node === undefined) {
      this.pending.delete(name);
      this.starved.delete(name);
      return;
    }
    if (node.spec?.podCIDR) {
      this.pending.delete(name);
      return;
    }
    const used = new Set<string>();
    for (const n of this.nodes.list()) {
      if (n.spec?.podCIDR) used.add(n.spec.podCIDR);
      for (const c of n.spec?.podCIDRs ?? []) used.add(c);
    }
    for (const [n, c] of this.pending) if (n !== name) used.add(c);
    const { clusterCidr, nodeCidrMaskSize } = this.ctx.options;
    const cidr = this.pending.get(name) ?? allocateSubnet(clusterCidr, nodeCidrMaskSize, used);
    if (cidr === undefined) {
      if (!this.starved.has(name)) this.ctx.events.record({ ...node, ...NODE }, 'Warning', 'CIDRNotAvailable', `Node ${name} status is now: CIDRNotAvailable`);
      this.starved.add(name);
      return { requeueAfterMs: 30_000 };
    }
    this.starved.delete(name);
    this.pending.set(name, cidr);
    await this.ctx.client.patch(NODE, name, 'merge', { spec: { podCIDR: cidr, podCIDRs: [cidr] } });
    this.log.info({ node: name, podCIDR: cidr }, 'assigned pod CIDR');
  }
}
