import { fileURLToPath } from 'node:url';

/** The kite-controller-manager executable, for supervisors that start it (kite up, tests). */
export const controllerManagerBinPath = fileURLToPath(new URL('./bin.js', import.meta.url));
