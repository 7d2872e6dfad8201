import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

/** Directory holding kite's etcd v3 subset (.proto files). */
export const etcdProtoDir = fileURLToPath(new URL('../etcd/', import.meta.url));

/**
 * Options every kite process uses for the etcd protos: field names as on the wire (TTL, ID,
 * grantedTTL), int64 as decimal strings (lease IDs use all 63 bits), bytes as Buffers, and
 * which member of a oneof is set.
 */
export const etcdLoaderOptions: protoLoader.Options = {
  keepCase: true,
  longs: String,
  enums: Number,
  bytes: Buffer,
  defaults: true,
  oneofs: true,
  includeDirs: [etcdProtoDir],
};

export interface EtcdServices {
  KV: grpc.ServiceClientConstructor;
  Watch: grpc.ServiceClientConstructor;
  Lease: grpc.ServiceClientConstructor;
  Cluster: grpc.ServiceClientConstructor;
  Maintenance: grpc.ServiceClientConstructor;
}

let cached: EtcdServices | undefined;

/** Loads the etcd v3 services once per process. */
export function loadEtcdServices(): EtcdServices {
  if (cached) return cached;
  const def = protoLoader.loadSync(['rpc.proto'], etcdLoaderOptions);
  const pkg = grpc.loadPackageDefinition(def) as unknown as { etcdserverpb: EtcdServices };
  cached = pkg.etcdserverpb;
  return cached;
}
