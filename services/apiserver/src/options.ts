import { OptionsError, parseHostPort, type HostPort } from '@kite/common';

/** kite-apiserver's settings as given on the command line or in the environment. */
export interface ApiServerOptions {
  /** etcd v3 endpoints (kite-store or a real etcd cluster), comma-separated. Default http://127.0.0.1:2379. */
  etcdServers?: string;
  /** Kubernetes REST address (kubectl). Default 127.0.0.1:6443; port 0 picks a free port. */
  listen?: string;
  /** kite.v1 gRPC address for kite's own components. Default 127.0.0.1:6444. */
  grpcListen?: string;
  /** The Kubernetes release `/version` reports (kubectl's dispatcher picks its binary by it). Default 1.32.0. */
  kubernetesVersion?: string;
  /** Where ClusterIPs come from. Default 10.96.0.0/12. */
  serviceClusterIpRange?: string;
  /** Seconds pods tolerate a not-ready or unreachable node by default. Default 300. */
  defaultTolerationSeconds?: number | string;
  /** Changes each resource's watch cache keeps for resuming watches. Default 4096. */
  watchCacheSize?: number | string;
}

export interface CompiledApiServerOptions {
  etcdServers: string[];
  listen: HostPort;
  grpcListen: HostPort;
  kubernetesVersion: { major: string; minor: string; gitVersion: string };
  serviceCIDR: string;
  defaultTolerationSeconds: number;
  watchCacheSize: number;
}

function nonNegativeInt(flag: string, v: number | string | undefined, dflt: number): number {
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new OptionsError(`--${flag} must be a non-negative integer, got ${JSON.stringify(v)}`);
  return n;
}

function hostPort(flag: string, v: string): HostPort {
  try {
    return parseHostPort(v);
  } catch (err) {
    throw new OptionsError(`--${flag}: ${(err as Error).message}`);
  }
}

export function compileApiServerOptions(o: ApiServerOptions): CompiledApiServerOptions {
  const etcdServers = (o.etcdServers ?? 'http://127.0.0.1:2379')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (etcdServers.length === 0) throw new OptionsError('--etcd-servers needs at least one endpoint');
  for (const e of etcdServers) {
    if (!/^(https?:\/\/)?[^/:]+:\d+\/?$/.test(e)) throw new OptionsError(`--etcd-servers: ${JSON.stringify(e)} is not http://host:port`);
    if (e.startsWith('https://')) throw new OptionsError(`--etcd-servers: TLS is not supported yet (${e})`);
  }
  const version = o.kubernetesVersion ?? '1.32.0';
  const m = /^v?(1)\.(\d+)\.(\d+)$/.exec(version);
  if (!m) throw new OptionsError(`--kubernetes-version must look like 1.32.0, got ${JSON.stringify(version)}`);
  const cidr = o.serviceClusterIpRange ?? '10.96.0.0/12';
  if (!/^\d+\.\d+\.\d+\.\d+\/(\d|[12]\d|3[0-2])$/.test(cidr)) throw new OptionsError(`--service-cluster-ip-range must be an IPv4 CIDR, got ${JSON.stringify(cidr)}`);
  return {
    etcdServers,
    listen: hostPort('listen', o.listen ?? '127.0.0.1:6443'),
    grpcListen: hostPort('grpc-listen', o.grpcListen ?? '127.0.0.1:6444'),
    kubernetesVersion: { major: m[1] as string, minor: m[2] as string, gitVersion: `v${m[1]}.${m[2]}.${m[3]}-kite` },
    serviceCIDR: cidr,
    defaultTolerationSeconds: nonNegativeInt('default-toleration-seconds', o.defaultTolerationSeconds, 300),
    watchCacheSize: Math.max(1, nonNegativeInt('watch-cache-size', o.watchCacheSize, 4096)),
  };
}
