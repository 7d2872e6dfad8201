export * from './dsl.js';
export * from './kinds.js';
export { kubernetesSchema } from './types/index.js';
export { META } from './types/meta.js';
export * from './protobuf.js';
export * from './validate.js';
export { applyDefaults } from './defaults.js';
export * from './openapi.js';
