export { EtcdStorage, type StorageOptions } from './client.js';
export { StorageError, classify, type StorageErrorKind } from './errors.js';
export { prefixEnd } from './keys.js';
export type { WatchHandler } from './watch.js';
export type { KeyValue, WatchEvent, CasResult, ListOptions, ListResult } from './types.js';
