/**
 * Image references as Docker and containerd read them: `[registry/]path[:tag][@digest]`.
 * kite never pulls, so the registry only matters for telling references apart from catalog
 * names: `nginx`, `docker.io/library/nginx:latest` and `registry.k8s.io/pause:3.9`'s `pause`
 * all name the same catalog entries as their bare repository path.
 */

export interface ImageRef {
  /** As written in the pod spec. */
  raw: string;
  /** Registry host; `docker.io` when none is written. */
  registry: string;
  /** Repository path without the registry, and without Docker Hub's `library/`: `nginx`, `luksa/kubia`. */
  repository: string;
  tag?: string;
  digest?: string;
}

const DEFAULT_REGISTRY = 'docker.io';
// The grammar of github.com/distribution/reference, lower-case path components only.
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const HOST = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?$/;

export class InvalidImageReference extends Error {
  constructor(readonly image: string) {
    super(`couldn't parse image name "${image}": invalid reference format`);
    this.name = 'InvalidImageReference';
  }
}

export function parseImageRef(raw: string): ImageRef {
  let rest = raw;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw new InvalidImageReference(raw);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw new InvalidImageReference(raw);
  }
  const parts = rest.split('/');
  let registry = DEFAULT_REGISTRY;
  // Like Docker: the first component is a registry only if it looks like a host.
  if (parts.length > 1 && (parts[0]!.includes('.') || parts[0]!.includes(':') || parts[0] === 'localhost')) {
    registry = parts.shift()!;
    if (!HOST.test(registry)) throw new InvalidImageReference(raw);
  }
  if (registry === 'index.docker.io') registry = DEFAULT_REGISTRY;
  if (parts.length === 0 || !parts.every((p) => PATH_COMPONENT.test(p))) throw new InvalidImageReference(raw);
  if (registry === DEFAULT_REGISTRY && parts.length > 1 && parts[0] === 'library') parts.shift();
  const ref: ImageRef = { raw, registry, repository: parts.join('/') };
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest;
  return ref;
}

/** The repository with its registry: `docker.io/library/nginx`. */
export function qualifiedRepository(ref: ImageRef): string {
  const repo = ref.registry === DEFAULT_REGISTRY && !ref.repository.includes('/') ? `library/${ref.repository}` : ref.repository;
  return `${ref.registry}/${repo}`;
}

/** The fully qualified name containerd reports in a container status: `docker.io/library/nginx:latest`. */
export function canonicalImageName(ref: ImageRef): string {
  const base = qualifiedRepository(ref);
  if (ref.digest !== undefined) return ref.tag !== undefined ? `${base}:${ref.tag}@${ref.digest}` : `${base}@${ref.digest}`;
  return `${base}:${ref.tag ?? 'latest'}`;
}
