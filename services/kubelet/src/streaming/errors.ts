import * as grpc from '@grpc/grpc-js';
import { GrpcError } from '@kite/common';
import { LookupError } from '../streaming-contract.js';

const CODES: Record<LookupError['code'], grpc.status> = {
  NotFound: grpc.status.NOT_FOUND,
  NotRunning: grpc.status.FAILED_PRECONDITION,
  ContainerRequired: grpc.status.INVALID_ARGUMENT,
};

/**
 * A failure as the gRPC status the apiserver maps back to a Kubernetes Status: lookups keep
 * their user-facing message; anything unexpected becomes INTERNAL with its message.
 */
export function toGrpcError(err: unknown): GrpcError {
  if (err instanceof GrpcError) return err;
  if (err instanceof LookupError) return new GrpcError(CODES[err.code], err.message);
  if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new GrpcError(grpc.status.NOT_FOUND, `log file not found: ${(err as Error).message}`);
  return new GrpcError(grpc.status.INTERNAL, err instanceof Error ? err.message : String(err));
}
