import { fileURLToPath } from 'node:url';

/** The kite-kubelet executable, for supervisors that start it (kite up, tests). */
export const kubeletBinPath = fileURLToPath(new URL('./bin.js', import.meta.url));
