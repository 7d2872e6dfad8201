import type { Informer, KubeObject } from '@kite/client';
import { controllerRef } from './logic/pods.js';

/** The owner (of kind `kind`) that controls `obj`, if it is in the cache with the same uid. */
export function resolveControllerRef<T extends KubeObject>(owners: Informer<T>, kind: string, obj: KubeObject): T | undefined {
  const ref = controllerRef(obj);
  if (ref === undefined || ref.kind !== kind) return undefined;
  const key = obj.metadata.namespace ? `${obj.metadata.namespace}/${ref.name}` : ref.name;
  const owner = owners.get(key);
  return owner?.metadata.uid === ref.uid ? owner : undefined;
}

/** Objects in one namespace (every namespace for cluster-scoped caches). */
export const inNamespace = <T extends KubeObject>(inf: Informer<T>, namespace: string | undefined): T[] =>
  inf.list().filter((o) => o.metadata.namespace === namespace);
