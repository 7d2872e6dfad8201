import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, it } from 'vitest';
import { waitFor } from '../support/processes.js';
import { freshNamespace, seed, uniqueName, waitForOutput, type Cluster, type TestKubectl } from './cluster.js';
import { names, parseTable } from './table-output.js';

/** The manifests the `get` tests select among, with the labels the seed notes gave them. */
const labelledSeeds = ['kubia-manual-v2-pod.yaml', 'labeled-pod.yaml', 'init-containers-pod.yaml', 'nginx-pod.yaml'];

const boundPod = (name: string, node: string) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels: {app: bound}
spec:
  nodeName: ${node}
  containers:
  - name: main
    image: busybox
`;

const jsonOf = async (k: TestKubectl, args: string[]): Promise<Record<string, any>> => JSON.parse(await k.ok([...args, '-o', 'json'])) as Record<string, any>;

/**
 * The kubectl acceptance checks of issue 3 that every kubectl version and every store backend
 * must pass. Call inside a describe that set up `cluster` and `kubectl`.
 */
export function coreSuite(cluster: () => Cluster, kubectl: () => TestKubectl): void {
  it('get pods|po with -o wide|name|json|yaml, --show-labels, -L, -A and every selector operator', async () => {
    const k = kubectl();
    const ns = await freshNamespace(k, 'get');
    for (const f of labelledSeeds) await k.ok(['create', '-f', seed(f), '-n', ns]);

    const table = await k.ok(['get', 'pods', '-n', ns]);
    expect(table.split('\n')[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    expect(parseTable(table)).toEqual(
      ['kubia-manual-v2', 'myapp-pod', 'nginx', 'nginx-pod'].map((name) => ({ NAME: name, READY: '0/1', STATUS: 'Pending', RESTARTS: '0', AGE: expect.stringMatching(/^\d+s$/) })),
    );
    expect(names(await k.ok(['get', 'po', '-n', ns]))).toEqual(names(table));

    const wide = await k.ok(['get', 'pods', '-o', 'wide', '-n', ns]);
    expect(wide.split('\n')[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/);
    expect(parseTable(wide).find((r) => r.NAME === 'nginx-pod')).toMatchObject({ IP: '<none>', NODE: '<none>', 'NOMINATED NODE': '<none>', 'READINESS GATES': '<none>' });

    expect(await k.ok(['get', 'pods', '-o', 'name', '-n', ns])).toBe('pod/kubia-manual-v2\npod/myapp-pod\npod/nginx\npod/nginx-pod\n');

    const list = JSON.parse(await k.ok(['get', 'pods', '-o', 'json', '-n', ns])) as { kind: string; items: { metadata: { name: string; namespace: string } }[] };
    expect(list.kind).toBe('List');
    expect(list.items.map((p) => `${p.metadata.namespace}/${p.metadata.name}`)).toEqual(['kubia-manual-v2', 'myapp-pod', 'nginx', 'nginx-pod'].map((n) => `${ns}/${n}`));

    const yaml = await k.ok(['get', 'po', 'nginx-pod', '-o', 'yaml', '-n', ns]);
    expect(yaml).toMatch(/^apiVersion: v1\n/);
    expect(yaml).toContain('\nkind: Pod\n');
    expect(yaml).toContain(`  namespace: ${ns}\n`);
    expect(yaml).toMatch(/  - containerPort: 8080\n\s+protocol: TCP\n/);
    expect(yaml).toMatch(/uid: [0-9a-f-]{36}\n/);
    expect(yaml).toMatch(/creationTimestamp: "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"\n/);

    const labels = parseTable(await k.ok(['get', 'pods', '--show-labels', '-n', ns]));
    expect(Object.fromEntries(labels.map((r) => [r.NAME, r.LABELS]))).toEqual({
      'kubia-manual-v2': 'creation_method=manual,env=prod',
      'myapp-pod': 'app=myapp',
      nginx: 'creation_method=manual,env=dev',
      'nginx-pod': '<none>',
    });

    const columns = await k.ok(['get', 'pods', '-L', 'creation_method,env', '-n', ns]);
    expect(columns.split('\n')[0]).toMatch(/AGE\s+CREATION_METHOD\s+ENV$/);
    expect(Object.fromEntries(parseTable(columns).map((r) => [r.NAME, `${r.CREATION_METHOD}|${r.ENV}`]))).toEqual({
      'kubia-manual-v2': 'manual|prod',
      'myapp-pod': '|',
      nginx: 'manual|dev',
      'nginx-pod': '|',
    });

    const selectors: [string, string[]][] = [
      ['creation_method=manual', ['kubia-manual-v2', 'nginx']],
      ['env==dev', ['nginx']],
      ['env!=prod', ['myapp-pod', 'nginx', 'nginx-pod']],
      ['env in (prod,dev)', ['kubia-manual-v2', 'nginx']],
      ['env in (prod, dev)', ['kubia-manual-v2', 'nginx']],
      ['env notin (prod)', ['myapp-pod', 'nginx', 'nginx-pod']],
      ['env', ['kubia-manual-v2', 'nginx']],
      ['!env', ['myapp-pod', 'nginx-pod']],
      ['app=myapp,!env', ['myapp-pod']],
      ['creation_method=manual,env notin (dev)', ['kubia-manual-v2']],
    ];
    for (const [selector, want] of selectors) {
      expect([selector, names(await k.ok(['get', 'pods', '-l', selector, '-n', ns]))]).toEqual([selector, want]);
    }
    const none = await k(['get', 'pods', '-l', 'env=staging', '-n', ns]);
    expect([none.code, none.stdout, none.stderr]).toEqual([0, '', `No resources found in ${ns} namespace.\n`]);

    const all = parseTable(await k.ok(['get', 'pods', '-A', '-l', 'env']));
    expect(all.filter((r) => r.NAMESPACE === ns).map((r) => r.NAME)).toEqual(['kubia-manual-v2', 'nginx']);
    expect(all.every((r) => r.NAMESPACE !== undefined && r.STATUS !== undefined)).toBe(true);

    const fields: [string, string[]][] = [
      ['metadata.name=nginx', ['nginx']],
      ['metadata.name!=nginx', ['kubia-manual-v2', 'myapp-pod', 'nginx-pod']],
      ['status.phase=Pending', ['kubia-manual-v2', 'myapp-pod', 'nginx', 'nginx-pod']],
      ['status.phase=Running', []],
      ['spec.nodeName=', ['kubia-manual-v2', 'myapp-pod', 'nginx', 'nginx-pod']],
    ];
    for (const [selector, want] of fields) {
      expect([selector, names(await k.ok(['get', 'pods', '--field-selector', selector, '-n', ns]))]).toEqual([selector, want]);
    }
    const byNamespace = parseTable(await k.ok(['get', 'pods', '-A', '--field-selector', `metadata.namespace=${ns}`]));
    expect(byNamespace.map((r) => `${r.NAMESPACE}/${r.NAME}`)).toEqual(['kubia-manual-v2', 'myapp-pod', 'nginx', 'nginx-pod'].map((n) => `${ns}/${n}`));
  });

  it('get ns|nodes|all print their columns', async () => {
    const k = kubectl();
    const ns = await freshNamespace(k, 'all');
    const nsRows = parseTable(await k.ok(['get', 'ns']));
    for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease', ns]) {
      expect(nsRows.find((r) => r.NAME === name)).toMatchObject({ STATUS: 'Active', AGE: expect.stringMatching(/^\d+[smh]/) });
    }
    expect(await k.ok(['get', 'namespaces', ns, '-o', 'name'])).toBe(`namespace/${ns}\n`);

    const node = uniqueName('worker');
    const nodeYaml = `apiVersion: v1
kind: Node
metadata:
  name: ${node}
  labels: {node-role.kubernetes.io/control-plane: "", gpu: "true"}
status:
  conditions:
  - {type: Ready, status: "True", reason: KubeletReady, message: ready, lastHeartbeatTime: "2024-01-01T00:00:00Z", lastTransitionTime: "2024-01-01T00:00:00Z"}
  addresses:
  - {type: InternalIP, address: 10.0.0.7}
  nodeInfo: {kubeletVersion: v1.32.0, kubeProxyVersion: "", osImage: Debian, kernelVersion: "6.1", containerRuntimeVersion: kite://0.1, operatingSystem: linux, architecture: amd64, machineID: m, systemUUID: s, bootID: b}
`;
    await k.ok(['create', '-f', '-'], { stdin: nodeYaml });
    const nodes = await k.ok(['get', 'nodes']);
    expect(nodes.split('\n')[0]).toMatch(/^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION$/);
    // Nodes keep the status they were created with (Kubernetes' node strategy allows it).
    expect(parseTable(nodes).find((r) => r.NAME === node)).toMatchObject({ STATUS: 'Ready', ROLES: 'control-plane', VERSION: 'v1.32.0' });
    expect(parseTable(await k.ok(['get', 'no', '-o', 'wide', '-l', 'gpu=true'])).find((r) => r.NAME === node)).toMatchObject({ 'INTERNAL-IP': '10.0.0.7', 'OS-IMAGE': 'Debian' });

    await k.ok(['create', '-f', seed('nginx-pod.yaml'), '-n', ns]);
    await k.ok(['create', 'deployment', 'web', '--image=nginx', '-n', ns]);
    const all = await k.ok(['get', 'all', '-n', ns]);
    expect(all).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\npod\/nginx-pod\s+0\/1\s+Pending\s+0\s+\d+s\n/);
    expect(all).toMatch(/\nNAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\ndeployment\.apps\/web\s+0\/1\s+0\s+0\s+\d+s\n/);
  });

  it('get -w prints the ADDED and MODIFIED events as they happen', async () => {
    const k = kubectl();
    const ns = await freshNamespace(k, 'watch');
    await k.ok(['run', 'first', '--image=nginx', '-n', ns]);
    const w = k.spawn(['get', 'pods', '-w', '--output-watch-events', '-n', ns]);
    await waitForOutput(w, 'the initial list', /^ADDED\s+first\s+0\/1\s+Pending/m);
    await k.ok(['run', 'second', '--image=nginx', '-n', ns]);
    await waitForOutput(w, 'the ADDED event', /^ADDED\s+second\s+0\/1\s+Pending\s+0\s+\d+s$/m);
    await k.ok(['label', 'pod', 'second', 'stage=two', '-n', ns]);
    await waitForOutput(w, 'the MODIFIED event', /^MODIFIED\s+second\s+0\/1\s+Pending/m);
    expect(w.output().split('\n')[0]).toMatch(/^EVENT\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);

    const plain = k.spawn(['get', 'pods', 'second', '-w', '-o', 'name', '-n', ns]);
    await waitForOutput(plain, 'the watched pod', /^pod\/second$/m);
    await k.ok(['annotate', 'pod', 'second', 'seen=yes', '-n', ns]);
    await waitForOutput(plain, 'the second line for the modification', /^pod\/second\npod\/second$/m);
    expect(plain.output()).not.toContain('first');

    await k.ok(['delete', 'pod', 'second', '-n', ns]);
    await waitForOutput(w, 'the DELETED event', /^DELETED\s+second\s/m);
  });

  it('create -f and apply -f (twice, with a change, and --server-side) the seed manifests', async () => {
    const k = kubectl();
    const ns = await freshNamespace(k, 'apply');
    expect(await k.ok(['create', '-f', seed('sidecar-pod.yaml'), '-n', ns])).toBe('pod/nginx-sidecar created\n');
    const dup = await k(['create', '-f', seed('sidecar-pod.yaml'), '-n', ns]);
    expect([dup.code, dup.stderr]).toEqual([1, `Error from server (AlreadyExists): error when creating "${seed('sidecar-pod.yaml')}": pods "nginx-sidecar" already exists\n`]);
    const sidecar = await jsonOf(k, ['get', 'pod', 'nginx-sidecar', '-n', ns]);
    expect(sidecar.spec.containers.map((c: { name: string }) => c.name)).toEqual(['nginx', 'sidecar-access']);
    expect(sidecar.spec.containers[1].args).toEqual(['/bin/sh', '-c', 'tail -n+1 -f /var/log/nginx/access.log']);
    expect(sidecar.spec.volumes).toEqual([{ name: 'logs', emptyDir: {} }]);

    expect(await k.ok(['apply', '-f', seed('simple-pod.yaml'), '-n', ns])).toBe('pod/simple-pod created\n');
    const first = await jsonOf(k, ['get', 'pod', 'simple-pod', '-n', ns]);
    expect(JSON.parse(first.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'])).toMatchObject({ kind: 'Pod', metadata: { name: 'simple-pod' } });
    expect(await k.ok(['apply', '-f', seed('simple-pod.yaml'), '-n', ns])).toBe('pod/simple-pod unchanged\n');
    const changed = path.join(k.dir, 'simple-pod.yaml');
    await writeFile(changed, (await readFile(seed('simple-pod.yaml'), 'utf8')).replace('nginx:latest', 'nginx:1.27').replace('  name: simple-pod\n', '  name: simple-pod\n  labels: {tier: web}\n'));
    expect(await k.ok(['apply', '-f', changed, '-n', ns])).toBe('pod/simple-pod configured\n');
    const second = await jsonOf(k, ['get', 'pod', 'simple-pod', '-n', ns]);
    expect(second.spec.containers[0].image).toBe('nginx:1.27');
    expect(second.metadata.labels).toEqual({ tier: 'web' });
    expect(second.metadata.uid).toBe(first.metadata.uid);
    expect(Number(second.metadata.resourceVersion)).toBeGreaterThan(Number(first.metadata.resourceVersion));
    // Applying the original again removes the label the last apply added (null in the patch).
    expect(await k.ok(['apply', '-f', seed('simple-pod.yaml'), '-n', ns])).toBe('pod/simple-pod configured\n');
    const third = await jsonOf(k, ['get', 'pod', 'simple-pod', '-n', ns]);
    expect([third.spec.containers[0].image, third.metadata.labels]).toEqual(['nginx:latest', undefined]);

    expect(await k.ok(['apply', '--server-side', '-f', seed('ambassador-pod.yaml'), '-n', ns])).toBe('pod/ambassador-example serverside-applied\n');
    expect(await k.ok(['apply', '--server-side', '-f', seed('ambassador-pod.yaml'), '-n', ns])).toBe('pod/ambassador-example serverside-applied\n');
    const ssa = path.join(k.dir, 'ambassador.yaml');
    await writeFile(ssa, (await readFile(seed('ambassador-pod.yaml'), 'utf8')).replace('image: redis\n', 'image: redis:7\n'));
    expect(await k.ok(['apply', '--server-side', '-f', ssa, '-n', ns])).toBe('pod/ambassador-example serverside-applied\n');
    const amb = await jsonOf(k, ['get', 'pod', 'ambassador-example', '-n', ns]);
    expect(amb.spec.containers.map((c: { image: string }) => c.image)).toEqual(['redis:7', 'malexer/twemproxy']);
    expect(amb.spec.containers[1].env).toEqual([{ name: 'REDIS_SERVERS', value: expect.stringContaining('redis-st-0.redis-svc') }]);

    // A cluster-scoped seed, and a ConfigMap and Secret from the notes.
    await k.ok(['apply', '-f', seed('configmap.yaml'), '-n', ns]);
    await k.ok(['apply', '-f', seed('secret.yaml'), '-n', ns]);
    expect(await k.ok(['get', 'configmap', 'my-configmap', '-n', ns, '-o', 'jsonpath={.data.key1},{.data.key2}'])).toBe('value1,value2');
    expect(await k.ok(['get', 'secret', 'mysecret', '-n', ns, '-o', 'jsonpath={.type},{.data.username},{.data.password}'])).toBe('Opaque,YWRtaW4=,cGFzc3dvcmQ=');
  });

  it('run, label --overwrite, annotate', async () => {
    const k = kubectl();
    const ns = await freshNamespace(k, 'label');
    expect(await k.ok(['run', 'nginx', '--image=nginx', '-n', ns])).toBe('pod/nginx created\n');
    const pod = await jsonOf(k, ['get', 'pod', 'nginx', '-n', ns]);
    expect(pod.metadata.labels).toEqual({ run: 'nginx' });
    expect(pod.spec.containers).toMatchObject([{ name: 'nginx', image: 'nginx' }]);
    expect(pod.spec.restartPolicy).toBe('Always');

    expect(await k.ok(['label', 'pod', 'nginx', 'created_method=manual', '-n', ns])).toBe('pod/nginx labeled\n');
    const clash = await k(['label', 'pod', 'nginx', 'created_method=auto', '-n', ns]);
    expect([clash.code, clash.stderr]).toEqual([1, "error: 'created_method' already has a value (manual), and --overwrite is false\n"]);
    expect(await k.ok(['label', 'pod', 'nginx', 'created_method=auto', '--overwrite', '-n', ns])).toBe('pod/nginx labeled\n');
    expect(await k.ok(['annotate', 'pod', 'nginx', 'owner=team-a', 'note=hello world', '-n', ns])).toBe('pod/nginx annotated\n');
    const after = await jsonOf(k, ['get', 'pod', 'nginx', '-n', ns]);
    expect(after.metadata.labels).toEqual({ run: 'nginx', created_method: 'auto' });
    expect(after.metadata.annotations).toEqual({ owner: 'team-a', note: 'hello world' });

    expect(await k.ok(['label', 'pod', 'nginx', 'created_method-', '-n', ns])).toBe('pod/nginx unlabeled\n');
    expect(await k.ok(['annotate', 'pod', 'nginx', 'note-', '-n', ns])).toBe('pod/nginx annotated\n');
    expect(names(await k.ok(['get', 'pods', '-l', 'run=nginx,!created_method', '-n', ns]))).toEqual(['nginx']);
    expect(await k.ok(['get', 'pod', 'nginx', '-n', ns, '-o', 'jsonpath={.metadata.annotations}'])).toBe('{"owner":"team-a"}');
  });

  it('edit with a scripted editor, and patch of all three types', async () => {
    const k = kubectl();
    const ns = await freshNamespace(k, 'patch');
    await k.ok(['create', '-f', seed('sidecar-pod.yaml'), '-n', ns]);
    const editor = path.join(k.dir, 'editor.sh');
    await writeFile(editor, `#!/bin/sh\nsed -i -e 's/^  - image: nginx$/  - image: nginx:1.27/' -e 's/^  name: nginx-sidecar$/  name: nginx-sidecar\\n  labels:\\n    edited: "yes"/' "$1"\n`, { mode: 0o755 });
    expect(await k.ok(['edit', 'pod', 'nginx-sidecar', '-n', ns], { env: { KUBE_EDITOR: editor } })).toBe('pod/nginx-sidecar edited\n');
    const edited = await jsonOf(k, ['get', 'pod', 'nginx-sidecar', '-n', ns]);
    expect(edited.spec.containers.map((c: { image: string }) => c.image)).toEqual(['nginx:1.27', 'busybox']);
    expect(edited.metadata.labels).toEqual({ edited: 'yes' });

    // Strategic merge: the containers list merges by name, so the sidecar stays.
    expect(await k.ok(['patch', 'pod', 'nginx-sidecar', '-n', ns, '-p', '{"spec":{"containers":[{"name":"nginx","image":"nginx:1.28"}]}}'])).toBe('pod/nginx-sidecar patched\n');
    const strategic = await jsonOf(k, ['get', 'pod', 'nginx-sidecar', '-n', ns]);
    expect(strategic.spec.containers.map((c: { name: string; image: string }) => `${c.name}=${c.image}`)).toEqual(['nginx=nginx:1.28', 'sidecar-access=busybox']);

    expect(await k.ok(['patch', 'pod', 'nginx-sidecar', '-n', ns, '--type=merge', '-p', '{"metadata":{"labels":{"edited":null,"patched":"merge"}}}'])).toBe('pod/nginx-sidecar patched\n');
    expect(await k.ok(['patch', 'pod', 'nginx-sidecar', '-n', ns, '--type=json', '-p', '[{"op":"replace","path":"/spec/containers/1/image","value":"busybox:1.36"},{"op":"add","path":"/metadata/labels/json","value":"yes"}]'])).toBe(
      'pod/nginx-sidecar patched\n',
    );
    const patched = await jsonOf(k, ['get', 'pod', 'nginx-sidecar', '-n', ns]);
    expect(patched.metadata.labels).toEqual({ patched: 'merge', json: 'yes' });
    expect(patched.spec.containers.map((c: { image: string }) => c.image)).toEqual(['nginx:1.28', 'busybox:1.36']);

    // Pod specs are immutable apart from images and a few fields: the server says which.
    const forbidden = await k(['patch', 'pod', 'nginx-sidecar', '-n', ns, '--type=merge', '-p', '{"spec":{"restartPolicy":"Never"}}']);
    expect(forbidden.code).toBe(1);
    expect(forbidden.stderr).toMatch(/^The Pod "nginx-sidecar" is invalid: spec: Forbidden: pod updates may not change fields other than/);
  });

  // BUG (kite-apiserver): a patch that changes nothing is written anyway, with a new
  // resourceVersion, so kubectl prints "patched" and watchers get a MODIFIED event.
  it('a patch that changes nothing writes nothing (kubectl says "no change")', async () => {
    const k = kubectl();
    const ns = await freshNamespace(k, 'noop');
    await k.ok(['create', '-f', seed('kubia-manual-v2-pod.yaml'), '-n', ns]);
    const before = await jsonOf(k, ['get', 'pod', 'kubia-manual-v2', '-n', ns]);
    expect(await k.ok(['patch', 'pod', 'kubia-manual-v2', '-n', ns, '--type=merge', '-p', '{"metadata":{"labels":{"env":"prod"}}}'])).toBe('pod/kubia-manual-v2 patched (no change)\n');
    expect(await k.ok(['patch', 'pod', 'kubia-manual-v2', '-n', ns, '-p', '{"spec":{"containers":[{"name":"kubia","image":"luksa/kubia"}]}}'])).toBe('pod/kubia-manual-v2 patched (no change)\n');
    expect(await k.ok(['label', 'pod', 'kubia-manual-v2', 'env=prod', '--overwrite', '-n', ns])).toBe('pod/kubia-manual-v2 not labeled\n');
    const after = await jsonOf(k, ['get', 'pod', 'kubia-manual-v2', '-n', ns]);
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
  });

  it('describe pod shows the pod and the events about it', async () => {
    const k = kubectl();
    const ns = await freshNamespace(k, 'describe');
    await k.ok(['create', '-f', seed('init-containers-pod.yaml'), '-n', ns]);
    const uid = await k.ok(['get', 'pod', 'myapp-pod', '-n', ns, '-o', 'jsonpath={.metadata.uid}']);
    const event = (name: string, reason: string, message: string, podUid: string) => `apiVersion: v1
kind: Event
metadata: {name: ${name}}
involvedObject: {apiVersion: v1, kind: Pod, name: myapp-pod, namespace: ${ns}, uid: ${podUid}}
reason: ${reason}
message: ${message}
type: Normal
source: {component: default-scheduler}
count: 1
firstTimestamp: "${new Date(Date.now() - 5000).toISOString().replace(/\.\d+Z$/, 'Z')}"
lastTimestamp: "${new Date(Date.now() - 5000).toISOString().replace(/\.\d+Z$/, 'Z')}"
`;
    await k.ok(['create', '-f', '-', '-n', ns], { stdin: event('myapp-pod.1', 'Scheduled', `Successfully assigned ${ns}/myapp-pod to node-1`, uid) });
    // An event about an earlier pod of the same name must not show.
    await k.ok(['create', '-f', '-', '-n', ns], { stdin: event('myapp-pod.2', 'Killing', 'Stopping an older pod', '00000000-0000-0000-0000-000000000000') });

    const out = await k.ok(['describe', 'pod', 'myapp-pod', '-n', ns]);
    expect(out).toMatch(/^Name:\s+myapp-pod\n/);
    expect(out).toMatch(new RegExp(`\\nNamespace:\\s+${ns}\\n`));
    expect(out).toMatch(/\nLabels:\s+app=myapp\n/);
    expect(out).toMatch(/\nStatus:\s+Pending\n/);
    expect(out).toMatch(/\nInit Containers:\n\s+init-myservice:\n\s+Image:\s+busybox:1\.28\n/);
    expect(out).toMatch(/\nContainers:\n\s+myapp-container:\n\s+Image:\s+busybox:1\.28\n/);
    expect(out).toMatch(/\nEvents:\n\s+Type\s+Reason\s+Age\s+From\s+Message\n\s+----.*\n\s+Normal\s+Scheduled\s+\d+s\s+default-scheduler\s+Successfully assigned \S+\/myapp-pod to node-1\n?$/);
    expect(out).not.toContain('Stopping an older pod');
    expect(await k.ok(['describe', `pods/myapp-pod`, '-n', ns])).toContain('Successfully assigned');
  });

  it('delete: an unscheduled pod goes at once, a scheduled one waits for its kubelet unless forced', async () => {
    const k = kubectl();
    const ns = await freshNamespace(k, 'delete');
    await k.ok(['create', '-f', seed('nginx-pod.yaml'), '-n', ns]);
    expect(await k.ok(['delete', 'pod', 'nginx-pod', '-n', ns])).toBe('pod "nginx-pod" deleted\n');
    const gone = await k(['get', 'pod', 'nginx-pod', '-n', ns]);
    expect([gone.code, gone.stderr]).toEqual([1, 'Error from server (NotFound): pods "nginx-pod" not found\n']);

    await k.ok(['create', '-f', '-', '-n', ns], { stdin: boundPod('bound', 'node-1') });
    // kubectl waits for the pod to be gone; start that wait, see the pod terminating, then force it.
    const waiting = k(['delete', 'pod', 'bound', '-n', ns]);
    const before = Date.now();
    const terminating = await waitFor('the pod to be marked for deletion', async () => {
      const pod = await jsonOf(k, ['get', 'pod', 'bound', '-n', ns]);
      return pod.metadata.deletionTimestamp ? pod : undefined;
    });
    expect(terminating.metadata.deletionGracePeriodSeconds).toBe(30);
    const deadline = Date.parse(terminating.metadata.deletionTimestamp as string);
    expect(deadline).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 29_000);
    expect(deadline).toBeLessThanOrEqual(Date.now() + 31_000);
    expect(parseTable(await k.ok(['get', 'pod', 'bound', '-n', ns]))).toMatchObject([{ NAME: 'bound', STATUS: 'Terminating' }]);
    const forced = await k(['delete', 'pod', 'bound', '--grace-period=0', '--force', '-n', ns]);
    expect([forced.code, forced.stdout]).toEqual([0, 'pod "bound" force deleted\n']);
    expect(forced.stderr).toContain('Warning: Immediate deletion does not wait for confirmation');
    expect(await waiting).toMatchObject({ code: 0, stdout: 'pod "bound" deleted\n' });
    expect((await k(['get', 'pod', 'bound', '-n', ns])).stderr).toBe('Error from server (NotFound): pods "bound" not found\n');

    await k.ok(['create', '-f', '-', '-n', ns], { stdin: boundPod('short', 'node-1') });
    expect(await k.ok(['delete', 'pod', 'short', '--grace-period=5', '--wait=false', '-n', ns])).toBe('pod "short" deleted\n');
    expect(await k.ok(['get', 'pod', 'short', '-n', ns, '-o', 'jsonpath={.metadata.deletionGracePeriodSeconds}'])).toBe('5');
    const timedOut = await k(['delete', 'pod', 'short', '--timeout=1s', '-n', ns]);
    // Before its verdict client-go may log how it tore its own watch down at the deadline.
    expect([timedOut.code, timedOut.stderr.trim().split('\n').at(-1)]).toEqual([1, 'error: timed out waiting for the condition on pods/short']);
    await k.ok(['delete', 'pod', 'short', '--grace-period=0', '--force', '-n', ns]);
    expect(await k.ok(['get', 'pods', '-n', ns, '-o', 'name'])).toBe('');
  });

  it('create namespace|configmap|secret generic|deployment, and scale', async () => {
    const k = kubectl();
    const ns = uniqueName('created');
    expect(await k.ok(['create', 'namespace', ns])).toBe(`namespace/${ns} created\n`);
    expect(await k.ok(['get', 'ns', ns, '-o', 'jsonpath={.status.phase}'])).toBe('Active');
    expect(await k.ok(['create', 'configmap', 'ex-config', '--from-literal=foo=bar', '--from-literal=foo2=bar2', '-n', ns])).toBe('configmap/ex-config created\n');
    expect((await jsonOf(k, ['get', 'cm', 'ex-config', '-n', ns])).data).toEqual({ foo: 'bar', foo2: 'bar2' });
    const props = path.join(k.dir, 'app.properties');
    await writeFile(props, 'mode=dev\nurl=http://dev.example\n');
    expect(await k.ok(['create', 'configmap', 'from-file', `--from-file=${props}`, '-n', ns])).toBe('configmap/from-file created\n');
    expect((await jsonOf(k, ['get', 'configmap', 'from-file', '-n', ns])).data).toEqual({ 'app.properties': 'mode=dev\nurl=http://dev.example\n' });
    expect(await k.ok(['create', 'secret', 'generic', 'ex-secret', '--from-literal=username=admin', '--from-literal=password=password', '-n', ns])).toBe('secret/ex-secret created\n');
    const secret = await jsonOf(k, ['get', 'secret', 'ex-secret', '-n', ns]);
    expect([secret.type, secret.data]).toEqual(['Opaque', { username: 'YWRtaW4=', password: 'cGFzc3dvcmQ=' }]);
    expect(parseTable(await k.ok(['get', 'secrets', '-n', ns]))).toMatchObject([{ NAME: 'ex-secret', TYPE: 'Opaque', DATA: '2' }]);
    expect(parseTable(await k.ok(['get', 'cm', '-n', ns]))).toMatchObject([
      { NAME: 'ex-config', DATA: '2' },
      { NAME: 'from-file', DATA: '1' },
    ]);

    expect(await k.ok(['create', 'deployment', 'web', '--image=nginx', '-n', ns])).toBe('deployment.apps/web created\n');
    const deploy = await jsonOf(k, ['get', 'deploy', 'web', '-n', ns]);
    expect(deploy.spec.selector).toEqual({ matchLabels: { app: 'web' } });
    expect(deploy.spec.template.metadata.labels).toEqual({ app: 'web' });
    expect(deploy.spec.template.spec.containers).toMatchObject([{ name: 'nginx', image: 'nginx' }]);
    expect(deploy.spec.replicas).toBe(1);
    expect(deploy.metadata.generation).toBe(1);
    expect(await k.ok(['scale', 'deployment', 'web', '--replicas=3', '-n', ns])).toBe('deployment.apps/web scaled\n');
    const scaled = await jsonOf(k, ['get', 'deployment', 'web', '-n', ns]);
    expect([scaled.spec.replicas, scaled.metadata.generation]).toEqual([3, 2]);
    expect(parseTable(await k.ok(['get', 'deploy', '-n', ns]))).toMatchObject([{ NAME: 'web', READY: '0/3' }]);
  });

  it('api-resources, version and cluster-info', async () => {
    const k = kubectl();
    const resources = parseTable(await k.ok(['api-resources']));
    const byName = Object.fromEntries(resources.map((r) => [r.NAME, r]));
    const want: [string, string, string, string, string][] = [
      ['pods', 'po', 'v1', 'true', 'Pod'],
      ['namespaces', 'ns', 'v1', 'false', 'Namespace'],
      ['nodes', 'no', 'v1', 'false', 'Node'],
      ['configmaps', 'cm', 'v1', 'true', 'ConfigMap'],
      ['secrets', '', 'v1', 'true', 'Secret'],
      ['events', 'ev', 'v1', 'true', 'Event'],
      ['services', 'svc', 'v1', 'true', 'Service'],
      ['deployments', 'deploy', 'apps/v1', 'true', 'Deployment'],
      ['replicasets', 'rs', 'apps/v1', 'true', 'ReplicaSet'],
      ['jobs', '', 'batch/v1', 'true', 'Job'],
      ['leases', '', 'coordination.k8s.io/v1', 'true', 'Lease'],
    ];
    for (const [name, short, version, namespaced, kind] of want) {
      expect(byName[name]).toEqual({ NAME: name, SHORTNAMES: short, APIVERSION: version, NAMESPACED: namespaced, KIND: kind });
    }
    expect((await k.ok(['api-resources', '--namespaced=false', '-o', 'name'])).split('\n')).toEqual(expect.arrayContaining(['namespaces', 'nodes']));

    const version = JSON.parse(await k.ok(['version', '-o', 'json'])) as { serverVersion: { major: string; minor: string; gitVersion: string } };
    expect(version.serverVersion).toMatchObject({ major: '1', minor: '32', gitVersion: expect.stringMatching(/^v1\.32\.\d+/) });
    expect(await k.ok(['version'])).toMatch(/\nServer Version: v1\.32\.\d+\S*\n/);

    const info = (await k.ok(['cluster-info'])).replace(/\u001b\[[0-9;]*m/g, '');
    expect(info.split('\n')[0]).toBe(`Kubernetes control plane is running at ${cluster().url}`);
  });

  it('invalid manifests: Invalid with the field named, BadRequest for an unknown field', async () => {
    const k = kubectl();
    const ns = await freshNamespace(k, 'invalid');
    const pod = (name: string, container: string) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  containers:
  - name: ${container}
`;
    const noImage = await k(['create', '-f', '-', '-n', ns], { stdin: pod('no-image', 'nginx') });
    expect([noImage.code, noImage.stderr]).toEqual([1, 'The Pod "no-image" is invalid: spec.containers[0].image: Required value\n']);
    const upper = await k(['apply', '-f', '-', '-n', ns], { stdin: `${pod('upper', 'Nginx')}    image: nginx\n` });
    expect(upper.code).toBe(1);
    expect(upper.stderr).toMatch(/^The Pod "upper" is invalid: spec\.containers\[0\]\.name: Invalid value: "Nginx": a lowercase RFC 1123 label must consist of/);
    // With several documents kubectl prints each server error as it came.
    const both = await k(['create', '-f', '-', '-n', ns], { stdin: `${pod('no-image', 'nginx')}---\n${pod('upper', 'Nginx')}    image: nginx\n` });
    expect(both.code).toBe(1);
    const lines = both.stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe('Error from server (Invalid): error when creating "STDIN": Pod "no-image" is invalid: spec.containers[0].image: Required value');
    expect(lines[1]).toMatch(/^Error from server \(Invalid\): error when creating "STDIN": Pod "upper" is invalid: spec\.containers\[0\]\.name: Invalid value: "Nginx"/);

    // The seed note's typo (imgae): unknown under kubectl's fieldValidation=Strict.
    const typo = await k(['create', '-f', '-', '-n', ns], { stdin: `${pod('simple-pod', 'nginx')}    imgae: nginx:latest\n` });
    expect([typo.code, typo.stderr]).toEqual([
      1,
      'Error from server (BadRequest): error when creating "STDIN": Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.containers[0].imgae"\n',
    ]);
    expect(await k.ok(['get', 'pods', '-n', ns, '-o', 'name'])).toBe('');
  });
}
