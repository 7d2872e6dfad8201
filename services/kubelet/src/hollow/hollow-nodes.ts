import { Informer, isAlreadyExists, isNotFound, objectKey, type KiteClient } from '@kite/client';
import { createMetricsRegistry, startHealthServer, type HealthServer, type HostPort, type Logger } from '@kite/common';
import { Counter, Gauge } from 'prom-client';
import { nodeConditions, nodeLabels, nodeObject, stampConditions, type NodeFacts, type Taint } from '../node/node-object.js';
import { rfc3339, type Pod } from '../pod/types.js';
import { LeaseRenewer } from './leases.js';
import { hollowRunningStatus, reportedRunning } from './pod-status.js';

export interface HollowOptions {
  count: number;
  /** Node names are `<prefix><i>`, i from 0. */
  prefix: string;
  cpuMillis: number;
  memoryBytes: number;
  pods: number;
  labels: Record<string, string>;
  taints: Taint[];
  leaseRenewMs: number;
  leaseDurationSeconds: number;
  metricsListen: HostPort;
  kubeletVersion: string;
  /** Most apiserver writes (node creates, pod status, deletes) in flight at once. */
  inFlight: number;
}

export interface HollowNodes {
  nodes: readonly string[];
  metricsAddress: string;
  close(): Promise<void>;
}

const POD = { apiVersion: 'v1', kind: 'Pod' } as const;
const NODE = { apiVersion: 'v1', kind: 'Node' } as const;
const CALM = { memory: false, disk: false, pid: false, memoryAvailableBytes: 1 << 30, diskAvailableFraction: 1 };
const LIMITATION = 'hollow node: pods are reported Running but nothing runs';

/** Runs `work` over `items`, `lanes` at a time. */
async function eachLimited<T>(items: readonly T[], lanes: number, work: (item: T) => Promise<void>): Promise<void> {
  let i = 0;
  const lane = async (): Promise<void> => {
    while (i < items.length) await work(items[i++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(lanes, items.length) }, lane));
}

/**
 * Many simulated nodes in one process, for scheduler benchmarks (Kubernetes' kubemark hollow
 * nodes): registers the Nodes, keeps their Leases fresh, and answers for the pods bound to
 * them by reporting each Running (containers running and ready) without starting anything;
 * pods marked for deletion are removed at once.
 */
export async function startHollowNodes(client: KiteClient, o: HollowOptions, log: Logger): Promise<HollowNodes> {
  const names = Array.from({ length: o.count }, (_, i) => `${o.prefix}${i}`);
  const ours = new Set(names);
  const metrics = createMetricsRegistry('kubelet');
  const statusWrites = new Counter({ name: 'kite_hollow_pod_status_writes_total', help: 'Pods reported Running by the hollow nodes.', registers: [metrics] });
  const deletes = new Counter({ name: 'kite_hollow_pod_deletes_total', help: 'Pods removed after being marked for deletion.', registers: [metrics] });
  const writeErrors = new Counter({ name: 'kite_hollow_write_errors_total', help: 'Pod writes that failed and were retried.', registers: [metrics] });

  await registerNodes(client, names, o, log);
  const leases = new LeaseRenewer(client, names, o.leaseRenewMs, o.leaseDurationSeconds, log, o.inFlight);
  await leases.renewAll();
  leases.start();
  new Gauge({ name: 'kite_hollow_lease_renewals_total', help: 'Node lease renewals done.', registers: [metrics], collect() {
    this.set(leases.renewals);
  } });

  const pods = new Informer<Pod>(client, POD, { fieldSelector: 'spec.nodeName!=' }, log.child({ component: 'informer' }));
  const pending = new Set<string>();
  let busy = 0;
  let closing = false;
  let drained: (() => void) | undefined;

  const work = async (key: string): Promise<void> => {
    const pod = pods.get(key);
    if (pod === undefined || !ours.has(pod.spec.nodeName ?? '')) return;
    const ns = pod.metadata.namespace as string;
    const name = pod.metadata.name as string;
    try {
      if (pod.metadata.deletionTimestamp !== undefined) {
        await client.delete({ ...POD, namespace: ns }, name, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid as string } });
        deletes.inc();
      } else if (!reportedRunning(pod)) {
        await client.patch({ ...POD, namespace: ns }, name, 'merge', { status: hollowRunningStatus(pod, rfc3339(new Date())) }, { subresource: 'status' });
        statusWrites.inc();
      }
    } catch (err) {
      if (isNotFound(err) || closing) return;
      writeErrors.inc();
      log.warn({ pod: key, err: (err as Error).message }, 'pod write failed; retrying');
      setTimeout(() => enqueue(key), 500).unref();
    }
  };
  const pump = (): void => {
    while (busy < o.inFlight && pending.size > 0 && !closing) {
      const key = pending.values().next().value as string;
      pending.delete(key);
      busy++;
      void work(key).finally(() => {
        busy--;
        if (busy === 0 && drained) drained();
        pump();
      });
    }
  };
  const enqueue = (key: string): void => {
    if (closing) return;
    pending.add(key);
    pump();
  };
  const onPod = (p: Pod): void => {
    if (ours.has(p.spec.nodeName ?? '') && (p.metadata.deletionTimestamp !== undefined || !reportedRunning(p))) enqueue(objectKey(p));
  };
  pods.addEventHandler({ onAdd: onPod, onUpdate: (_old, p) => onPod(p) });
  pods.start();

  let health: HealthServer;
  try {
    health = await startHealthServer({
      listen: o.metricsListen,
      registry: metrics,
      liveness: {},
      readiness: { pods: () => (pods.hasSynced() ? undefined : 'the pod cache has not synced') },
    });
    await pods.waitForSync();
  } catch (err) {
    pods.stop();
    leases.stop();
    throw err;
  }
  log.info({ nodes: o.count, prefix: o.prefix, metrics: health.address }, 'hollow nodes serving');
  const server = health;
  return {
    nodes: names,
    metricsAddress: health.address,
    async close() {
      closing = true;
      pods.stop();
      leases.stop();
      if (busy > 0) await new Promise<void>((r) => (drained = r));
      await server.close();
    },
  };
}

async function registerNodes(client: KiteClient, names: string[], o: HollowOptions, log: Logger): Promise<void> {
  const conditions = stampConditions(nodeConditions(true, '', CALM, [LIMITATION]), undefined, rfc3339(new Date()));
  const facts = (name: string): NodeFacts => ({
    name,
    labels: nodeLabels(name, o.labels),
    taints: o.taints,
    cpuMillis: o.cpuMillis,
    memoryBytes: o.memoryBytes,
    pods: o.pods,
    internalIP: '127.0.0.1',
    streamingPort: 0,
    kubeletVersion: o.kubeletVersion,
  });
  let existing = 0;
  await eachLimited(names, o.inFlight, async (name) => {
    const desired = nodeObject(facts(name), conditions);
    try {
      await client.create(desired);
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      // Left from an earlier run: make it Ready with our capacity again.
      existing++;
      const cur = await client.get(NODE, name);
      await client.updateStatus({ ...cur, status: desired.status });
    }
  });
  log.info({ nodes: names.length, existing }, 'hollow nodes registered');
}
