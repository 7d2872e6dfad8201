import { apiVersionOf, type KindDef, type Subresource } from '@kite/api';

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** Namespaces cannot be deleted as a collection (Kubernetes answers 405). */
export const verbsOf = (k: KindDef): string[] => (k.kind === 'Namespace' ? ALL_VERBS.filter((v) => v !== 'deletecollection') : ALL_VERBS);

interface SubresourceFacts {
  kind: string;
  group: string;
  version: string;
  verbs: string[];
}

/** What each subresource answers with, as Kubernetes' discovery documents say. */
function subresourceFacts(k: KindDef, sub: Subresource): SubresourceFacts {
  const own = { kind: k.kind, group: k.group, version: k.version };
  switch (sub) {
    case 'status':
      return { ...own, verbs: ['get', 'patch', 'update'] };
    case 'finalize':
      return { ...own, verbs: ['update'] };
    case 'scale':
      return { kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] };
    case 'binding':
      return { kind: 'Binding', group: '', version: 'v1', verbs: ['create'] };
    case 'eviction':
      return { kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] };
    case 'log':
      return { ...own, verbs: ['get'] };
    case 'exec':
      return { kind: 'PodExecOptions', group: '', version: 'v1', verbs: ['create', 'get'] };
    case 'attach':
      return { kind: 'PodAttachOptions', group: '', version: 'v1', verbs: ['create', 'get'] };
    case 'portforward':
      return { kind: 'PodPortForwardOptions', group: '', version: 'v1', verbs: ['create', 'get'] };
  }
}

/** `/api` */
export function apiVersions(serverAddress: string): object {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function apiGroup(name: string, versions: string[]): object {
  const vs = versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
  return { name, versions: vs, preferredVersion: vs[0] };
}

/** `/apis` */
export function apiGroupList(groups: Map<string, string[]>): object {
  const list = [...groups].filter(([g]) => g !== '').map(([g, vs]) => apiGroup(g, vs));
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: list };
}

/** `/apis/<group>` */
export function apiGroupDocument(group: string, versions: string[]): object {
  return { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(group, versions) };
}

/** `/api/v1`, `/apis/<group>/<version>` */
export function apiResourceList(groupVersion: string, kinds: KindDef[]): object {
  const resources: object[] = [];
  for (const k of kinds) {
    const entry: Record<string, unknown> = { name: k.resource, singularName: k.singular, namespaced: k.namespaced, kind: k.kind, verbs: verbsOf(k) };
    if (k.shortNames.length > 0) entry.shortNames = k.shortNames;
    if (k.categories.length > 0) entry.categories = k.categories;
    resources.push(entry);
    for (const sub of k.subresources) {
      const f = subresourceFacts(k, sub);
      const s: Record<string, unknown> = { name: `${k.resource}/${sub}`, singularName: '', namespaced: k.namespaced, kind: f.kind, verbs: f.verbs };
      if (f.group !== k.group || f.version !== k.version) Object.assign(s, { group: f.group, version: f.version });
      resources.push(s);
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion, resources };
}

/** Media types of aggregated discovery that kite answers, newest first. */
const AGGREGATED = [
  { version: 'v2', type: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList' },
  { version: 'v2beta1', type: 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList' },
];

/** The aggregated discovery format the client accepts, if any (kubectl 1.26+ asks for it). */
export function aggregatedFormat(accept: string | undefined): (typeof AGGREGATED)[number] | undefined {
  const offered = (accept ?? '').split(',').map((s) => s.replace(/\s+/g, ''));
  return AGGREGATED.find((a) => offered.includes(a.type));
}

/** One APIGroupDiscoveryList for `/api` (the core group) or `/apis` (all others). */
export function aggregatedDiscovery(version: string, kinds: readonly KindDef[], core: boolean): object {
  const byGroup = new Map<string, Map<string, KindDef[]>>();
  for (const k of kinds) {
    if ((k.group === '') !== core) continue;
    const versions = byGroup.get(k.group) ?? new Map<string, KindDef[]>();
    versions.set(k.version, [...(versions.get(k.version) ?? []), k]);
    byGroup.set(k.group, versions);
  }
  const items = [...byGroup].map(([group, versions]) => ({
    metadata: group === '' ? { creationTimestamp: null } : { name: group, creationTimestamp: null },
    versions: [...versions].map(([v, ks]) => ({
      version: v,
      resources: ks.map((k) => {
        const r: Record<string, unknown> = {
          resource: k.resource,
          responseKind: { group: k.group, version: k.version, kind: k.kind },
          scope: k.namespaced ? 'Namespaced' : 'Cluster',
          singularResource: k.singular,
          verbs: verbsOf(k),
        };
        if (k.shortNames.length > 0) r.shortNames = k.shortNames;
        if (k.categories.length > 0) r.categories = k.categories;
        if (k.subresources.length > 0)
          r.subresources = k.subresources.map((sub) => {
            const f = subresourceFacts(k, sub);
            return { subresource: sub, responseKind: { group: f.group, version: f.version, kind: f.kind }, verbs: f.verbs };
          });
        return r;
      }),
      freshness: 'Current',
    })),
  }));
  return { kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${version}`, metadata: {}, items };
}

export const groupVersionOf = apiVersionOf;
