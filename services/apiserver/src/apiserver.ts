import type { AddressInfo } from 'node:net';
import { kubernetesSchema } from '@kite/api';
import { createMetricsRegistry, formatHostPort, healthHandler, StartupError, type Logger } from '@kite/common';
import { EtcdStorage } from '@kite/storage';
import { createApiHttpServer } from './http/server.js';
import type { CompiledApiServerOptions } from './options.js';
import { Registry } from './registry/registry.js';

export interface ApiServer {
  /** REST address, host:port. */
  address: string;
  registry: Registry;
  close(): Promise<void>;
}

export async function startApiServer(opts: CompiledApiServerOptions, log: Logger): Promise<ApiServer> {
  const storage = new EtcdStorage({ endpoints: opts.etcdServers });
  const metrics = createMetricsRegistry('apiserver');
  const registry = new Registry(storage, kubernetesSchema(), log, {
    watchCacheCapacity: opts.watchCacheSize,
    catchUpTimeoutMs: 3000,
    defaultTolerationSeconds: opts.defaultTolerationSeconds,
    serviceCIDR: opts.serviceCIDR,
  });
  let address = '';
  const health = healthHandler({
    registry: metrics,
    liveness: {},
    readiness: {
      etcd: async () => {
        await storage.status();
        return undefined;
      },
    },
  });
  const server = createApiHttpServer({ registry, log, metrics, kubernetesVersion: opts.kubernetesVersion, health, advertise: () => address });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new StartupError(`cannot listen on ${formatHostPort(opts.listen)}: the address is already in use`) : err),
    );
    server.listen(opts.listen.port, opts.listen.host, () => resolve());
  });
  const a = server.address() as AddressInfo;
  address = formatHostPort({ host: a.address, port: a.port });
  try {
    await registry.start();
  } catch (err) {
    server.close();
    storage.close();
    throw err;
  }
  log.info({ address, etcd: opts.etcdServers }, 'kite-apiserver serving');
  return {
    address,
    registry,
    async close() {
      registry.stop();
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      storage.close();
    },
  };
}
