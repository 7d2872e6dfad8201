import type { KObject } from '../object.js';
import { tableFor } from '../table/index.js';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** Whether the client asked for a meta.k8s.io Table (kubectl get's default output). */
export function wantsTable(accept: string | undefined): boolean {
  return (accept ?? '').split(',').some((part) => {
    const params = part.split(';').map((p) => p.trim());
    return params.includes('as=Table') && params.includes('g=meta.k8s.io') && (params.includes('v=v1') || params.includes('v=v1beta1'));
  });
}

function rowObject(o: KObject, include: IncludeObject): unknown {
  if (include === 'None') return undefined;
  if (include === 'Object') return o;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
}

/** Objects as a Table with the columns kubectl shows for their kind. */
export function toTable(
  kind: string,
  items: KObject[],
  listMeta: Record<string, unknown>,
  include: IncludeObject,
  now = new Date(),
): object {
  const printer = tableFor(kind);
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: printer.columns,
    rows: items.map((o) => ({ cells: printer.row(o, now), object: rowObject(o, include) })),
  };
}
