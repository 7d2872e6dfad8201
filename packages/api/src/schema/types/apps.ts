import type { StructDef } from '../dsl.js';

/** apps/v1 Deployment, ReplicaSet, DaemonSet, StatefulSet and their parts. */
export const appsTypes: StructDef[] = [];
