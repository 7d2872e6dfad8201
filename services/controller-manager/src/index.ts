export { startControllerManager, type RunningControllerManager } from './start-controller-manager.js';
export { compileControllerManagerOptions, selectControllers, CONTROLLERS, type ControllerManagerOptions, type CompiledControllerManagerOptions } from './options.js';
export { controllerManagerCommand } from './cli.js';
export { controllerManagerBinPath } from './paths.js';
