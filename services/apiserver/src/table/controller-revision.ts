import { ageColumn, nameColumn } from './common-columns.js';
import { since } from './duration.js';
import { creation, int, name, objList, obj, str, type Obj } from './fields.js';
import { column, type TablePrinter } from './types.js';

/**
 * printControllerRevision's Controller cell: `<kind>.<group>/<name>` lower-cased (`daemonset.apps/agent`),
 * the kind alone for the core group, `<none>` without a controller.
 */
export function revisionController(cr: Obj): string {
  const ref = objList(obj(cr, 'metadata').ownerReferences).find((r) => r.controller === true);
  if (ref === undefined) return '<none>';
  const apiVersion = str(ref.apiVersion);
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  const kind = str(ref.kind);
  if (kind === '' && group === '') return str(ref.name);
  return `${(group === '' ? kind : `${kind}.${group}`).toLowerCase()}/${str(ref.name)}`;
}

export const controllerRevisionPrinter: TablePrinter = {
  columns: [
    nameColumn,
    column('Controller', 'string', 'Controller of the object'),
    column('Revision', 'string', 'Revision indicates the revision of the state represented by Data.'),
    ageColumn,
  ],
  row: (cr, now) => [name(cr), revisionController(cr), int(cr.revision), since(creation(cr), now)],
};
