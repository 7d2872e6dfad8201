import { KindIndex, type KindDef, type SchemaRegistry } from '@kite/api';
import type { Logger } from '@kite/common';
import type { EtcdStorage } from '@kite/storage';
import { ApiError } from '../errors.js';
import { configMapHooks, namespaceHooks, secretHooks, serviceHooks } from './hooks/core.js';
import { podHooks } from './hooks/pod.js';
import { ServiceIPs } from './hooks/service-ips.js';
import { controllerRevisionHooks, daemonSetHooks, deploymentHooks, jobHooks, replicaSetHooks, statefulSetHooks } from './hooks/workloads.js';
import { NamespaceLifecycle, SYSTEM_NAMESPACES } from './namespaces.js';
import { Resource } from './resource.js';
import { schemaCheck } from './schema-check.js';
import { Strategy, type KindHooks } from './strategy.js';

export interface RegistryOptions {
  watchCacheCapacity: number;
  catchUpTimeoutMs: number;
  defaultTolerationSeconds: number;
  serviceCIDR: string;
}

/** Every resource kite serves, behind one create/update/delete path. */
export class Registry {
  readonly kinds: KindIndex;
  private readonly byKind = new Map<KindDef, Resource>();
  private readonly ips: ServiceIPs;

  constructor(
    readonly storage: EtcdStorage,
    readonly schema: SchemaRegistry,
    private readonly log: Logger,
    opts: RegistryOptions,
  ) {
    this.kinds = new KindIndex();
    const lifecycle = new NamespaceLifecycle(() => this.forKind('v1', 'Namespace'));
    const check = schemaCheck(schema);
    const ips = (this.ips = new ServiceIPs(opts.serviceCIDR, () => this.forKind('v1', 'Service').cache.snapshot().items));
    const hooks: Record<string, KindHooks> = {
      Namespace: namespaceHooks,
      Pod: podHooks({ defaultTolerationSeconds: opts.defaultTolerationSeconds }),
      ConfigMap: configMapHooks,
      Secret: secretHooks,
      Service: serviceHooks(ips),
      Deployment: deploymentHooks,
      ReplicaSet: replicaSetHooks,
      DaemonSet: daemonSetHooks,
      StatefulSet: statefulSetHooks,
      ControllerRevision: controllerRevisionHooks,
      Job: jobHooks,
    };
    for (const k of this.kinds.kinds) {
      const r = new Resource(k, new Strategy(k, hooks[k.kind]), storage, check, lifecycle, log, {
        capacity: opts.watchCacheCapacity,
        catchUpTimeoutMs: opts.catchUpTimeoutMs,
      });
      this.byKind.set(k, r);
    }
  }

  resource(group: string, version: string, resource: string): Resource | undefined {
    const k = this.kinds.resource(group, version, resource);
    return k === undefined ? undefined : this.byKind.get(k);
  }

  forKind(apiVersion: string, kind: string): Resource {
    const k = this.kinds.kind(apiVersion, kind);
    const r = k === undefined ? undefined : this.byKind.get(k);
    if (r === undefined) throw new Error(`no resource for ${apiVersion} ${kind}`);
    return r;
  }

  all(): Resource[] {
    return [...this.byKind.values()];
  }

  /**
   * Waits for every watch cache, then creates the system namespaces and the `kubernetes`
   * service (pointing at `apiserver`, host:port).
   */
  async start(apiserver: { host: string; port: number }): Promise<void> {
    await Promise.all(this.all().map((r) => r.cache.ready));
    const ns = this.forKind('v1', 'Namespace');
    for (const name of SYSTEM_NAMESPACES) {
      try {
        await ns.create(undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, { dryRun: false, fieldValidation: 'Strict' });
        this.log.info({ namespace: name }, 'created system namespace');
      } catch (err) {
        if (!(err instanceof ApiError && err.reason === 'AlreadyExists')) throw err;
      }
    }
    await this.ensureKubernetesService(apiserver);
  }

  /** The `default/kubernetes` Service and its Endpoints, as every cluster has them. */
  private async ensureKubernetesService(apiserver: { host: string; port: number }): Promise<void> {
    const opts = { dryRun: false, fieldValidation: 'Strict' as const };
    const labels = { component: 'apiserver', provider: 'kubernetes' };
    const ignoreExisting = (err: unknown): void => {
      if (!(err instanceof ApiError && err.reason === 'AlreadyExists')) throw err;
    };
    await this.forKind('v1', 'Service')
      .create(
        'default',
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: 'kubernetes', namespace: 'default', labels },
          spec: { clusterIP: this.ips.first(), ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: apiserver.port }], sessionAffinity: 'None', type: 'ClusterIP' },
        },
        opts,
      )
      .catch(ignoreExisting);
    const endpoints = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'kubernetes', namespace: 'default', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
      subsets: [{ addresses: [{ ip: apiserver.host }], ports: [{ name: 'https', port: apiserver.port, protocol: 'TCP' }] }],
    };
    const ep = this.forKind('v1', 'Endpoints');
    try {
      await ep.create('default', endpoints, opts);
    } catch (err) {
      ignoreExisting(err);
      // A restarted apiserver may listen elsewhere: point the endpoints at it.
      await ep.update('default', 'kubernetes', undefined, (cur) => ({ ...cur, subsets: endpoints.subsets }), opts);
    }
  }

  stop(): void {
    for (const r of this.all()) r.cache.stop();
  }
}
