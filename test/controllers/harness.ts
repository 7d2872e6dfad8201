import path from 'node:path';
import { Informer, KiteClient, isConflict, isNotFound, type KubeObject } from '@kite/client';
import { kubectlFor, type Kubectl } from '../support/kubectl.js';
import { repoRoot, startApiServer, startKiteStore, startProcess, tempDir, waitFor, type ApiServerProc, type Cleanup, type Proc } from '../support/processes.js';

export const controllerManagerBin = path.join(repoRoot, 'services/controller-manager/dist/bin.js');

export interface ControllerManagerProc extends Proc {
  metrics: string;
}

/** Starts kite-controller-manager (fast profile, no leader election unless asked) against `apiserver`. */
export async function startControllerManager(apiserver: string, extraArgs: string[] = []): Promise<ControllerManagerProc> {
  const p = startProcess(
    process.execPath,
    [controllerManagerBin, '--apiserver', apiserver, '--metrics-listen', '127.0.0.1:0', '--profile', 'fast', ...(extraArgs.some((a) => a.startsWith('--leader-elect')) ? [] : ['--leader-elect=false']), ...extraArgs],
    { KITE_LOG_LEVEL: 'warn', KITE_CONTROLLER_MANAGER_LOG_LEVEL: 'warn' },
  );
  try {
    const m = await Promise.race([
      waitFor('kite-controller-manager to listen', () => /kite-controller-manager listening on (\S+)/.exec(p.output()) ?? undefined),
      p.exited.then((code) => {
        throw new Error(`kite-controller-manager exited with ${code}: ${p.output()}`);
      }),
    ]);
    return { ...p, metrics: m[1] as string };
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
export async function startControlPlane(cleanups: Cleanup[], apiArgs: string[] = []): Promise<ControlPlane> {
  const { dir, remove } = await tempDir('controllers');
  cleanups.push(remove);
  const store = await startKiteStore(dir);
  cleanups.push(() => store.stop());
  const api = await startApiServer([store.endpoint], apiArgs);
  cleanups.push(() => api.stop());
  const client = new KiteClient(api.grpcAddress);
  cleanups.push(() => client.close());
  return { api, client };
}

/**
 * What most controller tests run on a control plane: the fake kubelet, a controller manager
 * (`cmArgs`, e.g. `--controllers job`) and a kubectl, each stopped by `cleanups`.
 */
export async function startWorkers(
  cleanups: Cleanup[],
  api: ApiServerProc,
  kubelet: FakeKubelet,
  cmArgs: string[] = [],
): Promise<{ cm: ControllerManagerProc; kubectl: Kubectl }> {
  await kubelet.start();
  cleanups.push(() => kubelet.stop());
  const cm = await startControllerManager(api.grpcAddress, cmArgs);
  cleanups.push(() => cm.stop());
  const kubectl = await kubectlFor(api.url);
  cleanups.push(() => kubectl.remove());
  return { cm, kubectl };
}

export interface PodObj extends KubeObject {
  spec: { nodeName?: string; containers: Array<{ name: string; image?: string }>; [k: string]: unknown };
  status?: { phase?: string; conditions?: Array<{ type: string; status: string; lastTransitionTime?: string }>; podIP?: string; [k: string]: unknown };
}

export type PodFate = 'run' | 'pending' | 'succeed' | 'fail' | 'unready';

const iso = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * Plays the kubelets' part for a control plane without nodes: binds unscheduled pods to
 * `nodes` in turn (when given), writes the status `fate` picks (Running and Ready by default,
 * each with a pod IP), and finishes the deletion of pods marked for it (grace 0), as a
 * kubelet does once the containers stopped. `hold` keeps pods of chosen nodes untouched.
 */
export class FakeKubelet {
  private readonly informer: Informer<PodObj>;
  private readonly busy = new Set<string>();
  private next = 0;
  private ip = 10;
  fate: (p: PodObj) => PodFate = () => 'run';
  /** Nodes whose pods the fake leaves alone (a dead kubelet). */
  readonly dead = new Set<string>();

  constructor(
    private readonly client: KiteClient,
    private readonly nodes: string[] = [],
  ) {
    this.informer = new Informer<PodObj>(client, { apiVersion: 'v1', kind: 'Pod' });
    const kick = (p: PodObj): void => void this.handle(p);
    this.informer.addEventHandler({ onAdd: kick, onUpdate: (_o, p) => kick(p) });
  }

  start(): Promise<void> {
    this.informer.start();
    return this.informer.waitForSync();
  }

  stop(): void {
    this.informer.stop();
  }

  /** Re-examines every pod (after changing `fate`). */
  resync(): void {
    for (const p of this.informer.list()) void this.handle(p);
  }

  private async handle(p: PodObj): Promise<void> {
    const key = `${p.metadata.namespace}/${p.metadata.name}`;
    if (this.busy.has(key)) return;
    if (p.spec.nodeName && this.dead.has(p.spec.nodeName)) return;
    this.busy.add(key);
    try {
      await this.act(p);
    } catch (err) {
      if (!isNotFound(err) && !isConflict(err)) throw err;
    } finally {
      this.busy.delete(key);
    }
    // Changes that landed while busy are looked at again.
    const latest = this.informer.get(key);
    if (latest && latest.metadata.resourceVersion !== p.metadata.resourceVersion) void this.handle(latest);
  }

  private async act(p: PodObj): Promise<void> {
    const ns = p.metadata.namespace as string;
    const target = { apiVersion: 'v1', kind: 'Pod', namespace: ns };
    if (p.metadata.deletionTimestamp !== undefined) {
      await this.client.delete(target, p.metadata.name as string, { gracePeriodSeconds: 0, preconditions: { uid: p.metadata.uid } });
      return;
    }
    // A daemon pod names its node in its affinity: bind it there, as the scheduler would.
    const pinned = (p.spec.affinity as { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: Array<{ matchFields?: Array<{ values?: string[] }> }> } } } | undefined)
      ?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms?.[0]?.matchFields?.[0]?.values?.[0];
    if (!p.spec.nodeName && pinned !== undefined) {
      if (!this.dead.has(pinned)) await this.client.bind(ns, p.metadata.name as string, pinned, p.metadata.uid);
      return;
    }
    if (!p.spec.nodeName && this.nodes.length > 0) {
      const alive = this.nodes.filter((n) => !this.dead.has(n));
      if (alive.length === 0) return;
      const node = alive[this.next++ % alive.length] as string;
      await this.client.bind(ns, p.metadata.name as string, node, p.metadata.uid);
      return;
    }
    const fate = this.fate(p);
    if (fate === 'pending') return;
    const phase = fate === 'succeed' ? 'Succeeded' : fate === 'fail' ? 'Failed' : 'Running';
    const ready = fate === 'run' ? 'True' : 'False';
    const cur = p.status ?? {};
    const curReady = cur.conditions?.find((c) => c.type === 'Ready')?.status;
    if (cur.phase === phase && curReady === ready) return;
    const now = iso();
    const podIP = cur.podIP ?? `10.244.${Math.floor(this.ip / 250)}.${(this.ip++ % 250) + 2}`;
    await this.client.updateStatus({
      ...p,
      apiVersion: 'v1',
      kind: 'Pod',
      status: {
        ...cur,
        phase,
        podIP,
        podIPs: [{ ip: podIP }],
        startTime: cur.startTime ?? now,
        conditions: [
          { type: 'PodScheduled', status: 'True', lastTransitionTime: now },
          { type: 'Initialized', status: 'True', lastTransitionTime: now },
          { type: 'ContainersReady', status: ready, lastTransitionTime: now },
          { type: 'Ready', status: ready, lastTransitionTime: now },
        ],
      },
    });
  }
}

export interface NodeSpecLite {
  name: string;
  labels?: Record<string, string>;
  taints?: Array<{ key: string; value?: string; effect: string }>;
}

export function nodeObject(n: NodeSpecLite): KubeObject {
  const allocatable = { cpu: '4', memory: '8Gi', pods: '110' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: n.name, labels: { 'kubernetes.io/hostname': n.name, ...(n.labels ?? {}) } },
    spec: n.taints ? { taints: n.taints } : {},
    status: { capacity: allocatable, allocatable, conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: iso(), lastTransitionTime: iso() }] },
  };
}

export async function listPods(client: KiteClient, namespace = 'default', labelSelector?: string): Promise<PodObj[]> {
  return (await client.list<PodObj>({ apiVersion: 'v1', kind: 'Pod', namespace }, labelSelector ? { labelSelector } : {})).items;
}
