import { status } from '@grpc/grpc-js';

export type StorageErrorKind = 'Compacted' | 'FutureRevision' | 'Unavailable' | 'Internal';

/**
 * A store failure, classified where it arises so callers (the apiserver's REST and gRPC
 * handlers) map it to their own codes: Compacted becomes 410 Gone, Unavailable is retryable.
 */
export class StorageError extends Error {
  override name = 'StorageError';
  constructor(
    readonly kind: StorageErrorKind,
    message: string,
    readonly retryable = kind === 'Unavailable',
  ) {
    super(message);
  }
}

/** Maps an etcd gRPC error by its code and etcd's exact message text. */
export function classify(err: unknown): StorageError {
  if (err instanceof StorageError) return err;
  const e = err as { code?: number; details?: string; message?: string };
  const text = e.details ?? e.message ?? String(err);
  if (text.includes('required revision has been compacted')) return new StorageError('Compacted', text);
  if (text.includes('required revision is a future revision')) return new StorageError('FutureRevision', text);
  if (e.code === status.UNAVAILABLE || e.code === status.DEADLINE_EXCEEDED) return new StorageError('Unavailable', text);
  return new StorageError('Internal', text);
}
