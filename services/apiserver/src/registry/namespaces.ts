import type { KindDef } from '@kite/api';
import { ApiError, forbidden, notFound } from '../errors.js';
import type { KObject } from '../object.js';
import type { Admission, Resource } from './resource.js';

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/**
 * Namespace lifecycle admission: new objects only in a namespace that exists and is not being
 * deleted. Reads the watch cache first and the store on a miss, so a namespace created a
 * moment ago is found even before the cache sees it.
 */
export class NamespaceLifecycle implements Admission {
  constructor(private readonly namespaces: () => Resource) {}

  async admit(kind: KindDef, obj: KObject, op: 'create' | 'update'): Promise<void> {
    if (op !== 'create' || !kind.namespaced) return;
    const ns = obj.metadata.namespace as string;
    const r = this.namespaces();
    let nsObj = r.cache.get(r.store.keys.object(undefined, ns));
    if (nsObj === undefined) {
      try {
        nsObj = await r.get(undefined, ns);
      } catch (err) {
        if (err instanceof ApiError && err.code === 404) throw notFound({ group: '', resource: 'namespaces' }, ns);
        throw err;
      }
    }
    if (nsObj.metadata.deletionTimestamp !== undefined)
      throw forbidden(
        { group: kind.group, resource: kind.resource },
        obj.metadata.name ?? '',
        `unable to create new content in namespace ${ns} because it is being terminated`,
      );
  }
}
