export type * from './types.js';
export { ProcessRuntime, type ProcessRuntimeOptions, type RuntimeLogger } from './process-runtime.js';
export * from './images/index.js';
export * from './volumes/index.js';
export * from './logs/index.js';
