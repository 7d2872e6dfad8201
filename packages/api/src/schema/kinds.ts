/** The resources kite serves: names, scope and discovery facts for each kind. */

export type Subresource = 'status' | 'scale' | 'binding' | 'log' | 'exec' | 'attach' | 'portforward' | 'eviction' | 'finalize';

export interface KindDef {
  /** '' for the core (legacy) group. */
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  /** Plural, lower case: the URL segment and the storage key segment. */
  readonly resource: string;
  readonly singular: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
  readonly categories: readonly string[];
  /** Schema struct name, e.g. `io.k8s.api.core.v1.Pod`. */
  readonly type: string;
  readonly subresources: readonly Subresource[];
}

const CORE = 'io.k8s.api.core.v1';
const APPS = 'io.k8s.api.apps.v1';

function kind(
  group: string,
  version: string,
  k: string,
  resource: string,
  type: string,
  opts: { namespaced?: boolean; shortNames?: string[]; categories?: string[]; subresources?: Subresource[] } = {},
): KindDef {
  return {
    group,
    version,
    kind: k,
    resource,
    singular: k.toLowerCase(),
    namespaced: opts.namespaced ?? true,
    shortNames: opts.shortNames ?? [],
    categories: opts.categories ?? [],
    type,
    subresources: opts.subresources ?? [],
  };
}

export const KINDS: readonly KindDef[] = [
  kind('', 'v1', 'Namespace', 'namespaces', `${CORE}.Namespace`, { namespaced: false, shortNames: ['ns'], subresources: ['status', 'finalize'] }),
  kind('', 'v1', 'Pod', 'pods', `${CORE}.Pod`, {
    shortNames: ['po'],
    categories: ['all'],
    subresources: ['status', 'binding', 'log', 'exec', 'attach', 'portforward', 'eviction'],
  }),
  kind('', 'v1', 'Node', 'nodes', `${CORE}.Node`, { namespaced: false, shortNames: ['no'], subresources: ['status'] }),
  kind('', 'v1', 'Event', 'events', `${CORE}.Event`, { shortNames: ['ev'] }),
  kind('', 'v1', 'ConfigMap', 'configmaps', `${CORE}.ConfigMap`, { shortNames: ['cm'] }),
  kind('', 'v1', 'Secret', 'secrets', `${CORE}.Secret`),
  kind('', 'v1', 'Service', 'services', `${CORE}.Service`, { shortNames: ['svc'], categories: ['all'], subresources: ['status'] }),
  kind('', 'v1', 'Endpoints', 'endpoints', `${CORE}.Endpoints`, { shortNames: ['ep'] }),
  kind('', 'v1', 'ServiceAccount', 'serviceaccounts', `${CORE}.ServiceAccount`, { shortNames: ['sa'] }),
  kind('apps', 'v1', 'Deployment', 'deployments', `${APPS}.Deployment`, {
    shortNames: ['deploy'],
    categories: ['all'],
    subresources: ['status', 'scale'],
  }),
  kind('apps', 'v1', 'ReplicaSet', 'replicasets', `${APPS}.ReplicaSet`, { shortNames: ['rs'], categories: ['all'], subresources: ['status', 'scale'] }),
  kind('apps', 'v1', 'DaemonSet', 'daemonsets', `${APPS}.DaemonSet`, { shortNames: ['ds'], categories: ['all'], subresources: ['status'] }),
  kind('apps', 'v1', 'StatefulSet', 'statefulsets', `${APPS}.StatefulSet`, { shortNames: ['sts'], categories: ['all'], subresources: ['status', 'scale'] }),
  kind('apps', 'v1', 'ControllerRevision', 'controllerrevisions', `${APPS}.ControllerRevision`),
  kind('batch', 'v1', 'Job', 'jobs', 'io.k8s.api.batch.v1.Job', { categories: ['all'], subresources: ['status'] }),
  kind('coordination.k8s.io', 'v1', 'Lease', 'leases', 'io.k8s.api.coordination.v1.Lease'),
];

export function apiVersionOf(k: Pick<KindDef, 'group' | 'version'>): string {
  return k.group === '' ? k.version : `${k.group}/${k.version}`;
}

/** Looks kinds up by resource, kind or apiVersion. */
export class KindIndex {
  private readonly byResource = new Map<string, KindDef>();
  private readonly byKind = new Map<string, KindDef>();

  constructor(readonly kinds: readonly KindDef[] = KINDS) {
    for (const k of kinds) {
      this.byResource.set(`${k.group}/${k.version}/${k.resource}`, k);
      this.byKind.set(`${apiVersionOf(k)}/${k.kind}`, k);
    }
  }

  resource(group: string, version: string, resource: string): KindDef | undefined {
    return this.byResource.get(`${group}/${version}/${resource}`);
  }

  kind(apiVersion: string, kind: string): KindDef | undefined {
    return this.byKind.get(`${apiVersion}/${kind}`);
  }

  /** Group → versions served, core group first, in declaration order. */
  groups(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const k of this.kinds) {
      const vs = out.get(k.group) ?? [];
      if (!vs.includes(k.version)) vs.push(k.version);
      out.set(k.group, vs);
    }
    return out;
  }
}
