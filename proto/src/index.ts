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

/** Directory holding the kite.v1 service definitions. */
export const kiteProtoDir = fileURLToPath(new URL('../kite/', import.meta.url));

export const kiteLoaderOptions: protoLoader.Options = {
  keepCase: true,
  longs: Number,
  enums: String,
  bytes: Buffer,
  defaults: true,
  oneofs: true,
  includeDirs: [kiteProtoDir],
};

export interface KiteServices {
  ObjectService: grpc.ServiceClientConstructor;
  NodeService: grpc.ServiceClientConstructor;
}

let kiteCached: KiteServices | undefined;

/** Loads the kite.v1 services once per process. */
export function loadKiteServices(): KiteServices {
  if (kiteCached) return kiteCached;
  const def = protoLoader.loadSync(['v1/objects.proto', 'v1/nodes.proto'], kiteLoaderOptions);
  const pkg = grpc.loadPackageDefinition(def) as unknown as { kite: { v1: KiteServices } };
  kiteCached = pkg.kite.v1;
  return kiteCached;
}

export interface KubeletServices {
  KubeletStreaming: grpc.ServiceClientConstructor;
}

let kubeletCached: KubeletServices | undefined;

/** Loads the kubelet's streaming service (logs, exec, attach, port-forward) once per process. */
export function loadKubeletServices(): KubeletServices {
  if (kubeletCached) return kubeletCached;
  const def = protoLoader.loadSync(['v1/kubelet.proto'], kiteLoaderOptions);
  const pkg = grpc.loadPackageDefinition(def) as unknown as { kite: { v1: KubeletServices } };
  kubeletCached = pkg.kite.v1;
  return kubeletCached;
}

/** kite.v1 KubeletStreaming messages as grpc-js hands them over (kubelet.proto, keepCase). */
export interface KubeletContainerRef {
  namespace: string;
  pod: string;
  container: string;
}

export interface KubeletLogsRequest {
  target?: KubeletContainerRef;
  follow?: boolean;
  tail_lines?: number;
  since_time?: string;
  timestamps?: boolean;
  previous?: boolean;
  limit_bytes?: number;
}

export interface KubeletExecStart {
  target?: KubeletContainerRef;
  command?: string[];
  tty?: boolean;
  stdin?: boolean;
  stdout?: boolean;
  stderr?: boolean;
}

/** Exactly one member is set (`frame` names it on received messages). */
export interface KubeletExecFrame {
  start?: KubeletExecStart;
  stdin?: Buffer;
  stdin_eof?: boolean;
  resize?: { width: number; height: number };
  started?: boolean;
  stdout?: Buffer;
  stderr?: Buffer;
  exit_code?: number;
  frame?: string;
}

export interface KubeletPortForwardFrame {
  start?: { namespace: string; pod: string; port: number };
  connected?: boolean;
  data?: Buffer;
  eof?: boolean;
  frame?: string;
}
