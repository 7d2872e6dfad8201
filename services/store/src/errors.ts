import { status } from '@grpc/grpc-js';
import { GrpcError } from '@kite/common';

/**
 * etcd's client-visible errors, with its exact gRPC codes and messages: clients (etcdctl,
 * Kubernetes' storage layer) match on the text. Thrown at the source, returned as-is by the
 * gRPC handlers.
 */
export const EtcdErrors = {
  compacted: () => new GrpcError(status.OUT_OF_RANGE, 'etcdserver: mvcc: required revision has been compacted'),
  futureRev: () => new GrpcError(status.OUT_OF_RANGE, 'etcdserver: mvcc: required revision is a future revision'),
  leaseNotFound: () => new GrpcError(status.NOT_FOUND, 'etcdserver: requested lease not found'),
  leaseExists: () => new GrpcError(status.FAILED_PRECONDITION, 'etcdserver: lease already exists'),
  leaseTTLTooLarge: () => new GrpcError(status.OUT_OF_RANGE, 'etcdserver: too large lease TTL'),
  keyNotFound: () => new GrpcError(status.INVALID_ARGUMENT, 'etcdserver: key not found'),
  emptyKey: () => new GrpcError(status.INVALID_ARGUMENT, 'etcdserver: key is not provided'),
  valueProvided: () => new GrpcError(status.INVALID_ARGUMENT, 'etcdserver: value is provided'),
  leaseProvided: () => new GrpcError(status.INVALID_ARGUMENT, 'etcdserver: lease is provided'),
  tooManyOps: () => new GrpcError(status.INVALID_ARGUMENT, 'etcdserver: too many operations in txn request'),
  duplicateKey: () => new GrpcError(status.INVALID_ARGUMENT, 'etcdserver: duplicate key given in txn request'),
  requestTooLarge: () => new GrpcError(status.INVALID_ARGUMENT, 'etcdserver: request is too large'),
  invalidSortOption: () => new GrpcError(status.INVALID_ARGUMENT, 'etcdserver: invalid sort option'),
  stopped: () => new GrpcError(status.UNAVAILABLE, 'etcdserver: server stopped'),
} as const;
