export { startKubelet, type Kubelet } from './kubelet.js';
export { compileKubeletOptions, type KubeletOptions, type CompiledKubeletOptions } from './options.js';
export { kubeletBinPath, KUBELET_NODE_FLAGS } from './paths.js';
export { kubeletHostNames } from './host-names.js';
export type { HostNames } from '@kite/runtime';
export { LookupError, type PodLookup, type LogLocator, type PodRef, type LogRef, type LogLocation, type RunningContainer, type LookupErrorCode } from './streaming-contract.js';
