import { KINDS, KindIndex } from '@kite/api';
import { describe, expect, it } from 'vitest';
import { aggregatedDiscovery, aggregatedFormat, apiGroupDocument, apiGroupList, apiResourceList, apiVersions } from './discovery.js';

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

type Entry = Record<string, unknown>;

const coreKinds = KINDS.filter((k) => k.group === '');
const appsKinds = KINDS.filter((k) => k.group === 'apps');

const resources = (list: object): Entry[] => (list as { resources: Entry[] }).resources;
const byName = (list: object, name: string): Entry | undefined => resources(list).find((r) => r.name === name);

describe('legacy discovery: /api/v1 and /apis/<g>/<v>', () => {
  const core = apiResourceList('v1', coreKinds);
  const apps = apiResourceList('apps/v1', appsKinds);

  it('is an APIResourceList for its group/version', () => {
    expect(core).toMatchObject({ kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'v1' });
    expect(apps).toMatchObject({ kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'apps/v1' });
  });

  // What `kubectl api-resources` and `kubectl get po|deploy|all` depend on, as a real apiserver lists it.
  const entries: Array<[string, object, string, Entry]> = [
    [
      'pods',
      core,
      'pods',
      { name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ALL_VERBS, shortNames: ['po'], categories: ['all'] },
    ],
    ['pods/status', core, 'pods/status', { name: 'pods/status', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get', 'patch', 'update'] }],
    ['pods/binding', core, 'pods/binding', { name: 'pods/binding', singularName: '', namespaced: true, kind: 'Binding', verbs: ['create'] }],
    [
      'pods/eviction names its group',
      core,
      'pods/eviction',
      { name: 'pods/eviction', singularName: '', namespaced: true, group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] },
    ],
    ['pods/log', core, 'pods/log', { name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get'] }],
    ['pods/exec', core, 'pods/exec', { name: 'pods/exec', singularName: '', namespaced: true, kind: 'PodExecOptions', verbs: ['create', 'get'] }],
    ['pods/attach', core, 'pods/attach', { name: 'pods/attach', singularName: '', namespaced: true, kind: 'PodAttachOptions', verbs: ['create', 'get'] }],
    [
      'pods/portforward',
      core,
      'pods/portforward',
      { name: 'pods/portforward', singularName: '', namespaced: true, kind: 'PodPortForwardOptions', verbs: ['create', 'get'] },
    ],
    ['nodes: cluster-scoped', core, 'nodes', { name: 'nodes', singularName: 'node', namespaced: false, kind: 'Node', verbs: ALL_VERBS, shortNames: ['no'] }],
    ['services', core, 'services', { name: 'services', singularName: 'service', namespaced: true, kind: 'Service', verbs: ALL_VERBS, shortNames: ['svc'], categories: ['all'] }],
    ['secrets: no short names, no categories', core, 'secrets', { name: 'secrets', singularName: 'secret', namespaced: true, kind: 'Secret', verbs: ALL_VERBS }],
    [
      'deployments',
      apps,
      'deployments',
      { name: 'deployments', singularName: 'deployment', namespaced: true, kind: 'Deployment', verbs: ALL_VERBS, shortNames: ['deploy'], categories: ['all'] },
    ],
    [
      'deployments/scale is an autoscaling/v1 Scale',
      apps,
      'deployments/scale',
      { name: 'deployments/scale', singularName: '', namespaced: true, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] },
    ],
    [
      'deployments/status stays in its own group',
      apps,
      'deployments/status',
      { name: 'deployments/status', singularName: '', namespaced: true, kind: 'Deployment', verbs: ['get', 'patch', 'update'] },
    ],
    [
      'controllerrevisions: no short names, no categories, no subresources',
      apps,
      'controllerrevisions',
      { name: 'controllerrevisions', singularName: 'controllerrevision', namespaced: true, kind: 'ControllerRevision', verbs: ALL_VERBS },
    ],
    [
      'statefulsets/scale',
      apps,
      'statefulsets/scale',
      { name: 'statefulsets/scale', singularName: '', namespaced: true, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] },
    ],
  ];
  it.each(entries)('%s', (_title, list, name, want) => {
    // toEqual: a stray key (shortNames: [], group on an own-group subresource) is an error too.
    expect(byName(list, name)).toEqual(want);
  });

  it('lists every served resource of the group/version, subresources right after their resource', () => {
    expect(resources(apps).map((r) => r.name)).toEqual([
      'deployments',
      'deployments/status',
      'deployments/scale',
      'replicasets',
      'replicasets/status',
      'replicasets/scale',
      'daemonsets',
      'daemonsets/status',
      'statefulsets',
      'statefulsets/status',
      'statefulsets/scale',
      'controllerrevisions',
    ]);
  });

  it('namespaces are cluster-scoped with short name ns', () => {
    expect(byName(core, 'namespaces')).toMatchObject({ name: 'namespaces', singularName: 'namespace', namespaced: false, kind: 'Namespace', shortNames: ['ns'] });
    expect(byName(core, 'namespaces/status')).toMatchObject({ kind: 'Namespace', verbs: ['get', 'patch', 'update'] });
    expect(byName(core, 'namespaces/finalize')).toMatchObject({ kind: 'Namespace', verbs: ['update'] });
  });

  // Regression (a kite bug, fixed): namespaces advertise deletecollection. Kubernetes' namespace storage has no
  // DeleteCollection (its verbs are create, delete, get, list, patch, update, watch), and
  // `DELETE /api/v1/namespaces` is 405 there; kite's rest.ts would delete every namespace.
  it('namespaces do not offer deletecollection', () => {
    expect(byName(core, 'namespaces')?.verbs).toEqual(['create', 'delete', 'get', 'list', 'patch', 'update', 'watch']);
  });
});

describe('/api, /apis and /apis/<group>', () => {
  it('/api lists only v1 and where to reach the server', () => {
    expect(apiVersions('10.0.0.1:6443')).toEqual({
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '10.0.0.1:6443' }],
    });
  });

  it('/apis lists every named group with its preferred version, never the core group', () => {
    expect(apiGroupList(new KindIndex().groups())).toEqual({
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: [
        { name: 'apps', versions: [{ groupVersion: 'apps/v1', version: 'v1' }], preferredVersion: { groupVersion: 'apps/v1', version: 'v1' } },
        { name: 'batch', versions: [{ groupVersion: 'batch/v1', version: 'v1' }], preferredVersion: { groupVersion: 'batch/v1', version: 'v1' } },
        {
          name: 'coordination.k8s.io',
          versions: [{ groupVersion: 'coordination.k8s.io/v1', version: 'v1' }],
          preferredVersion: { groupVersion: 'coordination.k8s.io/v1', version: 'v1' },
        },
      ],
    });
  });

  it('/apis with no named groups is an empty list, not a missing one', () => {
    expect(apiGroupList(new Map([['', ['v1']]]))).toEqual({ kind: 'APIGroupList', apiVersion: 'v1', groups: [] });
  });

  it('a group with several versions prefers the first', () => {
    expect(apiGroupDocument('example.com', ['v2', 'v1'])).toEqual({
      kind: 'APIGroup',
      apiVersion: 'v1',
      name: 'example.com',
      versions: [
        { groupVersion: 'example.com/v2', version: 'v2' },
        { groupVersion: 'example.com/v1', version: 'v1' },
      ],
      preferredVersion: { groupVersion: 'example.com/v2', version: 'v2' },
    });
  });
});

describe('aggregated discovery', () => {
  interface Doc {
    kind: string;
    apiVersion: string;
    metadata: object;
    items: Array<{ metadata: Entry; versions: Array<{ version: string; freshness: string; resources: Entry[] }> }>;
  }

  it.each(['v2', 'v2beta1'])('%s: /api holds only the core group, unnamed', (version) => {
    const doc = aggregatedDiscovery(version, KINDS, true) as Doc;
    expect(doc).toMatchObject({ kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${version}`, metadata: {} });
    expect(doc.items).toHaveLength(1);
    expect(doc.items[0]?.metadata).toEqual({ creationTimestamp: null });
    expect(doc.items[0]?.versions.map((v) => [v.version, v.freshness])).toEqual([['v1', 'Current']]);
    expect(doc.items[0]?.versions[0]?.resources.map((r) => r.resource)).toEqual(coreKinds.map((k) => k.resource));
  });

  it.each(['v2', 'v2beta1'])('%s: /apis holds the named groups, each by name', (version) => {
    const doc = aggregatedDiscovery(version, KINDS, false) as Doc;
    expect(doc.items.map((i) => i.metadata)).toEqual([
      { name: 'apps', creationTimestamp: null },
      { name: 'batch', creationTimestamp: null },
      { name: 'coordination.k8s.io', creationTimestamp: null },
    ]);
    expect(doc.items.every((i) => i.versions.every((v) => v.freshness === 'Current'))).toBe(true);
  });

  const resource = (core: boolean, group: string, name: string): Entry | undefined => {
    const doc = aggregatedDiscovery('v2', KINDS, core) as Doc;
    const item = doc.items.find((i) => (i.metadata.name ?? '') === group);
    return item?.versions[0]?.resources.find((r) => r.resource === name);
  };

  it('pods: scope, singular, short names, categories and subresources with their response kinds', () => {
    expect(resource(true, '', 'pods')).toEqual({
      resource: 'pods',
      responseKind: { group: '', version: 'v1', kind: 'Pod' },
      scope: 'Namespaced',
      singularResource: 'pod',
      verbs: ALL_VERBS,
      shortNames: ['po'],
      categories: ['all'],
      subresources: [
        { subresource: 'status', responseKind: { group: '', version: 'v1', kind: 'Pod' }, verbs: ['get', 'patch', 'update'] },
        { subresource: 'binding', responseKind: { group: '', version: 'v1', kind: 'Binding' }, verbs: ['create'] },
        { subresource: 'log', responseKind: { group: '', version: 'v1', kind: 'Pod' }, verbs: ['get'] },
        { subresource: 'exec', responseKind: { group: '', version: 'v1', kind: 'PodExecOptions' }, verbs: ['create', 'get'] },
        { subresource: 'attach', responseKind: { group: '', version: 'v1', kind: 'PodAttachOptions' }, verbs: ['create', 'get'] },
        { subresource: 'portforward', responseKind: { group: '', version: 'v1', kind: 'PodPortForwardOptions' }, verbs: ['create', 'get'] },
        { subresource: 'eviction', responseKind: { group: 'policy', version: 'v1', kind: 'Eviction' }, verbs: ['create'] },
      ],
    });
  });

  it('nodes are Cluster-scoped', () => {
    expect(resource(true, '', 'nodes')).toMatchObject({ scope: 'Cluster', singularResource: 'node', shortNames: ['no'] });
  });

  it('leases: no short names, categories or subresources keys at all', () => {
    expect(resource(false, 'coordination.k8s.io', 'leases')).toEqual({
      resource: 'leases',
      responseKind: { group: 'coordination.k8s.io', version: 'v1', kind: 'Lease' },
      scope: 'Namespaced',
      singularResource: 'lease',
      verbs: ALL_VERBS,
    });
  });

  it('deployments/scale answers an autoscaling/v1 Scale', () => {
    expect(resource(false, 'apps', 'deployments')?.subresources).toEqual([
      { subresource: 'status', responseKind: { group: 'apps', version: 'v1', kind: 'Deployment' }, verbs: ['get', 'patch', 'update'] },
      { subresource: 'scale', responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: ['get', 'patch', 'update'] },
    ]);
  });

  // Regression (a kite bug, fixed): same as the legacy list: Kubernetes' namespaces have no deletecollection verb.
  it('namespaces do not offer deletecollection', () => {
    expect(resource(true, '', 'namespaces')?.verbs).toEqual(['create', 'delete', 'get', 'list', 'patch', 'update', 'watch']);
  });
});

describe('aggregatedFormat', () => {
  const V2 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
  const V2BETA1 = 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList';
  const cases: Array<[string, string | undefined, string | undefined]> = [
    // client-go 1.30+: acceptDiscoveryFormats = AcceptV2 + "," + AcceptV2Beta1 + "," + AcceptV1
    ['kubectl 1.30+', `${V2},${V2BETA1},application/json`, 'v2'],
    // client-go 1.26-1.29: AcceptV2Beta1 + "," + AcceptV1
    ['kubectl 1.27-1.29', `${V2BETA1},application/json`, 'v2beta1'],
    // newer client-go puts a profile=nopeer variant first; the plain v2 still follows it
    ['kubectl with profile=nopeer first', `${V2};profile=nopeer,${V2},${V2BETA1},application/json`, 'v2'],
    ['spaces after commas and semicolons', 'application/json; g=apidiscovery.k8s.io; v=v2; as=APIGroupDiscoveryList, application/json', 'v2'],
    ['legacy discovery (kubectl --legacy or old clients)', 'application/json', undefined],
    ['no Accept header', undefined, undefined],
    ['anything', '*/*', undefined],
    ['a Table request is not discovery', 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json', undefined],
    ['an unknown discovery version', 'application/json;g=apidiscovery.k8s.io;v=v3;as=APIGroupDiscoveryList', undefined],
  ];
  it.each(cases)('%s', (_title, accept, version) => {
    const got = aggregatedFormat(accept);
    expect(got?.version).toBe(version);
    // The Content-Type kubectl checks must carry exactly these parameters.
    if (version !== undefined) expect(got?.type).toBe(version === 'v2' ? V2 : V2BETA1);
  });
});
