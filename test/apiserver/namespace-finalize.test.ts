/**
 * Namespace deletion as the apiserver's part of it: `kubectl delete namespace` only marks the
 * namespace Terminating (no controller manager runs here, as in a Kubernetes cluster without
 * one), spec.finalizers change only through namespaces/finalize, and a terminating namespace
 * whose last finalizer goes is removed. Plain `fetch`, so nothing between the test and the wire
 * retries or rewrites (the gRPC door is in grpc-client.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { clusterPerSuite, freshNamespace, kubectlPerTest, uniqueName } from './cluster.js';
import { kubectlBinary } from '../support/kubectl.js';

interface Namespace {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; resourceVersion: string; labels?: Record<string, string>; deletionTimestamp?: string };
  spec?: { finalizers?: string[] };
  status?: { phase?: string };
}

interface Answer {
  status: number;
  body: Namespace & { reason?: string; code?: number; message?: string };
}

async function call(url: string, method: string, body?: unknown, contentType = 'application/json'): Promise<Answer> {
  const res = await fetch(url, {
    method,
    headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': contentType }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Answer['body'] };
}

describe('namespace deletion and namespaces/finalize', () => {
  const cluster = clusterPerSuite('kite-store');
  const kubectl = kubectlPerTest(cluster, kubectlBinary());
  const nsUrl = (name: string, sub = ''): string => `${cluster().url}/api/v1/namespaces/${name}${sub}`;
  const read = async (name: string): Promise<Namespace> => {
    const r = await call(nsUrl(name), 'GET');
    expect(r.status).toBe(200);
    return r.body;
  };
  const finalize = (ns: Namespace, finalizers: string[]): Promise<Answer> => call(nsUrl(ns.metadata.name, '/finalize'), 'PUT', { ...ns, spec: { finalizers } });

  it('kubectl delete leaves the namespace Terminating with its content until the finalizer is removed, then it goes', async () => {
    const k = kubectl();
    const ns = await freshNamespace(k, 'fin');
    await k.ok(['create', 'configmap', 'kept', '-n', ns]);
    expect(await k.ok(['delete', 'namespace', ns, '--wait=false'])).toBe(`namespace "${ns}" deleted\n`);

    const yaml = await k.ok(['get', 'ns', ns, '-o', 'yaml']);
    expect(yaml).toMatch(/\nstatus:\n {2}phase: Terminating\n/);
    expect(yaml).toMatch(/\nspec:\n {2}finalizers:\n {2}- kubernetes\n/);
    expect(await k.ok(['get', 'ns', ns, '--no-headers'])).toMatch(new RegExp(`^${ns}\\s+Terminating\\s`));
    // Nothing in the apiserver empties it: that is the namespace controller's work.
    expect(await k.ok(['get', 'configmap', 'kept', '-n', ns, '-o', 'name'])).toBe('configmap/kept\n');
    const refused = await k(['create', 'configmap', 'late', '-n', ns]);
    expect(refused.stderr).toContain('because it is being terminated');

    await k.ok(['delete', 'configmap', 'kept', '-n', ns]);
    const current = await read(ns);
    const done = await finalize(current, []);
    expect(done.status).toBe(200);
    expect(done.body.kind).toBe('Namespace');
    expect(done.body.spec?.finalizers).toBeUndefined();
    expect((await call(nsUrl(ns), 'GET')).status).toBe(404);
  });

  it('a plain or status update cannot change spec.finalizers; only finalize can', async () => {
    const ns = await freshNamespace(kubectl(), 'fin');
    const before = await read(ns);
    expect(before.spec?.finalizers).toEqual(['kubernetes']);

    const put = await call(nsUrl(ns), 'PUT', { ...before, metadata: { ...before.metadata, labels: { ...before.metadata.labels, team: 'a' } }, spec: { finalizers: ['example.com/x'] } });
    expect(put.status).toBe(200);
    expect(put.body.metadata.labels?.team).toBe('a');
    expect(put.body.spec?.finalizers).toEqual(['kubernetes']);
    const patched = await call(nsUrl(ns), 'PATCH', { spec: { finalizers: null } }, 'application/merge-patch+json');
    expect(patched.body.spec?.finalizers).toEqual(['kubernetes']);
    const status = await call(nsUrl(ns, '/status'), 'PUT', { ...patched.body, spec: {}, status: { phase: 'Active' } });
    expect(status.status).toBe(200);
    expect(status.body.spec?.finalizers).toEqual(['kubernetes']);

    // Only spec.finalizers comes from the finalize body; an active namespace stays.
    const swapped = await finalize({ ...status.body, metadata: { ...status.body.metadata, labels: { other: 'x' } } }, ['example.com/keep']);
    expect(swapped.status).toBe(200);
    expect(swapped.body.spec?.finalizers).toEqual(['example.com/keep']);
    expect(swapped.body.metadata.labels).toEqual({ 'kubernetes.io/metadata.name': ns, team: 'a' });
    // Removed once, the kubernetes finalizer does not come back with a later update.
    const relabelled = await call(nsUrl(ns), 'PATCH', { metadata: { labels: { team: 'b' } } }, 'application/merge-patch+json');
    expect(relabelled.body.spec?.finalizers).toEqual(['example.com/keep']);

    // Deleted, it waits for the remaining finalizer; once that goes, so does the namespace.
    expect((await call(nsUrl(ns), 'DELETE')).status).toBe(200);
    const terminating = await read(ns);
    expect(terminating.status?.phase).toBe('Terminating');
    const gone = await finalize(terminating, []);
    expect(gone.status).toBe(200);
    expect((await call(nsUrl(ns), 'GET')).status).toBe(404);
  });

  it('a namespace finalized while active and then deleted goes on the second delete, as in Kubernetes', async () => {
    const ns = await freshNamespace(kubectl(), 'fin');
    expect((await finalize(await read(ns), [])).status).toBe(200);
    expect((await call(nsUrl(ns), 'DELETE')).body.status?.phase).toBe('Terminating');
    expect((await call(nsUrl(ns), 'DELETE')).status).toBe(200);
    expect((await call(nsUrl(ns), 'GET')).status).toBe(404);
  });

  it('answers 404 for an unknown namespace, 409 for a stale resourceVersion, 405 for anything but PUT', async () => {
    const missing = uniqueName('missing');
    const unknown = await finalize({ metadata: { name: missing, resourceVersion: '' } }, []);
    expect([unknown.status, unknown.body.reason]).toEqual([404, 'NotFound']);
    expect(unknown.body.message).toBe(`namespaces "${missing}" not found`);

    const ns = await freshNamespace(kubectl(), 'fin');
    const first = await read(ns);
    await call(nsUrl(ns), 'PATCH', { metadata: { labels: { bump: '1' } } }, 'application/merge-patch+json');
    const stale = await finalize(first, []);
    expect([stale.status, stale.body.reason]).toEqual([409, 'Conflict']);
    expect((await read(ns)).spec?.finalizers).toEqual(['kubernetes']);
    const mismatch = await call(nsUrl(ns, '/finalize'), 'PUT', { ...(await read(ns)), metadata: { name: 'other' }, spec: { finalizers: [] } });
    expect(mismatch.status).toBe(400);

    for (const method of ['GET', 'PATCH', 'DELETE', 'POST']) {
      const r = await call(nsUrl(ns, '/finalize'), method, method === 'GET' || method === 'DELETE' ? undefined : {}, method === 'PATCH' ? 'application/merge-patch+json' : 'application/json');
      expect([method, r.status]).toEqual([method, 405]);
    }
    // Nor does DELETE of the status subresource delete the namespace.
    expect((await call(nsUrl(ns, '/status'), 'DELETE')).status).toBe(405);
    expect((await read(ns)).status?.phase).toBe('Active');
  });

  it('is advertised in discovery as namespaces/finalize (update only)', async () => {
    const r = (await (await fetch(`${cluster().url}/api/v1`)).json()) as { resources: Array<{ name: string; kind: string; verbs: string[] }> };
    expect(r.resources.find((x) => x.name === 'namespaces/finalize')).toMatchObject({ kind: 'Namespace', verbs: ['update'] });
  });
});
