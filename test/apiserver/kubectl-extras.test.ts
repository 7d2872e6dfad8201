import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { kubectlBinary } from '../support/kubectl.js';
import { clusterPerSuite, freshNamespace, kubectlPerTest, seed, seedDir } from './cluster.js';
import { names, parseTable } from './table-output.js';

/** What each seed manifest creates (examples/seeds/README.md says where it came from). */
const seedObjects: Record<string, string> = {
  'adapter-pod.yaml': 'pod/adapter-container-demo',
  'ambassador-pod.yaml': 'pod/ambassador-example',
  'command-args-pod.yaml': 'pod/nginx-echo',
  'configmap-consumer-pod.yaml': 'pod/configmap-consumer',
  'configmap.yaml': 'configmap/my-configmap',
  'downward-api-env-pod.yaml': 'pod/downward-env-demo',
  'downward-api-volume-pod.yaml': 'pod/downward-volume-demo',
  'env-pod.yaml': 'pod/env-demo',
  'git-init-container-pod.yaml': 'pod/git-init-demo',
  'host-path-volume-pod.yaml': 'pod/host-path-demo',
  'init-containers-pod.yaml': 'pod/myapp-pod',
  'kubia-manual-v2-pod.yaml': 'pod/kubia-manual-v2',
  'labeled-pod.yaml': 'pod/nginx',
  'namespace.yaml': 'namespace/test-namespace',
  'nginx-1.14-pod.yaml': 'pod/nginx',
  'nginx-1.19-pod.yaml': 'pod/nginx',
  'nginx-pod.yaml': 'pod/nginx-pod',
  'node-selector-foo-pod.yaml': 'pod/nginx-foo',
  'node-selector-pod.yaml': 'pod/nginx',
  'probes-pod.yaml': 'pod/probes-demo',
  'registry-image-pod.yaml': 'pod/busybox',
  'resources-pod.yaml': 'pod/resource-demo',
  'run-nginx-pod.yaml': 'pod/nginx',
  'secret-consumer-pod.yaml': 'pod/secret-consumer',
  'secret.yaml': 'secret/mysecret',
  'sidecar-pod.yaml': 'pod/nginx-sidecar',
  'simple-pod.yaml': 'pod/simple-pod',
};

// Checks beyond the core acceptance list, with the dispatcher (1.32) only.
describe('kubectl (dispatcher) details against kite-apiserver on kite-store', () => {
  const cluster = clusterPerSuite('kite-store');
  const kubectl = kubectlPerTest(cluster, kubectlBinary());

  it('accepts every seed manifest (server dry run) and stores none of them', async () => {
    const k = kubectl();
    const ns = await freshNamespace(k, 'seeds');
    const files = (await readdir(seedDir)).filter((f) => f.endsWith('.yaml')).sort();
    expect(files).toEqual(Object.keys(seedObjects).sort());
    for (const f of files) {
      const r = await k(['create', '--dry-run=server', '-f', seed(f), '-n', ns]);
      expect([f, r.code, r.stdout, r.stderr]).toEqual([f, 0, `${seedObjects[f]} created (server dry run)\n`, '']);
    }
    expect(await k.ok(['get', 'pods,configmaps,secrets', '-n', ns, '-o', 'name'])).toBe('');
    expect((await k(['get', 'ns', 'test-namespace'])).stderr).toBe('Error from server (NotFound): namespaces "test-namespace" not found\n');
    // Every seed is stored as written once created for real (a few, the rest share names).
    for (const f of ['probes-pod.yaml', 'downward-api-env-pod.yaml', 'downward-api-volume-pod.yaml', 'configmap-consumer-pod.yaml', 'resources-pod.yaml', 'command-args-pod.yaml']) {
      await k.ok(['create', '-f', seed(f), '-n', ns]);
    }
    const probes = JSON.parse(await k.ok(['get', 'pod', 'probes-demo', '-n', ns, '-o', 'json'])) as any;
    expect(probes.spec.containers[0].livenessProbe.httpGet).toEqual({ path: '/live', port: 80, scheme: 'HTTP' });
    expect(probes.spec.containers[1].readinessProbe.exec).toEqual({ command: ['cat', '/tmp/ready'] });
    const resources = JSON.parse(await k.ok(['get', 'pod', 'resource-demo', '-n', ns, '-o', 'json'])) as any;
    expect(resources.spec.containers[0].resources).toEqual({ requests: { memory: '64Mi', cpu: '250m' }, limits: { memory: '128Mi', cpu: '500m' } });
    expect(resources.status.qosClass).toBe('Burstable');
    expect(await k.ok(['get', 'pod', 'nginx-echo', '-n', ns, '-o', 'jsonpath={.spec.restartPolicy} {.spec.containers[0].command} {.spec.containers[0].args}'])).toBe('OnFailure ["/bin/echo"] ["hello"]');
    expect(await k.ok(['get', 'pod', 'downward-volume-demo', '-n', ns, '-o', 'jsonpath={.spec.volumes[0].downwardAPI.items[0].fieldRef.fieldPath}'])).toBe('metadata.labels');
  });

  it('get --sort-by, --chunk-size and -o custom-columns', async () => {
    const k = kubectl();
    const ns = await freshNamespace(k, 'sort');
    for (const name of ['charlie', 'alpha', 'echo', 'bravo', 'delta']) await k.ok(['run', name, `--image=nginx:1.${name.length}`, '-n', ns]);
    const sorted = await k.ok(['get', 'pods', '--sort-by=.spec.containers[0].image', '-n', ns, '-o', 'custom-columns=NAME:.metadata.name,IMAGE:.spec.containers[0].image']);
    expect(parseTable(sorted).map((r) => `${r.NAME}:${r.IMAGE}`)).toEqual(['echo:nginx:1.4', 'alpha:nginx:1.5', 'bravo:nginx:1.5', 'delta:nginx:1.5', 'charlie:nginx:1.7']);
    expect(names(await k.ok(['get', 'pods', '--chunk-size=2', '-n', ns]))).toEqual(['alpha', 'bravo', 'charlie', 'delta', 'echo']);
    expect(await k.ok(['get', 'pods', '--chunk-size=1', '-o', 'name', '-n', ns])).toBe('pod/alpha\npod/bravo\npod/charlie\npod/delta\npod/echo\n');
  });

  // No kubelet runs here: an unscheduled pod has no logs yet (Kubernetes answers an empty 200)
  // and cannot be exec'ed into (400, in Kubernetes' words).
  it('logs and exec of a pod no node has taken', async () => {
    const k = kubectl();
    const ns = await freshNamespace(k, 'logs');
    await k.ok(['create', '-f', seed('nginx-pod.yaml'), '-n', ns]);
    const logs = await k(['logs', 'nginx-pod', '-n', ns]);
    expect([logs.code, logs.stdout, logs.stderr]).toEqual([0, '', '']);
    const exec = await k(['exec', 'nginx-pod', '-n', ns, '--', 'ls']);
    expect([exec.code, exec.stderr]).toEqual([1, 'Error from server (BadRequest): pod nginx-pod does not have a host assigned\n']);
  });

  // BUG (kite-apiserver): metadata.generation is compared before defaulting, so a patch that
  // only drops a defaulted field (the spec is the same once defaulted) bumps it, and a
  // rollout would wait for an observedGeneration no change asked for.
  it('metadata.generation moves only when the defaulted spec changes', async () => {
    const k = kubectl();
    const ns = await freshNamespace(k, 'generation');
    await k.ok(['create', 'deployment', 'web', '--image=nginx', '-n', ns]);
    const generation = () => k.ok(['get', 'deploy', 'web', '-n', ns, '-o', 'jsonpath={.metadata.generation}']);
    expect(await generation()).toBe('1');
    await k.ok(['label', 'deploy', 'web', 'tier=front', '-n', ns]);
    expect(await generation()).toBe('1');
    // Dropping a field the server defaults again (600) leaves the spec as it was.
    await k.ok(['patch', 'deploy', 'web', '-n', ns, '--type=merge', '-p', '{"spec":{"progressDeadlineSeconds":null}}']);
    expect(await k.ok(['get', 'deploy', 'web', '-n', ns, '-o', 'jsonpath={.spec.progressDeadlineSeconds}'])).toBe('600');
    expect(await generation()).toBe('1');
    await k.ok(['patch', 'deploy', 'web', '-n', ns, '--type=merge', '-p', '{"spec":{"progressDeadlineSeconds":300}}']);
    expect(await generation()).toBe('2');
  });

  // `kubectl get -o yaml > f`, delete, `kubectl create -f f` (the seed notes' workflow) works:
  // kubectl drops the resourceVersion itself. A client that sends one is refused, as Kubernetes
  // does (storage.ErrResourceVersionSetOnCreate, a 500 without reason).
  it('re-creates an exported object, and refuses a create that carries a resourceVersion', async () => {
    const k = kubectl();
    const ns = await freshNamespace(k, 'export');
    await k.ok(['create', '-f', seed('simple-pod.yaml'), '-n', ns]);
    const exported = path.join(k.dir, 'exported.yaml');
    await writeFile(exported, await k.ok(['get', 'pod', 'simple-pod', '-n', ns, '-o', 'yaml']));
    expect(await readFile(exported, 'utf8')).toMatch(/\n {2}resourceVersion: "\d+"\n/);
    await k.ok(['delete', 'pod', 'simple-pod', '-n', ns]);
    expect(await k.ok(['create', '-f', exported])).toBe('pod/simple-pod created\n');

    const res = await fetch(`${cluster().url}/api/v1/namespaces/${ns}/configmaps`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'with-rv', resourceVersion: '5' } }),
    });
    expect(res.status).toBe(500);
    expect(await res.json()).toMatchObject({ kind: 'Status', status: 'Failure', message: 'resourceVersion should not be set on objects to be created', code: 500 });
    expect(await k.ok(['get', 'configmaps', '-n', ns, '-o', 'name'])).toBe('');
  });

  // BUG (kite-apiserver): removing the last label or annotation stores an empty map, so
  // `-o yaml` shows `annotations: {}`; Kubernetes drops empty maps (omitempty).
  it('removing the last annotation leaves no empty map behind', async () => {
    const k = kubectl();
    const ns = await freshNamespace(k, 'empty');
    await k.ok(['create', '-f', seed('nginx-pod.yaml'), '-n', ns]);
    await k.ok(['annotate', 'pod', 'nginx-pod', 'note=x', '-n', ns]);
    await k.ok(['label', 'pod', 'nginx-pod', 'tier=x', '-n', ns]);
    await k.ok(['annotate', 'pod', 'nginx-pod', 'note-', '-n', ns]);
    await k.ok(['label', 'pod', 'nginx-pod', 'tier-', '-n', ns]);
    const meta = (JSON.parse(await k.ok(['get', 'pod', 'nginx-pod', '-n', ns, '-o', 'json'])) as { metadata: Record<string, unknown> }).metadata;
    expect([meta.annotations, meta.labels]).toEqual([undefined, undefined]);
  });
});
