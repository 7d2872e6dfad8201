import { fileURLToPath } from 'node:url';

/** The kite-apiserver executable, for supervisors that start it (kite up, tests). */
export const apiServerBinPath = fileURLToPath(new URL('./bin.js', import.meta.url));
