import { fileURLToPath } from 'node:url';

/** The `kite-store` executable, for launchers that start the store as its own process. */
export const storeBinPath = fileURLToPath(new URL('./bin.js', import.meta.url));
