/** Re-exported so pure logic files import their types from one place beside them. */
export type * from '../objects.js';
import type { KubeObject } from '@kite/client';
export type KubeObjectLike = KubeObject;
