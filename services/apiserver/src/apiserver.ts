import type { AddressInfo } from 'node:net';
import { kubernetesSchema } from '@kite/api';
import { bindGrpcServer, createGrpcServer, createMetricsRegistry, formatHostPort, healthHandler, shutdownGrpcServer, StartupError, type Logger } from '@kite/common';
import { loadKiteServices } from '@kite/proto';
import { EtcdStorage } from '@kite/storage';
import { nodeService } from './grpc/node-service.js';
import { objectService } from './grpc/object-service.js';
import { createApiHttpServer } from './http/server.js';
import type { CompiledApiServerOptions } from './options.js';
import { Registry } from './registry/registry.js';

export interface ApiServer {
  /** REST address, host:port. */
  address: string;
  /** kite.v1 gRPC address, host:port. */
  grpcAddress: string;
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
  let started = false;
  const health = healthHandler({
    registry: metrics,
    liveness: {},
    readiness: {
      'watch-caches': () => (started ? undefined : 'the watch caches have not loaded yet'),
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
    await registry.start({ host: a.address, port: a.port });
    started = true;
  } catch (err) {
    server.close();
    storage.close();
    throw err;
  }
  const grpcServer = createGrpcServer();
  const services = loadKiteServices();
  grpcServer.addService(services.ObjectService.service, objectService(registry, log));
  grpcServer.addService(services.NodeService.service, nodeService(registry, log));
  let grpcAddress: string;
  try {
    grpcAddress = formatHostPort(await bindGrpcServer(grpcServer, opts.grpcListen));
  } catch (err) {
    registry.stop();
    server.close();
    storage.close();
    throw err;
  }
  log.info({ address, grpcAddress, etcd: opts.etcdServers }, 'kite-apiserver serving');
  return {
    address,
    grpcAddress,
    registry,
    async close() {
      registry.stop();
      await shutdownGrpcServer(grpcServer, 2000);
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      storage.close();
    },
  };
}
