export { kiteCommand } from './cli.js';
export { up, type UpOptions } from './up.js';
export { upDetached, down, status } from './detach.js';
