export { kubeletBinPath } from './paths.js';
