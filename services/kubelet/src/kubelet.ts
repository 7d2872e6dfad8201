import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { Informer, KiteApiError, KiteClient } from '@kite/client';
import { createMetricsRegistry, startHealthServer, StartupError, type HealthServer, type Logger } from '@kite/common';
import { ClusterLinkError, ImageCatalog, PodCIDRInUseError, ProcessRuntime } from '@kite/runtime';
import { Counter, Gauge, Histogram } from 'prom-client';
import { EventRecorder } from './events.js';
import { NodeAgent } from './node/node-agent.js';
import { nodeLabels } from './node/node-object.js';
import type { CompiledKubeletOptions } from './options.js';
import type { ConfigSource } from './pod/env.js';
import type { Service } from './pod/service-env.js';
import { StatusWriter } from './pod/status-writer.js';
import type { ConfigMap, Pod, Secret } from './pod/types.js';
import { PodWorkers } from './pod/workers.js';
import { startStreaming } from './streaming-start.js';
import { streamingLookups } from './streaming-lookup.js';
import { volumeOps } from './volume-ops.js';

export interface Kubelet {
  /** The streaming service's address (logs, exec, attach, port-forward), host:port. */
  streamingAddress: string;
  metricsAddress: string;
  /** Stops every pod gracefully, reports the node NotReady, and closes everything. */
  close(): Promise<void>;
}

const KUBELET_VERSION = 'v1.32.0-kite';

/** Wires the kubelet: runtime, caches, pod workers, streaming, node registration and heartbeats. */
export async function startKubelet(opts: CompiledKubeletOptions, log: Logger): Promise<Kubelet> {
  const podsDir = path.resolve(opts.rootDir, 'pods');
  await mkdir(podsDir, { recursive: true });
  const runtime = await ProcessRuntime.create({
    rootDir: path.resolve(opts.rootDir, 'runtime'),
    // Another kubelet with this node name (another `kite up`'s node-1) has another root dir;
    // kubeletHostNames gives tools the same names.
    instanceDir: path.resolve(opts.rootDir),
    nodeName: opts.nodeName,
    ...(opts.podCIDR !== undefined ? { podCIDR: opts.podCIDR } : {}),
    ...(opts.clusterCIDR !== undefined ? { clusterCIDR: opts.clusterCIDR } : {}),
    log: log.child({ component: 'runtime' }),
    logRotation: { maxBytes: opts.logMaxBytes, maxFiles: opts.logMaxFiles },
  }).catch((err: unknown) => {
    if (err instanceof PodCIDRInUseError) throw new StartupError(`--pod-cidr ${err.podCIDR}: interface ${err.iface} already has address ${err.address} in it (another cluster's node?); give this node a pod CIDR no interface uses`);
    if (err instanceof ClusterLinkError) throw new StartupError(`--cluster-cidr ${opts.clusterCIDR}: ${err.message}`);
    throw err;
  });
  const recovered = await runtime.recover();
  if (recovered.removedSandboxes.length > 0) log.info({ sandboxes: recovered.removedSandboxes.length }, 'removed what the previous run left');
  // One shared set of busybox applet links: ~260 symlinks (and a `busybox --list`) per container
  // clog the file-system thread pool when many pods start at once.
  const images = ImageCatalog.withDefaults({ sharedDir: path.resolve(opts.rootDir, 'images') });
  if (opts.imageCatalog !== undefined) await images.loadFile(opts.imageCatalog);

  const client = new KiteClient(opts.apiserver);
  const events = new EventRecorder(client, opts.nodeName, log);
  const status = new StatusWriter(client, log);
  const informerLog = log.child({ component: 'informer' });
  const configMaps = new Informer<ConfigMap>(client, { apiVersion: 'v1', kind: 'ConfigMap' }, {}, informerLog);
  const secrets = new Informer<Secret>(client, { apiVersion: 'v1', kind: 'Secret' }, {}, informerLog);
  const services = new Informer<Service>(client, { apiVersion: 'v1', kind: 'Service' }, {}, informerLog);
  const pods = new Informer<Pod>(client, { apiVersion: 'v1', kind: 'Pod' }, { fieldSelector: `spec.nodeName=${opts.nodeName}` }, informerLog);
  const config: ConfigSource = {
    configMap: (ns, name) => configMaps.get(`${ns}/${name}`),
    secret: (ns, name) => secrets.get(`${ns}/${name}`),
    services: (ns) => services.list().filter((svc) => svc.metadata.namespace === ns),
  };

  const metrics = createMetricsRegistry('kubelet');
  const podStart = new Histogram({
    name: 'kite_kubelet_pod_start_duration_seconds',
    help: "From a pod's creation to the kubelet first reporting it Running.",
    buckets: [0.05, 0.1, 0.15, 0.25, 0.5, 1, 2, 5, 10, 30],
    registers: [metrics],
  });
  const containerStarts = new Counter({ name: 'kite_kubelet_container_starts_total', help: 'Container instances started (restarts included).', registers: [metrics] });

  const workers = new PodWorkers(
    {
      nodeName: opts.nodeName,
      hostIP: opts.nodeIP,
      podsDir,
      backoff: opts.backoff,
      deps: { runtime, images, volumes: volumeOps },
      client,
      events,
      status,
      config,
      node: { cpuMillis: BigInt(opts.cpuMillis), memoryBytes: BigInt(opts.memoryBytes), ephemeralStorageBytes: 0n },
      log,
      metrics: { podStarted: (s) => podStart.observe(s), containerStarted: () => containerStarts.inc() },
    },
    log,
  );

  new Gauge({ name: 'kite_kubelet_pod_workers', help: 'Pods this kubelet is running or stopping.', registers: [metrics], collect() {
    this.set(workers.size);
  } });

  const { pods: podLookup, logs } = streamingLookups(workers);
  const streaming = await startStreaming({ listen: opts.streamingListen, runtime, pods: podLookup, logs, log });
  if (!['0.0.0.0', '::'].includes(opts.streamingListen.host) && opts.streamingListen.host !== opts.nodeIP)
    log.warn({ nodeIP: opts.nodeIP, streaming: streaming.address }, 'the apiserver dials --node-ip, where --streaming-listen does not listen: logs, exec and port-forward will fail');

  const node = new NodeAgent(
    client,
    {
      name: opts.nodeName,
      labels: nodeLabels(opts.nodeName, opts.labels),
      taints: opts.taints,
      ...(opts.podCIDR !== undefined ? { podCIDR: opts.podCIDR } : {}),
      cpuMillis: opts.cpuMillis,
      memoryBytes: opts.memoryBytes,
      pods: opts.pods,
      internalIP: opts.nodeIP,
      streamingPort: streaming.port,
      kubeletVersion: KUBELET_VERSION,
    },
    { leaseRenewMs: opts.leaseRenewMs, leaseDurationSeconds: opts.leaseDurationSeconds, statusUpdateMs: opts.statusUpdateMs, statusReportMs: opts.statusReportMs },
    podsDir,
    runtime.capabilities.limitations,
    events,
    log.child({ component: 'node' }),
  );

  let health: HealthServer | undefined;
  try {
    health = await startHealthServer({
      listen: opts.metricsListen,
      registry: metrics,
      liveness: {},
      readiness: {
        pods: () => (pods.hasSynced() ? undefined : 'the pod cache has not synced'),
        lease: () => (Date.now() - node.lastHeartbeat < opts.leaseRenewMs * 3 ? undefined : 'the node lease has not been renewed lately'),
      },
    });
    // The apiserver may not be up yet (or restarting): keep trying, as the kubelet does.
    for (let delay = 200; ; delay = Math.min(delay * 2, 5000)) {
      try {
        await node.register();
        break;
      } catch (err) {
        if (!(err instanceof KiteApiError && (err.code === 503 || err.code === 504))) throw err;
        log.warn({ err: err.message }, 'cannot register the node yet; retrying');
        await new Promise((r) => setTimeout(r, delay));
      }
    }
    node.start();

    configMaps.addEventHandler(configHandlers('ConfigMap', workers));
    secrets.addEventHandler(configHandlers('Secret', workers));
    configMaps.start();
    secrets.start();
    services.start();
    // Pods may read ConfigMaps, Secrets and Services as soon as they start.
    await Promise.all([configMaps.waitForSync(), secrets.waitForSync(), services.waitForSync()]);
    pods.addEventHandler({
      onAdd: (p) => workers.update(p),
      onUpdate: (_old, p) => workers.update(p),
      onDelete: (p) => workers.gone(p),
    });
    pods.start();
    await pods.waitForSync();
    await removeOrphans(podsDir, new Set(pods.list().map((p) => p.metadata.uid as string)), log);
  } catch (err) {
    pods.stop();
    configMaps.stop();
    secrets.stop();
    services.stop();
    await streaming.close();
    await health?.close();
    client.close();
    throw err;
  }

  log.info({ node: opts.nodeName, streaming: streaming.address, metrics: health.address, capabilities: runtime.capabilities }, 'kite-kubelet serving');
  const healthServer = health;
  return {
    streamingAddress: streaming.address,
    metricsAddress: health.address,
    async close() {
      pods.stop();
      await workers.shutdown();
      // The pods are stopped: leave nothing of this node on the machine (bridge, cgroups, leases).
      await runtime.destroy().catch((err: unknown) => log.warn({ err }, 'cannot remove everything the runtime created'));
      status.stop();
      await node.stop('kubelet is shutting down');
      await events.flush();
      configMaps.stop();
      secrets.stop();
      services.stop();
      await streaming.close();
      await healthServer.close();
      client.close();
    },
  };
}

function configHandlers<T extends ConfigMap | Secret>(kind: 'ConfigMap' | 'Secret', workers: PodWorkers): { onAdd(o: T): void; onUpdate(a: T, b: T): void; onDelete(o: T): void } {
  const changed = (o: T): void => workers.configChanged(kind, o.metadata.namespace as string, o.metadata.name as string);
  return { onAdd: changed, onUpdate: (_a, b) => changed(b), onDelete: changed };
}

/** Pod directories of pods that no longer exist (deleted while the kubelet was away). */
async function removeOrphans(podsDir: string, live: Set<string>, log: Logger): Promise<void> {
  for (const name of await readdir(podsDir).catch(() => [] as string[])) {
    const uid = name.split('_').pop() ?? '';
    if (live.has(uid)) continue;
    log.info({ dir: name }, 'removing the directory of a pod that is gone');
    await volumeOps.unmountUnder(path.join(podsDir, name)).catch(() => undefined);
    await rm(path.join(podsDir, name), { recursive: true, force: true }).catch(() => undefined);
  }
}
