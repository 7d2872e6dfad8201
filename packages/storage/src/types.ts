/** One stored object version as the storage layer hands it out. */
export interface KeyValue {
  key: string;
  value: Buffer;
  createRevision: number;
  modRevision: number;
  version: number;
  /** Lease ID as a decimal string; "0" when none. */
  lease: string;
}

export type WatchEvent =
  | { type: 'put'; kv: KeyValue; prev?: KeyValue }
  | { type: 'delete'; key: string; modRevision: number; prev?: KeyValue };

/** The result of a compare-and-swap: a lost race is a normal outcome, not an exception. */
export type CasResult = { ok: true; revision: number; prev?: KeyValue } | { ok: false; current?: KeyValue };

export interface ListOptions {
  /** At most this many keys; 0 = all. */
  limit?: number;
  /** Start after this key (for pagination: the last key of the previous page). */
  after?: string;
  /** Read as of this revision (pagination keeps the first page's revision); 0 = now. */
  revision?: number;
}

export interface ListResult {
  kvs: KeyValue[];
  /** The revision the list is consistent at. */
  revision: number;
  more: boolean;
  /** Keys in range from the start key on, before the limit (for remainingItemCount). */
  count: number;
}
