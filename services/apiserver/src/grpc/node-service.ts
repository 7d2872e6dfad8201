import type * as grpc from '@grpc/grpc-js';
import type { Logger } from '@kite/common';
import { ApiError, badRequest } from '../errors.js';
import type { KObject } from '../object.js';
import type { Registry } from '../registry/registry.js';
import { toGrpcError } from './object-service.js';

/** metav1.MicroTime now: RFC 3339 with real microseconds, so two beats in one millisecond differ. */
export function microTimeNow(): string {
  const micros = Math.floor((performance.timeOrigin + performance.now()) * 1000);
  const d = new Date(Math.floor(micros / 1000));
  return d.toISOString().replace(/\.\d{3}Z$/, `.${String(micros % 1_000_000).padStart(6, '0')}Z`);
}

/**
 * kite.v1 NodeService: a heartbeat renews the node's Lease in kube-node-lease (creating it on
 * the first beat), which is what the node lifecycle controller reads, as with Kubernetes.
 */
export function nodeService(registry: Registry, log: Logger): grpc.UntypedServiceImplementation {
  const leases = registry.forKind('coordination.k8s.io/v1', 'Lease');
  const renew = async (node: string, duration: number): Promise<KObject> => {
    const now = microTimeNow();
    try {
      return await leases.update(
        'kube-node-lease',
        node,
        undefined,
        (cur) => {
          const spec = (cur.spec ?? {}) as Record<string, unknown>;
          cur.spec = { ...spec, holderIdentity: node, leaseDurationSeconds: duration, renewTime: now };
          return cur;
        },
        { dryRun: false, fieldValidation: 'Strict' },
      );
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 404)) throw err;
      const lease: KObject = {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: node, namespace: 'kube-node-lease' },
        spec: { holderIdentity: node, leaseDurationSeconds: duration, renewTime: now },
      };
      // The Node owns its lease, so deleting the Node removes it.
      try {
        const n = await registry.forKind('v1', 'Node').get(undefined, node);
        lease.metadata.ownerReferences = [{ apiVersion: 'v1', kind: 'Node', name: node, uid: n.metadata.uid }];
      } catch (e) {
        if (!(e instanceof ApiError && e.code === 404)) throw e;
      }
      try {
        return await leases.create('kube-node-lease', lease, { dryRun: false, fieldValidation: 'Strict' });
      } catch (e) {
        // Another beat created it first: renew that one.
        if (e instanceof ApiError && e.reason === 'AlreadyExists') return renew(node, duration);
        throw e;
      }
    }
  };
  return {
    Heartbeat: (call: grpc.ServerUnaryCall<{ node_name: string; lease_duration_seconds: number }, unknown>, cb: grpc.sendUnaryData<unknown>) => {
      const { node_name: node, lease_duration_seconds: duration } = call.request;
      const run = async (): Promise<unknown> => {
        if (!node) throw badRequest('node_name is required');
        const lease = await renew(node, duration > 0 ? duration : 40);
        return { renew_time: (lease.spec as { renewTime: string }).renewTime, resource_version: lease.metadata.resourceVersion };
      };
      run().then(
        (res) => cb(null, res),
        (err: unknown) => cb(toGrpcError(err, log)),
      );
    },
  };
}
