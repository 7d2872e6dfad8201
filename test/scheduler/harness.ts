import path from 'node:path';
import { KiteClient, type KubeObject } from '@kite/client';
import { repoRoot, startApiServer, startKiteStore, startProcess, tempDir, waitFor, type ApiServerProc, type Cleanup, type Proc } from '../support/processes.js';

export const schedulerBin = path.join(repoRoot, 'services/scheduler/dist/bin.js');

export interface SchedulerProc extends Proc {
  metrics: string;
  identity: string;
}

/** Starts kite-scheduler against `apiserver` (gRPC address); resolves once it says it listens. */
export async function startScheduler(apiserver: string, extraArgs: string[] = []): Promise<SchedulerProc> {
  const p = startProcess(process.execPath, [schedulerBin, '--apiserver', apiserver, '--metrics-listen', '127.0.0.1:0', '--profile', 'fast', ...extraArgs], {
    KITE_LOG_LEVEL: 'warn',
  });
  try {
    const m = await Promise.race([
      waitFor('kite-scheduler to listen', () => /kite-scheduler listening on (\S+) \(identity (\S+)\)/.exec(p.output()) ?? undefined),
      p.exited.then((code) => {
        throw new Error(`kite-scheduler exited with ${code}: ${p.output()}`);
      }),
    ]);
    return { ...p, metrics: m[1] as string, identity: m[2] as string };
  } catch (err) {
    await p.stop('SIGKILL');
    throw err;
  }
}

export interface ControlPlane {
  api: ApiServerProc;
  client: KiteClient;
}

/** kite-store + kite-apiserver + a client, each stopped by `cleanups`. */
export async function startControlPlane(cleanups: Cleanup[]): Promise<ControlPlane> {
  const { dir, remove } = await tempDir('scheduler');
  cleanups.push(remove);
  const store = await startKiteStore(dir);
  cleanups.push(() => store.stop());
  const api = await startApiServer([store.endpoint]);
  cleanups.push(() => api.stop());
  const client = new KiteClient(api.grpcAddress);
  cleanups.push(() => client.close());
  return { api, client };
}

export interface NodeSpec {
  name: string;
  cpu?: string;
  memory?: string;
  pods?: string;
  labels?: Record<string, string>;
  taints?: Array<{ key: string; value?: string; effect: string }>;
  unschedulable?: boolean;
  extra?: Record<string, string>;
}

export function node(n: NodeSpec): KubeObject {
  const allocatable = { cpu: n.cpu ?? '4', memory: n.memory ?? '8Gi', pods: n.pods ?? '110', ...(n.extra ?? {}) };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: n.name, labels: { 'kubernetes.io/hostname': n.name, ...(n.labels ?? {}) } },
    spec: { ...(n.taints ? { taints: n.taints } : {}), ...(n.unschedulable ? { unschedulable: true } : {}) },
    status: { capacity: allocatable, allocatable, conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

export function pod(name: string, spec: Record<string, unknown> = {}, opts: { labels?: Record<string, string>; requests?: Record<string, string>; namespace?: string } = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: opts.namespace ?? 'default', labels: opts.labels ?? {} },
    spec: {
      containers: [{ name: 'c', image: 'busybox', ...(opts.requests ? { resources: { requests: opts.requests } } : {}) }],
      ...spec,
    },
  };
}

export interface PodView extends KubeObject {
  spec: { nodeName?: string };
  status?: { conditions?: Array<{ type: string; status: string; reason?: string; message?: string }> };
}

/** Waits until every named pod has a node; returns name → node. */
export async function waitScheduled(client: KiteClient, names: string[], namespace = 'default', timeoutMs = 20_000): Promise<Map<string, string>> {
  return waitFor(
    `pods ${names.join(',')} to be scheduled`,
    async () => {
      const out = new Map<string, string>();
      for (const n of names) {
        const p = await client.get<PodView>({ apiVersion: 'v1', kind: 'Pod', namespace }, n);
        if (!p.spec.nodeName) return undefined;
        out.set(n, p.spec.nodeName);
      }
      return out;
    },
    timeoutMs,
  );
}

/** Waits for a FailedScheduling event about `podName` and returns its message. */
export async function failedSchedulingMessage(client: KiteClient, podName: string, namespace = 'default', match?: RegExp): Promise<string> {
  return waitFor(`FailedScheduling for ${podName}`, async () => {
    const evs = await client.list<KubeObject & { reason?: string; message?: string; involvedObject?: { name?: string } }>({ apiVersion: 'v1', kind: 'Event', namespace });
    const e = evs.items.find((x) => x.reason === 'FailedScheduling' && x.involvedObject?.name === podName && (match === undefined || match.test(x.message ?? '')));
    return e?.message;
  });
}
