import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { KiteClient } from '@kite/client';
import type { ContainerInfo, ContainerSpec, ExitStatus, Runtime, Sandbox } from '@kite/runtime';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { ImageResolver } from '../deps.js';
import { EventRecorder } from '../events.js';
import { volumeOps } from '../volume-ops.js';
import type { WorkerContext } from './context.js';
import { StatusWriter } from './status-writer.js';
import type { Container, Pod, PodStatus } from './types.js';
import { PodWorkers } from './workers.js';

/** How each fake container behaves: exit with a code after some ms, or run until stopped. */
type Script = { exitCode: number; afterMs: number } | 'forever';

class FakeRuntime implements Runtime {
  readonly capabilities = { network: true, mounts: false, pid: true, memoryLimits: false, cpuQuota: false, limitations: [] };
  readonly started: ContainerSpec[] = [];
  readonly stopped: Array<{ id: string; graceMs: number }> = [];
  readonly removed: string[] = [];
  private readonly exits = new Map<string, { promise: Promise<ExitStatus>; resolve: (e: ExitStatus) => void }>();
  constructor(private readonly script: (spec: ContainerSpec) => Script) {}
  async createSandbox(spec: { uid: string }): Promise<Sandbox> {
    return { uid: spec.uid, ip: '10.9.0.2', dir: '/nonexistent', isolated: true };
  }
  async removeSandbox(uid: string): Promise<void> {
    this.removed.push(uid);
  }
  async start(spec: ContainerSpec): Promise<ContainerInfo> {
    const id = `${spec.sandbox.uid}/${spec.name}/${spec.attempt}`;
    this.started.push(spec);
    let resolve!: (e: ExitStatus) => void;
    const promise = new Promise<ExitStatus>((r) => (resolve = r));
    this.exits.set(id, { promise, resolve });
    const s = this.script(spec);
    if (s !== 'forever') setTimeout(() => resolve({ exitCode: s.exitCode, reason: s.exitCode === 0 ? 'Completed' : 'Error', finishedAt: new Date() }), s.afterMs);
    return { id, pid: 1, startedAt: new Date() };
  }
  wait(id: string): Promise<ExitStatus> {
    return (this.exits.get(id) as { promise: Promise<ExitStatus> }).promise;
  }
  async stop(id: string, graceMs: number): Promise<ExitStatus> {
    this.stopped.push({ id, graceMs });
    const e = this.exits.get(id) as { promise: Promise<ExitStatus>; resolve: (e: ExitStatus) => void };
    e.resolve({ exitCode: 143, signal: 'SIGTERM', reason: 'Error', finishedAt: new Date() });
    return e.promise;
  }
  exec(): never {
    throw new Error('no exec in the fake');
  }
  connect(): never {
    throw new Error('no connect in the fake');
  }
  async recover(): Promise<{ removedSandboxes: string[] }> {
    return { removedSandboxes: [] };
  }
}

/** A KiteClient stand-in that keeps the statuses written and the deletes confirmed. */
function fakeClient(): { client: KiteClient; statuses: PodStatus[]; deletes: unknown[]; events: string[] } {
  const statuses: PodStatus[] = [];
  const deletes: unknown[] = [];
  const events: string[] = [];
  let rv = 100;
  const client = {
    async updateStatus(p: Pod) {
      statuses.push(structuredClone(p.status as PodStatus));
      return { ...p, metadata: { ...p.metadata, resourceVersion: String(++rv) } };
    },
    async delete(_t: unknown, name: string, o: unknown) {
      deletes.push({ name, ...(o as object) });
      return {};
    },
    async create(o: { reason: string }) {
      events.push(o.reason);
      return o;
    },
    async patch() {
      return {};
    },
  } as unknown as KiteClient;
  return { client, statuses, deletes, events };
}

const images: ImageResolver = {
  async resolve(image) {
    if (image.startsWith('nope')) throw new Error(`image ${image} is not in the catalog; available: busybox`);
    return { image: `docker.io/library/${image}:latest`, entrypoint: ['sh'], cmd: [], env: {}, mounts: [], pathPrefix: [] };
  },
};

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function setup(script: (spec: ContainerSpec) => Script) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'kite-worker-'));
  dirs.push(dir);
  const runtime = new FakeRuntime(script);
  const fc = fakeClient();
  const log = pino({ level: 'silent' });
  const ctx: WorkerContext = {
    nodeName: 'n1',
    hostIP: '127.0.0.1',
    podsDir: dir,
    backoff: { initialMs: 30, maxMs: 60, resetAfterMs: 60_000 },
    deps: { runtime, images, volumes: volumeOps },
    client: fc.client,
    events: new EventRecorder(fc.client, 'n1', log),
    status: new StatusWriter(fc.client, log, 10),
    config: { configMap: () => undefined, secret: () => undefined },
    node: { cpuMillis: 1000n, memoryBytes: 1n << 30n, ephemeralStorageBytes: 0n },
    log,
  };
  return { runtime, ...fc, workers: new PodWorkers(ctx, log) };
}

function pod(containers: Container[], extra: Partial<Pod['spec']> = {}): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', uid: 'uid-1', resourceVersion: '1' }, spec: { nodeName: 'n1', containers, ...extra } };
}

async function until<T>(what: string, f: () => T | undefined, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const last = (s: PodStatus[]): PodStatus => s[s.length - 1] as PodStatus;

describe('pod worker', () => {
  it('runs init containers first, then the app; a delete stops it within the grace period and confirms', async () => {
    const t = await setup((spec) => (spec.name === 'init' ? { exitCode: 0, afterMs: 5 } : 'forever'));
    const p = pod([{ name: 'app', image: 'busybox', command: ['sleep', '1000'] }], { initContainers: [{ name: 'init', image: 'busybox', command: ['true'] }] });
    t.workers.update(p);
    const running = await until('Running', () => (last(t.statuses)?.phase === 'Running' ? last(t.statuses) : undefined));
    expect(t.runtime.started.map((s) => s.name)).toEqual(['init', 'app']);
    expect(t.runtime.started[1]?.argv).toEqual(['sleep', '1000']);
    expect(running.initContainerStatuses?.[0]?.state.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(running.containerStatuses?.[0]).toMatchObject({ ready: true, started: true, restartCount: 0, containerID: 'kite://uid-1/app/0', image: 'docker.io/library/busybox:latest' });
    expect(running.podIP).toBe('10.9.0.2');

    t.workers.update({ ...p, metadata: { ...p.metadata, resourceVersion: '2', deletionTimestamp: new Date().toISOString(), deletionGracePeriodSeconds: 7 } });
    await until('the delete to be confirmed', () => (t.deletes.length > 0 ? true : undefined));
    expect(t.deletes).toEqual([{ name: 'p', gracePeriodSeconds: 0, preconditions: { uid: 'uid-1' } }]);
    expect(t.runtime.stopped[0]?.id).toBe('uid-1/app/0');
    expect(t.runtime.stopped[0]?.graceMs).toBeGreaterThan(6000);
    expect(t.runtime.removed).toContain('uid-1');
    expect(t.workers.size).toBe(0);
  });

  it('a crashing container restarts with back-off, shown as CrashLoopBackOff with restartCount rising', async () => {
    const t = await setup(() => ({ exitCode: 2, afterMs: 1 }));
    t.workers.update(pod([{ name: 'app', image: 'busybox' }]));
    const s = await until('CrashLoopBackOff after 2 restarts', () => {
      const x = last(t.statuses)?.containerStatuses?.[0];
      return x?.state.waiting?.reason === 'CrashLoopBackOff' && x.restartCount >= 2 ? x : undefined;
    });
    expect(s.lastState.terminated).toMatchObject({ exitCode: 2, reason: 'Error' });
    expect(s.state.waiting?.message).toMatch(/^back-off \d+s restarting failed container=app pod=p_default\(uid-1\)$/);
    expect(t.runtime.started.map((x) => x.attempt).slice(0, 3)).toEqual([0, 1, 2]);
    expect(t.runtime.started.map((x) => path.basename(x.logPath)).slice(0, 3)).toEqual(['0.log', '1.log', '2.log']);
    t.workers.gone(pod([]));
  });

  it('restartPolicy Never: a failed container ends the pod Failed and frees the sandbox', async () => {
    const t = await setup(() => ({ exitCode: 1, afterMs: 1 }));
    t.workers.update(pod([{ name: 'app', image: 'busybox' }], { restartPolicy: 'Never' }));
    await until('Failed', () => (last(t.statuses)?.phase === 'Failed' && t.runtime.removed.length > 0 ? true : undefined));
    expect(t.runtime.started).toHaveLength(1);
    t.workers.gone(pod([]));
  });

  it('an image the catalog lacks is ErrImagePull, then ImagePullBackOff with the catalog message', async () => {
    const t = await setup(() => 'forever');
    t.workers.update(pod([{ name: 'app', image: 'nope/ghost' }]));
    const w = await until('ImagePullBackOff', () => {
      const x = last(t.statuses)?.containerStatuses?.[0]?.state.waiting;
      return x?.reason === 'ImagePullBackOff' ? x : undefined;
    });
    expect(w.message).toBe('Back-off pulling image "nope/ghost": ErrImagePull: image nope/ghost is not in the catalog; available: busybox');
    expect(t.statuses.some((s) => s.containerStatuses?.[0]?.state.waiting?.reason === 'ErrImagePull')).toBe(true);
    expect(last(t.statuses).phase).toBe('Pending');
    t.workers.gone(pod([]));
  });

  it('a missing ConfigMap key is CreateContainerConfigError', async () => {
    const t = await setup(() => 'forever');
    t.workers.update(pod([{ name: 'app', image: 'busybox', env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'k' } } }] }]));
    const w = await until('CreateContainerConfigError', () => {
      const x = last(t.statuses)?.containerStatuses?.[0]?.state.waiting;
      return x?.reason === 'CreateContainerConfigError' ? x : undefined;
    });
    expect(w.message).toBe('configmap "cfg" not found');
    t.workers.gone(pod([]));
  });

  it('a changed image restarts its container, even under restartPolicy Never', async () => {
    const t = await setup(() => 'forever');
    const p = pod([{ name: 'app', image: 'busybox' }], { restartPolicy: 'Never' });
    t.workers.update(p);
    await until('Running', () => (last(t.statuses)?.phase === 'Running' ? true : undefined));
    t.workers.update({ ...p, metadata: { ...p.metadata, resourceVersion: '5' }, spec: { ...p.spec, containers: [{ name: 'app', image: 'python' }] } });
    const s = await until('the new image running', () => {
      const x = last(t.statuses)?.containerStatuses?.[0];
      return x?.image === 'docker.io/library/python:latest' && x.state.running !== undefined ? x : undefined;
    });
    expect(s.restartCount).toBe(1);
    expect(t.runtime.stopped.map((x) => x.id)).toEqual(['uid-1/app/0']);
    t.workers.gone(p);
  });

  it('a sidecar starts in init order, runs beside the app, counts for READY and stops after the app', async () => {
    const t = await setup((spec) => (spec.name === 'setup' ? { exitCode: 0, afterMs: 5 } : 'forever'));
    const sidecar = { name: 'proxy', image: 'busybox', restartPolicy: 'Always' };
    const p = pod([{ name: 'app', image: 'busybox' }], { initContainers: [sidecar, { name: 'setup', image: 'busybox' }] });
    t.workers.update(p);
    const s = await until('Ready', () => (last(t.statuses)?.conditions?.find((c) => c.type === 'Ready')?.status === 'True' ? last(t.statuses) : undefined));
    expect(t.runtime.started.map((x) => x.name)).toEqual(['proxy', 'setup', 'app']);
    expect(s.phase).toBe('Running');
    expect(s.initContainerStatuses?.[0]).toMatchObject({ name: 'proxy', ready: true, started: true });
    expect(s.initContainerStatuses?.[0]?.state.running).toBeDefined();

    t.workers.update({ ...p, metadata: { ...p.metadata, resourceVersion: '2', deletionTimestamp: new Date().toISOString(), deletionGracePeriodSeconds: 7 } });
    await until('the delete to be confirmed', () => (t.deletes.length > 0 ? true : undefined));
    expect(t.runtime.stopped.map((x) => x.id)).toEqual(['uid-1/app/0', 'uid-1/proxy/0']);
    expect(t.runtime.stopped[1]?.graceMs).toBeGreaterThan(5000);
  });

  it('the next init container waits for a sidecar\'s startup probe', async () => {
    const t = await setup((spec) => (spec.name === 'setup' ? { exitCode: 0, afterMs: 5 } : 'forever'));
    const server = net.createServer((sock) => sock.destroy());
    const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
    await new Promise((resolve) => server.close(resolve));
    const startupProbe = { tcpSocket: { host: '127.0.0.1', port }, periodSeconds: 1, failureThreshold: 30 };
    const p = pod([{ name: 'app', image: 'busybox' }], { initContainers: [{ name: 'proxy', image: 'busybox', restartPolicy: 'Always', startupProbe }, { name: 'setup', image: 'busybox' }] });
    t.workers.update(p);
    await until('a failed startup probe', () => (t.events.includes('Unhealthy') ? true : undefined));
    expect(t.runtime.started.map((x) => x.name)).toEqual(['proxy']);
    expect(last(t.statuses).initContainerStatuses?.[0]).toMatchObject({ started: false });
    server.listen(port, '127.0.0.1');
    try {
      await until('setup and app to start', () => (t.runtime.started.length === 3 ? true : undefined));
      expect(t.runtime.started.map((x) => x.name)).toEqual(['proxy', 'setup', 'app']);
    } finally {
      server.close();
      t.workers.gone(p);
    }
  });

  it('a sidecar that exits is restarted even under restartPolicy Never', async () => {
    const t = await setup((spec) => (spec.name === 'proxy' && spec.attempt === 0 ? { exitCode: 1, afterMs: 5 } : 'forever'));
    const p = pod([{ name: 'app', image: 'busybox' }], { restartPolicy: 'Never', initContainers: [{ name: 'proxy', image: 'busybox', restartPolicy: 'Always' }] });
    t.workers.update(p);
    const s = await until('the second instance running', () => {
      const x = last(t.statuses)?.initContainerStatuses?.[0];
      return x?.restartCount === 1 && x.state.running !== undefined ? x : undefined;
    });
    expect(s.lastState.terminated).toMatchObject({ exitCode: 1 });
    expect(last(t.statuses).phase).toBe('Running');
    t.workers.gone(p);
  });

  it('a Job-like pod ends Succeeded when its app exits 0, the kubelet stopping the sidecar', async () => {
    const t = await setup((spec) => (spec.name === 'app' ? { exitCode: 0, afterMs: 20 } : 'forever'));
    const p = pod([{ name: 'app', image: 'busybox' }], { restartPolicy: 'Never', initContainers: [{ name: 'proxy', image: 'busybox', restartPolicy: 'Always' }] });
    t.workers.update(p);
    const s = await until('Succeeded', () => (last(t.statuses)?.phase === 'Succeeded' ? last(t.statuses) : undefined));
    expect(t.runtime.stopped.map((x) => x.id)).toEqual(['uid-1/proxy/0']);
    expect(s.containerStatuses?.[0]?.state.terminated?.exitCode).toBe(0);
    expect(s.initContainerStatuses?.[0]?.state.terminated).toBeDefined();
    await until('the sandbox freed', () => (t.runtime.removed.includes('uid-1') ? true : undefined));
    expect(t.deletes).toEqual([]);
    t.workers.gone(p);
  });

  it('activeDeadlineSeconds: the containers are stopped and the pod Failed with DeadlineExceeded, not deleted', async () => {
    const t = await setup(() => 'forever');
    const p = pod([{ name: 'app', image: 'busybox' }], { activeDeadlineSeconds: 1, terminationGracePeriodSeconds: 3 });
    t.workers.update(p);
    await until('Running', () => (last(t.statuses)?.phase === 'Running' ? true : undefined));
    const s = await until('Failed', () => (last(t.statuses)?.phase === 'Failed' ? last(t.statuses) : undefined), 10_000);
    expect(s).toMatchObject({ reason: 'DeadlineExceeded', message: 'Pod was active on the node longer than the specified deadline' });
    expect(s.containerStatuses?.[0]?.state.terminated).toBeDefined();
    expect(t.runtime.stopped.map((x) => x.id)).toEqual(['uid-1/app/0']);
    expect(t.runtime.stopped[0]?.graceMs).toBeGreaterThan(2000);
    expect(t.runtime.started).toHaveLength(1);
    await until('the sandbox freed', () => (t.runtime.removed.includes('uid-1') ? true : undefined));
    expect(t.events).toContain('DeadlineExceeded');
    expect(t.deletes).toEqual([]);
    expect(t.workers.size).toBe(1);
    t.workers.gone(p);
  });

  it('a force-deleted pod is stopped with no grace and not confirmed', async () => {
    const t = await setup(() => 'forever');
    const p = pod([{ name: 'app', image: 'busybox' }], { terminationGracePeriodSeconds: 60 });
    t.workers.update(p);
    await until('Running', () => (last(t.statuses)?.phase === 'Running' ? true : undefined));
    t.workers.gone(p);
    await until('the worker to finish', () => (t.workers.size === 0 ? true : undefined));
    expect(t.runtime.stopped[0]?.graceMs).toBe(0);
    expect(t.deletes).toEqual([]);
  });
});
