export { WorkQueue, type BackoffOptions } from './workqueue.js';
export { runWorkers, TerminalError, type Reconciler, type ReconcileResult, type ControllerHooks } from './controller.js';
