/**
 * Acceptance point 2 of the apiserver issue: the official JavaScript client,
 * `@kubernetes/client-node`, works unchanged against kite-apiserver — CRUD and a watch on
 * pods and configmaps. The client is configured from a KubeConfig built in code, as an
 * application talking to a real cluster would be.
 */
import { CoreV1Api, KubeConfig, PatchStrategy, Watch, setHeaderOptions, type V1ConfigMap, type V1ObjectMeta, type V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupAfterEach, startApiServer, startKiteStore, tempDir, waitFor, type Cleanup } from '../support/processes.js';

interface Obj {
  metadata?: V1ObjectMeta;
}

/** How each verb reaches one kind through CoreV1Api; the test body is the same for both kinds. */
interface Kind<T extends Obj> {
  resource: string;
  make(name: string, labels: Record<string, string>): T;
  /** A change made by replace, and how to see it on the result. */
  change(obj: T): T;
  changed(obj: T): boolean;
  /** A merge patch, and how to see that it merged rather than replaced. */
  patch: object;
  patched(obj: T): boolean;
  create(api: CoreV1Api, namespace: string, body: T): Promise<T>;
  read(api: CoreV1Api, namespace: string, name: string): Promise<T>;
  list(api: CoreV1Api, namespace: string, labelSelector?: string): Promise<{ items: T[]; metadata?: { resourceVersion?: string } }>;
  replace(api: CoreV1Api, namespace: string, name: string, body: T): Promise<T>;
  mergePatch(api: CoreV1Api, namespace: string, name: string, body: object): Promise<T>;
  delete(api: CoreV1Api, namespace: string, name: string): Promise<unknown>;
}

const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

const configmaps: Kind<V1ConfigMap> = {
  resource: 'configmaps',
  make: (name, labels) => ({ metadata: { name, labels }, data: { greeting: 'hello', keep: 'me' } }),
  change: (cm) => ({ ...cm, data: { ...cm.data, greeting: 'bonjour' } }),
  changed: (cm) => cm.data?.greeting === 'bonjour' && cm.data.keep === 'me',
  patch: { data: { added: 'by-patch' }, metadata: { labels: { patched: 'yes' } } },
  patched: (cm) => cm.data?.added === 'by-patch' && cm.data.greeting === 'bonjour' && cm.data.keep === 'me' && cm.metadata?.labels?.patched === 'yes',
  create: (api, namespace, body) => api.createNamespacedConfigMap({ namespace, body }),
  read: (api, namespace, name) => api.readNamespacedConfigMap({ namespace, name }),
  list: (api, namespace, labelSelector) => api.listNamespacedConfigMap({ namespace, ...(labelSelector ? { labelSelector } : {}) }),
  replace: (api, namespace, name, body) => api.replaceNamespacedConfigMap({ namespace, name, body }),
  mergePatch: (api, namespace, name, body) => api.patchNamespacedConfigMap({ namespace, name, body }, merge),
  delete: (api, namespace, name) => api.deleteNamespacedConfigMap({ namespace, name }),
};

const pods: Kind<V1Pod> = {
  resource: 'pods',
  make: (name, labels) => ({ metadata: { name, labels }, spec: { containers: [{ name: 'web', image: 'nginx:1.25' }] } }),
  // A container's image is one of the few pod spec fields an update may change.
  change: (pod) => ({ ...pod, spec: { ...pod.spec, containers: [{ name: 'web', image: 'nginx:1.27' }] } }),
  changed: (pod) => pod.spec?.containers[0]?.image === 'nginx:1.27',
  patch: { metadata: { labels: { patched: 'yes' }, annotations: { note: 'by-patch' } } },
  patched: (pod) => pod.metadata?.labels?.patched === 'yes' && pod.metadata.annotations?.note === 'by-patch' && pod.spec?.containers[0]?.image === 'nginx:1.27',
  create: (api, namespace, body) => api.createNamespacedPod({ namespace, body }),
  read: (api, namespace, name) => api.readNamespacedPod({ namespace, name }),
  list: (api, namespace, labelSelector) => api.listNamespacedPod({ namespace, ...(labelSelector ? { labelSelector } : {}) }),
  replace: (api, namespace, name, body) => api.replaceNamespacedPod({ namespace, name, body }),
  mergePatch: (api, namespace, name, body) => api.patchNamespacedPod({ namespace, name, body }, merge),
  // An unscheduled pod has no kubelet to confirm its end, so it goes at once even when graceful.
  delete: (api, namespace, name) => api.deleteNamespacedPod({ namespace, name }),
};

/** The HTTP code and Status reason of a failed call (client-node keeps the body as text). */
async function failure(call: Promise<unknown>): Promise<{ code: number; reason?: string }> {
  try {
    await call;
  } catch (err) {
    const e = err as { code?: number; body?: unknown };
    if (typeof e.code !== 'number') throw err;
    const body = typeof e.body === 'string' ? (JSON.parse(e.body) as { reason?: string }) : (e.body as { reason?: string } | undefined);
    return { code: e.code, ...(body?.reason ? { reason: body.reason } : {}) };
  }
  throw new Error('expected the call to fail');
}

const names = (items: Obj[]): string[] => items.map((o) => o.metadata?.name ?? '?').sort();

describe('@kubernetes/client-node against kite-apiserver', () => {
  const cleanups = cleanupAfterEach();
  const processes: Cleanup[] = [];
  let api: CoreV1Api;
  let kc: KubeConfig;
  let n = 0;

  beforeAll(async () => {
    const tmp = await tempDir('client-node');
    processes.push(tmp.remove);
    const store = await startKiteStore(tmp.dir);
    processes.push(() => store.stop());
    const server = await startApiServer([store.endpoint]);
    processes.push(() => server.stop());
    kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'kite', server: server.url, skipTLSVerify: true }],
      users: [{ name: 'kite' }],
      contexts: [{ name: 'kite', cluster: 'kite', user: 'kite', namespace: 'default' }],
      currentContext: 'kite',
    });
    api = kc.makeApiClient(CoreV1Api);
  });

  afterAll(async () => {
    for (const c of processes.splice(0).reverse()) await c();
  });

  /** A fresh namespace per test, made through the client too. */
  async function namespace(): Promise<string> {
    const name = `cn-${++n}`;
    const ns = await api.createNamespace({ body: { metadata: { name } } });
    expect(ns.metadata?.name).toBe(name);
    expect(ns.status?.phase).toBe('Active');
    return name;
  }

  const kinds = [
    ['configmaps', configmaps],
    ['pods', pods],
  ] as [string, Kind<Obj>][];

  it.each(kinds)('%s: create, read, list by label, replace, merge-patch, delete', async (_name, kind) => {
    const ns = await namespace();

    const a = await kind.create(api, ns, kind.make('alpha', { app: 'a', tier: 'web' }));
    const b = await kind.create(api, ns, kind.make('beta', { app: 'b' }));
    expect(a.metadata?.namespace).toBe(ns);
    expect(a.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.metadata?.creationTimestamp).toBeInstanceOf(Date);
    expect(Number(b.metadata?.resourceVersion)).toBeGreaterThan(Number(a.metadata?.resourceVersion));
    expect(await failure(kind.create(api, ns, kind.make('alpha', {})))).toEqual({ code: 409, reason: 'AlreadyExists' });

    const read = await kind.read(api, ns, 'alpha');
    expect(read.metadata?.uid).toBe(a.metadata?.uid);
    expect(read.metadata?.resourceVersion).toBe(a.metadata?.resourceVersion);
    expect(read.metadata?.labels).toEqual({ app: 'a', tier: 'web' });
    expect(await failure(kind.read(api, ns, 'missing'))).toEqual({ code: 404, reason: 'NotFound' });

    const selectors: [string, string[]][] = [
      ['', ['alpha', 'beta']],
      ['app=a', ['alpha']],
      ['app!=a', ['beta']],
      ['app in (a,b)', ['alpha', 'beta']],
      ['app notin (a)', ['beta']],
      ['tier', ['alpha']],
      ['!tier', ['beta']],
      ['app=a,tier=db', []],
    ];
    for (const [selector, expected] of selectors) {
      const list = await kind.list(api, ns, selector || undefined);
      expect(names(list.items), `labelSelector ${JSON.stringify(selector)}`).toEqual(expected);
      expect(Number(list.metadata?.resourceVersion)).toBeGreaterThanOrEqual(Number(b.metadata?.resourceVersion));
    }

    const replaced = await kind.replace(api, ns, 'alpha', kind.change(read));
    expect(kind.changed(replaced)).toBe(true);
    expect(replaced.metadata?.uid).toBe(a.metadata?.uid);
    expect(Number(replaced.metadata?.resourceVersion)).toBeGreaterThan(Number(read.metadata?.resourceVersion));
    // The same resourceVersion again is now stale: a lost update, refused.
    expect(await failure(kind.replace(api, ns, 'alpha', kind.change(read)))).toEqual({ code: 409, reason: 'Conflict' });

    const patched = await kind.mergePatch(api, ns, 'alpha', kind.patch);
    expect(kind.patched(patched)).toBe(true);
    expect(patched.metadata?.labels?.app).toBe('a');
    expect(Number(patched.metadata?.resourceVersion)).toBeGreaterThan(Number(replaced.metadata?.resourceVersion));
    expect(kind.patched(await kind.read(api, ns, 'alpha'))).toBe(true);

    await kind.delete(api, ns, 'alpha');
    expect(await failure(kind.read(api, ns, 'alpha'))).toEqual({ code: 404, reason: 'NotFound' });
    expect(names((await kind.list(api, ns)).items)).toEqual(['beta']);
    expect(await failure(kind.delete(api, ns, 'alpha'))).toEqual({ code: 404, reason: 'NotFound' });
  });

  it.each(kinds)('%s: a watch sees ADDED, MODIFIED, DELETED in order', async (_name, kind) => {
    const ns = await namespace();
    // Something older than the watch that it must not report.
    await kind.create(api, ns, kind.make('before', { app: 'w' }));
    const from = (await kind.list(api, ns)).metadata?.resourceVersion;
    expect(from).toBeDefined();

    const events: { type: string; name?: string; rv?: string; obj: Obj }[] = [];
    let ended: unknown = 'not ended';
    const watch = new Watch(kc);
    const abort = await watch.watch(
      `/api/v1/namespaces/${ns}/${kind.resource}`,
      { resourceVersion: from },
      (type, obj: Obj) => events.push({ type, name: obj.metadata?.name, rv: obj.metadata?.resourceVersion, obj }),
      (err) => (ended = err),
    );
    cleanups.push(() => abort.abort());
    expect(ended).toBe('not ended');

    const created = await kind.create(api, ns, kind.make('watched', { app: 'w' }));
    const replaced = await kind.replace(api, ns, 'watched', kind.change(created));
    await kind.delete(api, ns, 'watched');

    await waitFor('three watch events', () => (events.length >= 3 ? true : undefined));
    expect(events.map((e) => [e.type, e.name])).toEqual([
      ['ADDED', 'watched'],
      ['MODIFIED', 'watched'],
      ['DELETED', 'watched'],
    ]);
    expect(events[0]?.rv).toBe(created.metadata?.resourceVersion);
    expect(events[1]?.rv).toBe(replaced.metadata?.resourceVersion);
    expect(kind.changed(events[1]?.obj as Obj)).toBe(true);
    expect(Number(events[2]?.rv)).toBeGreaterThan(Number(replaced.metadata?.resourceVersion));
    expect(ended).toBe('not ended');
  });
});
