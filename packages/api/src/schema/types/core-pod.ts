import type { StructDef } from '../dsl.js';

/** Pod, PodSpec, PodStatus, Container and everything reachable from them (core/v1). */
export const corePodTypes: StructDef[] = [];
