import { keyBytes } from './keys.js';
import type { KvRecord } from './record.js';
import type { KeyValue } from './wire.js';

export function toKeyValue(r: KvRecord, keysOnly = false): KeyValue {
  return {
    key: keyBytes(r.key),
    create_revision: r.create,
    mod_revision: r.mod,
    version: r.version,
    value: keysOnly ? undefined : r.value,
    lease: r.lease,
  };
}
