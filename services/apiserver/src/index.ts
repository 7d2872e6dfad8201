export { startApiServer, type ApiServer } from './apiserver.js';
export { compileApiServerOptions, type ApiServerOptions, type CompiledApiServerOptions } from './options.js';
export { apiServerBinPath } from './paths.js';
