export * from './dsl.js';
export * from './kinds.js';
export { kubernetesSchema } from './types/index.js';
export { META } from './types/meta.js';
