import { isAlreadyExists, isConflict, isNotFound, type KiteClient, type KubeObject } from '@kite/client';
import type { Logger } from '@kite/common';
import type { EventRecorder } from '../events.js';
import { rfc3339 } from '../pod/types.js';
import { readPressure } from './machine.js';
import { nodeConditions, nodeObject, nodeStatus, stampConditions, type NodeCondition, type NodeFacts } from './node-object.js';

export interface NodeTimings {
  /** How often the Lease is renewed (kubernetes 10 s, fast 1 s). */
  leaseRenewMs: number;
  leaseDurationSeconds: number;
  /** How often the status is computed and written if it changed. */
  statusUpdateMs: number;
  /** How often the status is written even when unchanged (fresh heartbeat times). */
  statusReportMs: number;
}

const NODE = { apiVersion: 'v1', kind: 'Node' } as const;

/**
 * The kubelet's Node: registers it, renews its Lease over NodeService.Heartbeat, keeps its
 * status (conditions, capacity, addresses) current, and reports NotReady on the way down.
 */
export class NodeAgent {
  private timers: NodeJS.Timeout[] = [];
  private lastConditions: NodeCondition[] | undefined;
  private lastWritten = '';
  private lastWriteAt = 0;
  private ready = true;
  private notReadyMessage = '';
  private writing: Promise<void> = Promise.resolve();
  /** When the last lease renewal succeeded (for /healthz). */
  lastHeartbeat = 0;

  constructor(
    private readonly client: KiteClient,
    private readonly facts: NodeFacts,
    private readonly timings: NodeTimings,
    private readonly rootDir: string,
    private readonly limitations: string[],
    private readonly events: EventRecorder,
    private readonly log: Logger,
  ) {}

  private ref(uid: string): { kind: string; apiVersion: string; name: string; namespace: string; uid: string } {
    return { kind: 'Node', apiVersion: 'v1', name: this.facts.name, namespace: 'default', uid };
  }

  /** Creates the Node, or adopts an existing one (labels merged, taints and addresses ours). */
  async register(): Promise<void> {
    const conditions = await this.conditions();
    const desired = nodeObject(this.facts, conditions);
    let node: KubeObject;
    try {
      node = await this.client.create(desired);
      this.log.info({ node: this.facts.name }, 'node registered');
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      const cur = await this.client.get(NODE, this.facts.name);
      const spec = { ...((cur.spec ?? {}) as Record<string, unknown>), ...(desired.spec as Record<string, unknown>) };
      node = await this.client.update({ ...cur, metadata: { ...cur.metadata, labels: { ...(cur.metadata.labels ?? {}), ...desired.metadata.labels } }, spec });
      this.lastConditions = ((cur.status as { conditions?: NodeCondition[] } | undefined)?.conditions ?? undefined);
    }
    await this.writeStatus(true);
    const uid = node.metadata.uid as string;
    this.events.emit(this.ref(uid), 'Normal', 'Starting', 'Starting kubelet.');
    this.events.emit(this.ref(uid), 'Normal', 'NodeReady', `Node ${this.facts.name} status is now: NodeReady`);
    if (this.limitations.length > 0) this.events.emit(this.ref(uid), 'Warning', 'NotIsolated', `pods on this node are not fully isolated: ${this.limitations.join('; ')}`);
  }

  start(): void {
    const beat = async (): Promise<void> => {
      try {
        await this.client.heartbeat(this.facts.name, this.timings.leaseDurationSeconds);
        this.lastHeartbeat = Date.now();
      } catch (err) {
        this.log.warn({ err }, 'lease not renewed');
      }
    };
    void beat();
    this.timers.push(setInterval(() => void beat(), this.timings.leaseRenewMs));
    this.timers.push(setInterval(() => void this.writeStatus(false).catch((err: unknown) => this.log.warn({ err }, 'node status not written')), this.timings.statusUpdateMs));
  }

  /** Reports the node NotReady (the kubelet is going away) and stops the loops. */
  async stop(message: string): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.ready = false;
    this.notReadyMessage = message;
    await this.writeStatus(true).catch((err: unknown) => this.log.warn({ err }, 'NotReady not reported'));
  }

  private async conditions(): Promise<NodeCondition[]> {
    const pressure = await readPressure(this.rootDir);
    return nodeConditions(this.ready, this.notReadyMessage, pressure, this.limitations);
  }

  /** Writes the status if it changed, or if `statusReportMs` passed since the last write. */
  private writeStatus(force: boolean): Promise<void> {
    const run = this.writing.then(async () => {
      const conds = await this.conditions();
      const sig = JSON.stringify(conds);
      if (!force && sig === this.lastWritten && Date.now() - this.lastWriteAt < this.timings.statusReportMs) return;
      const stamped = stampConditions(conds, this.lastConditions, rfc3339(new Date()));
      for (let tries = 0; tries < 5; tries++) {
        try {
          const cur = await this.client.get(NODE, this.facts.name);
          const status = { ...((cur.status ?? {}) as Record<string, unknown>), ...nodeStatus(this.facts, stamped) };
          await this.client.updateStatus({ ...cur, status });
          this.lastConditions = stamped;
          this.lastWritten = sig;
          this.lastWriteAt = Date.now();
          return;
        } catch (err) {
          if (isNotFound(err)) {
            // Someone deleted the Node: register again, as the kubelet does.
            await this.client.create(nodeObject(this.facts, stamped)).catch(() => undefined);
            continue;
          }
          if (!isConflict(err)) throw err;
        }
      }
    });
    this.writing = run.catch(() => undefined);
    return run;
  }
}
