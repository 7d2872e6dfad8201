import { fileURLToPath } from 'node:url';

/** The kite-scheduler executable, for supervisors that start it (kite up, tests). */
export const schedulerBinPath = fileURLToPath(new URL('./bin.js', import.meta.url));
