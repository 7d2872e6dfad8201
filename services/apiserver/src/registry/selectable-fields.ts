import { parseFieldSelector, parseSelector, FieldSelectorError, SelectorError, type KindDef } from '@kite/api';
import { badRequest } from '../errors.js';
import { isObject, type KObject } from '../object.js';

type Getter = (o: KObject) => unknown;

const path =
  (...keys: string[]): Getter =>
  (o) =>
    keys.reduce<unknown>((v, k) => (isObject(v) ? v[k] : undefined), o);

/** The fields each kind can be selected by (`--field-selector`), beyond metadata.name/namespace. */
const BY_KIND: Record<string, Record<string, Getter>> = {
  Pod: {
    'spec.nodeName': path('spec', 'nodeName'),
    'spec.restartPolicy': path('spec', 'restartPolicy'),
    'spec.schedulerName': path('spec', 'schedulerName'),
    'spec.serviceAccountName': path('spec', 'serviceAccountName'),
    'spec.hostNetwork': (o) => String(path('spec', 'hostNetwork')(o) ?? false),
    'status.phase': path('status', 'phase'),
    'status.podIP': path('status', 'podIP'),
    'status.nominatedNodeName': path('status', 'nominatedNodeName'),
  },
  Event: {
    'involvedObject.kind': path('involvedObject', 'kind'),
    'involvedObject.namespace': path('involvedObject', 'namespace'),
    'involvedObject.name': path('involvedObject', 'name'),
    'involvedObject.uid': path('involvedObject', 'uid'),
    'involvedObject.apiVersion': path('involvedObject', 'apiVersion'),
    'involvedObject.resourceVersion': path('involvedObject', 'resourceVersion'),
    'involvedObject.fieldPath': path('involvedObject', 'fieldPath'),
    reason: path('reason'),
    reportingComponent: path('reportingComponent'),
    source: path('source', 'component'),
    type: path('type'),
  },
  Node: { 'spec.unschedulable': (o) => String(path('spec', 'unschedulable')(o) ?? false) },
  Namespace: { 'status.phase': path('status', 'phase') },
  Secret: { type: path('type') },
  ReplicaSet: { 'status.replicas': (o) => String(path('status', 'replicas')(o) ?? 0) },
  Job: { 'status.successful': (o) => String(path('status', 'succeeded')(o) ?? 0) },
};

export type ObjectFilter = (o: KObject) => boolean;

/** Builds the filter for a list or watch from its labelSelector and fieldSelector parameters. */
export function objectFilter(kind: KindDef, labelSelector: string | null, fieldSelector: string | null): ObjectFilter {
  let labels;
  let fields;
  try {
    labels = labelSelector ? parseSelector(labelSelector) : undefined;
  } catch (err) {
    if (err instanceof SelectorError) throw badRequest(err.message.startsWith('unable to parse') ? err.message : `unable to parse requirement: ${err.message}`);
    throw err;
  }
  try {
    fields = fieldSelector ? parseFieldSelector(fieldSelector) : undefined;
  } catch (err) {
    if (err instanceof FieldSelectorError) throw badRequest(`invalid field selector: ${err.message}`);
    throw err;
  }
  const getters: Record<string, Getter> = {
    'metadata.name': path('metadata', 'name'),
    ...(kind.namespaced ? { 'metadata.namespace': path('metadata', 'namespace') } : {}),
    ...(BY_KIND[kind.kind] ?? {}),
  };
  for (const t of fields?.terms ?? []) {
    if (!(t.field in getters)) throw badRequest(`field label not supported: ${t.field}`);
  }
  const usedFields = fields === undefined ? [] : [...new Set(fields.terms.map((t) => t.field))];
  return (o) => {
    if (labels !== undefined && !labels.matches(o.metadata.labels)) return false;
    if (fields === undefined) return true;
    const values: Record<string, string> = {};
    for (const f of usedFields) {
      const v = (getters[f] as Getter)(o);
      values[f] = v === undefined || v === null ? '' : String(v);
    }
    return fields.matches(values);
  };
}
