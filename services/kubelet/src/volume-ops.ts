import { checkHostPath, makeEmptyDir, unmountUnder, writeAtomicDir } from '@kite/runtime';
import type { VolumeOps } from './deps.js';

/** The runtime package's volume helpers, as the pod workers use them. */
export const volumeOps: VolumeOps = { makeEmptyDir, writeAtomicDir, checkHostPath, unmountUnder };
