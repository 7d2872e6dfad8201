/**
 * Server-side printing for `kubectl get`: the Table columns and cells Kubernetes'
 * apiserver produces for each kind (pkg/printers/internalversion/printers.go).
 */
import { daemonSetPrinter, deploymentPrinter, replicaSetPrinter, statefulSetPrinter } from './apps.js';
import { ageColumn, nameColumn } from './common-columns.js';
import { configMapPrinter, secretPrinter, serviceAccountPrinter } from './config.js';
import { controllerRevisionPrinter } from './controller-revision.js';
import { since } from './duration.js';
import { eventPrinter } from './event.js';
import { creation, name } from './fields.js';
import { jobPrinter } from './job.js';
import { leasePrinter } from './lease.js';
import { namespacePrinter } from './namespace.js';
import { nodePrinter } from './node.js';
import { podPrinter } from './pod.js';
import { endpointsPrinter, servicePrinter } from './service.js';
import type { TablePrinter } from './types.js';

export type { Cell, ColumnDefinition, TablePrinter, TableRowCondition } from './types.js';
export type { Obj } from './fields.js';
export { humanDuration } from './duration.js';

/** Kinds without a printer of their own: name and age, as kubectl shows custom resources. */
export const defaultPrinter: TablePrinter = {
  columns: [nameColumn, ageColumn],
  row: (o, now) => [name(o), since(creation(o), now)],
};

const printers: ReadonlyMap<string, TablePrinter> = new Map([
  ['Pod', podPrinter],
  ['Node', nodePrinter],
  ['Namespace', namespacePrinter],
  ['Event', eventPrinter],
  ['ConfigMap', configMapPrinter],
  ['Secret', secretPrinter],
  ['Service', servicePrinter],
  ['Endpoints', endpointsPrinter],
  ['ServiceAccount', serviceAccountPrinter],
  ['Deployment', deploymentPrinter],
  ['ReplicaSet', replicaSetPrinter],
  ['DaemonSet', daemonSetPrinter],
  ['StatefulSet', statefulSetPrinter],
  ['ControllerRevision', controllerRevisionPrinter],
  ['Job', jobPrinter],
  ['Lease', leasePrinter],
]);

/** The printer for a kind (`Pod`, `Deployment`, ...); the name-and-age one for any other. */
export function tableFor(kind: string): TablePrinter {
  return printers.get(kind) ?? defaultPrinter;
}
