export { WorkQueue, type BackoffOptions } from './workqueue.js';
export { runWorkers, TerminalError, type Reconciler, type ReconcileResult, type ControllerHooks } from './controller.js';
export {
  KiteClient,
  KiteApiError,
  isNotFound,
  isConflict,
  isAlreadyExists,
  type KubeObject,
  type Target,
  type WriteOptions,
  type ListOptions,
  type WatchOptions,
  type WatchHandler,
  type WatchEventType,
  type DeleteOptions,
} from './kite-client.js';
export { Informer, objectKey, type InformerOptions, type EventHandlers, type InformerLogger } from './informer.js';
export { LeaderElector, type LeaderElectionOptions, type Lease } from './leader-election.js';
