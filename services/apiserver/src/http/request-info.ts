/** Where a REST path points: the group/version, then the resource, namespace, name and subresource. */
export interface RequestInfo {
  group: string;
  version: string;
  /** Undefined for a group/version discovery document. */
  resource?: string;
  namespace?: string;
  name?: string;
  subresource?: string;
}

/**
 * Parses `/api/v1/...` and `/apis/<group>/<version>/...`; undefined when the path is not a
 * resource path. `namespaces/<ns>/<resource>` scopes a resource; `namespaces/<name>` alone is
 * the namespace object itself.
 */
/** Subresources of a namespace itself: `/api/v1/namespaces/<name>/status` is not a resource "status". */
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

export class BadPath extends Error {}

export function parseResourcePath(pathname: string): RequestInfo | undefined {
  let parts: string[];
  try {
    parts = pathname.split('/').filter((p) => p !== '').map(decodeURIComponent);
  } catch {
    throw new BadPath(`malformed escape in the path: ${pathname}`);
  }
  let group: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 2) {
    group = '';
    rest = parts.slice(1);
  } else if (parts[0] === 'apis' && parts.length >= 3) {
    group = parts[1] as string;
    rest = parts.slice(2);
  } else return undefined;
  const version = rest[0] as string;
  rest = rest.slice(1);
  if (rest.length === 0) return { group, version };
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3 && !(rest.length === 3 && NAMESPACE_SUBRESOURCES.has(rest[2] as string))) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  if (rest.length > 3) return undefined;
  const info: RequestInfo = { group, version, resource: rest[0] as string };
  if (namespace !== undefined) info.namespace = namespace;
  if (rest[1] !== undefined) info.name = rest[1];
  if (rest[2] !== undefined) info.subresource = rest[2];
  return info;
}
