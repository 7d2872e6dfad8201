export type * from './types.js';
export { ProcessRuntime, type ProcessRuntimeOptions, type RuntimeLogger } from './process-runtime.js';
export { clusterBridgeName, hostNames, type HostNames } from './host-names.js';
export { ClusterLinkError } from './cluster-link.js';
export { PodCIDRInUseError } from './network.js';
export * from './images/index.js';
export * from './volumes/index.js';
export * from './logs/index.js';
