import * as grpc from '@grpc/grpc-js';
import { loadEtcdServices } from '@kite/proto';

/** A raw etcd v3 client over kite's protos: the same bytes to kite-store and to a real etcd. */
export interface RawEtcd {
  call<T = any>(service: 'KV' | 'Lease' | 'Maintenance' | 'Cluster', method: string, req: object): Promise<T>;
  watch(): grpc.ClientDuplexStream<object, any>;
  keepAlive(): grpc.ClientDuplexStream<object, any>;
  close(): void;
}

export function rawEtcd(endpoint: string): RawEtcd {
  const svc = loadEtcdServices();
  const creds = grpc.credentials.createInsecure();
  const clients = {
    KV: new svc.KV(endpoint, creds),
    Watch: new svc.Watch(endpoint, creds),
    Lease: new svc.Lease(endpoint, creds),
    Maintenance: new svc.Maintenance(endpoint, creds),
    Cluster: new svc.Cluster(endpoint, creds),
  };
  return {
    call(service, method, req) {
      const client = clients[service] as unknown as Record<string, (r: object, cb: (e: grpc.ServiceError | null, res: any) => void) => void>;
      const fn = client[method];
      if (!fn) throw new Error(`no method ${service}.${method}`);
      return new Promise((resolve, reject) => fn.call(client, req, (err, res) => (err ? reject(err) : resolve(res))));
    },
    watch: () => (clients.Watch as unknown as { Watch(): grpc.ClientDuplexStream<object, any> }).Watch(),
    keepAlive: () => (clients.Lease as unknown as { LeaseKeepAlive(): grpc.ClientDuplexStream<object, any> }).LeaseKeepAlive(),
    close: () => Object.values(clients).forEach((c) => c.close()),
  };
}
