export { startStore, ETCD_API_VERSION, type RunningStore } from './store.js';
export { compileStoreOptions, type StoreOptions, type CompiledStoreOptions } from './options.js';
export { storeCommand } from './cli.js';
export { storeBinPath } from './paths.js';
