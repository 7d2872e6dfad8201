import type { StructDef } from '../dsl.js';

/** coordination.k8s.io/v1 Lease, autoscaling/v1 Scale, policy/v1 Eviction. */
export const miscTypes: StructDef[] = [];
