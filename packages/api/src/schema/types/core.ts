import type { StructDef } from '../dsl.js';

/** core/v1 kinds other than Pod (Namespace, Node, Event, ConfigMap, Secret, Service, Endpoints, ServiceAccount, Binding) and their parts. */
export const coreTypes: StructDef[] = [];
