import { describe, expect, it } from 'vitest';
import { BadPath, parseResourcePath, type RequestInfo } from './request-info.js';

describe('parseResourcePath', () => {
  const cases: Array<[string, RequestInfo]> = [
    ['/api/v1', { group: '', version: 'v1' }],
    ['/apis/apps/v1', { group: 'apps', version: 'v1' }],
    ['/apis/coordination.k8s.io/v1/', { group: 'coordination.k8s.io', version: 'v1' }],
    // cluster-wide lists of namespaced resources and cluster-scoped resources
    ['/api/v1/pods', { group: '', version: 'v1', resource: 'pods' }],
    ['/api/v1/nodes', { group: '', version: 'v1', resource: 'nodes' }],
    ['/api/v1/nodes/worker-1', { group: '', version: 'v1', resource: 'nodes', name: 'worker-1' }],
    ['/api/v1/nodes/worker-1/status', { group: '', version: 'v1', resource: 'nodes', name: 'worker-1', subresource: 'status' }],
    ['/apis/apps/v1/deployments', { group: 'apps', version: 'v1', resource: 'deployments' }],
    // namespaced
    ['/api/v1/namespaces/default/pods', { group: '', version: 'v1', namespace: 'default', resource: 'pods' }],
    ['/api/v1/namespaces/default/pods/web', { group: '', version: 'v1', namespace: 'default', resource: 'pods', name: 'web' }],
    ['/api/v1/namespaces/default/pods/web/log', { group: '', version: 'v1', namespace: 'default', resource: 'pods', name: 'web', subresource: 'log' }],
    ['/api/v1/namespaces/default/pods/web/binding', { group: '', version: 'v1', namespace: 'default', resource: 'pods', name: 'web', subresource: 'binding' }],
    ['/apis/apps/v1/namespaces/prod/deployments', { group: 'apps', version: 'v1', namespace: 'prod', resource: 'deployments' }],
    [
      '/apis/apps/v1/namespaces/prod/deployments/web/scale',
      { group: 'apps', version: 'v1', namespace: 'prod', resource: 'deployments', name: 'web', subresource: 'scale' },
    ],
    ['/apis/batch/v1/namespaces/ci/jobs/build/status', { group: 'batch', version: 'v1', namespace: 'ci', resource: 'jobs', name: 'build', subresource: 'status' }],
    // the namespace object itself and the namespace list
    ['/api/v1/namespaces', { group: '', version: 'v1', resource: 'namespaces' }],
    ['/api/v1/namespaces/team-a', { group: '', version: 'v1', resource: 'namespaces', name: 'team-a' }],
    // a trailing slash does not change the meaning
    ['/api/v1/namespaces/default/pods/', { group: '', version: 'v1', namespace: 'default', resource: 'pods' }],
    // names are decoded after the path is split, so an escaped character stays inside its segment
    ['/api/v1/namespaces/default/configmaps/app%2Econfig', { group: '', version: 'v1', namespace: 'default', resource: 'configmaps', name: 'app.config' }],
    ['/api/v1/namespaces/kube%2Dsystem/pods/x', { group: '', version: 'v1', namespace: 'kube-system', resource: 'pods', name: 'x' }],
    ['/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/worker%3A1', {
      group: 'coordination.k8s.io',
      version: 'v1',
      namespace: 'kube-node-lease',
      resource: 'leases',
      name: 'worker:1',
    }],
  ];
  it.each(cases)('%s', (path, want) => {
    expect(parseResourcePath(path)).toEqual(want);
  });

  const nonResource = ['/', '/api', '/apis', '/apis/apps', '/version', '/healthz', '/readyz', '/metrics', '/openapi/v3', '/openapi/v3/apis/apps/v1', '/logs/x'];
  it.each(nonResource)('%s is not a resource path', (path) => {
    expect(parseResourcePath(path)).toBeUndefined();
  });

  // Regression (a kite bug, fixed): `namespaces/<ns>/status` is read as a resource named "status" inside namespace <ns>.
  // Kubernetes' RequestInfoFactory keeps `status` and `finalize` after `namespaces/<name>` as
  // subresources of the namespace object, so `kubectl` (and the namespace controller) can reach
  // them; kite answers 404 for the namespaces/status that its own discovery advertises.
  it.each([
    ['/api/v1/namespaces/team-a/status', 'status'],
    ['/api/v1/namespaces/team-a/finalize', 'finalize'],
  ])('%s is a subresource of the namespace object', (path, subresource) => {
    expect(parseResourcePath(path)).toEqual({ group: '', version: 'v1', resource: 'namespaces', name: 'team-a', subresource });
  });

  // Regression (a kite bug, fixed): decodeURIComponent throws URIError on a malformed escape, and server.ts calls
  // parseResourcePath outside any try/catch, so one `GET /api/v1/namespaces/default/pods/%zz`
  // escapes the request handler. Kubernetes (Go's URL parser) answers such a request with
  // 400 Bad Request; the parser must not throw.
  it('a malformed percent-escape is a BadPath (answered 400), not a crash', () => {
    expect(() => parseResourcePath('/api/v1/namespaces/default/pods/%zz')).toThrow(BadPath);
  });
});
