import { describe, expect, it } from 'vitest';
import type { KubeObject } from '@kite/client';
import type { Kubectl } from '../support/kubectl.js';
import { cleanupAfterEach, waitFor } from '../support/processes.js';
import { FakeKubelet, listPods, nodeObject, startControlPlane, startWorkers } from './harness.js';

interface Revision extends KubeObject {
  revision: number;
}
interface Workload extends KubeObject {
  spec: { template: { spec: { containers: Array<{ image: string }> } } };
  status?: { currentRevision?: string; updateRevision?: string };
}

const REVISIONS = { apiVersion: 'apps/v1', kind: 'ControllerRevision', namespace: 'default' } as const;

const manifest = (kind: string, name: string, image: string, extra: string): string => `
apiVersion: apps/v1
kind: ${kind}
metadata: {name: ${name}}
spec:
${extra}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers: [{name: c, image: ${image}}]
`;

/** The revision numbers `kubectl rollout history` lists. */
async function history(kubectl: Kubectl, what: string): Promise<number[]> {
  const out = await kubectl.ok(['rollout', 'history', what]);
  expect(out).toMatch(/REVISION\s+CHANGE-CAUSE/);
  return [...out.matchAll(/^(\d+)\s+\S/gm)].map((m) => Number(m[1]));
}

describe('kite-controller-manager: DaemonSet and StatefulSet history in ControllerRevisions', () => {
  const cleanups = cleanupAfterEach();

  it('lists revisions, undoes to the previous or a chosen one, trims history and goes with its owner', async () => {
    const { api, client } = await startControlPlane(cleanups);
    await client.create(nodeObject({ name: 'n1' }));
    const kubelet = new FakeKubelet(client);
    const { kubectl } = await startWorkers(cleanups, api, kubelet, ['--controllers', 'daemonset,statefulset,garbagecollector']);

    const image = async (kind: string, name: string): Promise<string> =>
      (await client.get<Workload>({ apiVersion: 'apps/v1', kind, namespace: 'default' }, name)).spec.template.spec.containers[0]?.image as string;
    const revisionsOf = async (owner: string): Promise<Revision[]> =>
      (await client.list<Revision>(REVISIONS)).items.filter((r) => r.metadata.ownerReferences?.some((o) => o.name === owner && o.controller === true));
    const rolledOut = async (what: string): Promise<void> => {
      expect(await kubectl.ok(['rollout', 'status', what, '--timeout=30s'])).toMatch(/successfully rolled out|roll out complete/);
    };

    await kubectl.ok(['apply', '-f', '-'], { stdin: manifest('DaemonSet', 'agent', 'busybox', '') });
    await kubectl.ok(['apply', '-f', '-'], { stdin: manifest('StatefulSet', 'web', 'nginx', '  serviceName: web\n  replicas: 2') });
    await rolledOut('daemonset/agent');
    await rolledOut('statefulset/web');
    expect(await history(kubectl, 'daemonset/agent')).toEqual([1]);

    await kubectl.ok(['set', 'image', 'daemonset/agent', 'c=busybox:1.36']);
    await kubectl.ok(['set', 'image', 'statefulset/web', 'c=nginx:1.25']);
    await rolledOut('daemonset/agent');
    await rolledOut('statefulset/web');
    expect(await history(kubectl, 'daemonset/agent')).toEqual([1, 2]);
    expect(await history(kubectl, 'statefulset/web')).toEqual([1, 2]);
    expect(await kubectl.ok(['rollout', 'history', 'statefulset/web', '--revision=1'])).toMatch(/Image:\s+nginx\n/);
    expect(await kubectl.ok(['rollout', 'history', 'statefulset/web', '--revision=2'])).toMatch(/Image:\s+nginx:1\.25\n/);

    // The pods name their revision: DaemonSet pods by hash, StatefulSet pods by revision name, as status does.
    const web = await client.get<Workload>({ apiVersion: 'apps/v1', kind: 'StatefulSet', namespace: 'default' }, 'web');
    const webRevisions = await revisionsOf('web');
    const newest = webRevisions.find((r) => r.revision === 2) as Revision;
    expect(web.status).toMatchObject({ currentRevision: newest.metadata.name, updateRevision: newest.metadata.name });
    expect((await listPods(client, 'default', 'app=web')).map((p) => p.metadata.labels?.['controller-revision-hash'])).toEqual([newest.metadata.name, newest.metadata.name]);
    const agentNewest = (await revisionsOf('agent')).find((r) => r.revision === 2) as Revision;
    const agentHash = agentNewest.metadata.labels?.['controller-revision-hash'];
    expect(agentNewest.metadata.name).toBe(`agent-${agentHash}`);
    expect((await listPods(client, 'default', 'app=agent')).map((p) => p.metadata.labels?.['controller-revision-hash'])).toEqual([agentHash]);

    const table = (await kubectl.ok(['get', 'controllerrevisions'])).trim().split('\n');
    expect(table[0]).toMatch(/^NAME\s+CONTROLLER\s+REVISION\s+AGE$/);
    expect(table.slice(1).map((l) => l.split(/\s+/).slice(1, 3).join(' ')).sort()).toEqual([
      'daemonset.apps/agent 1',
      'daemonset.apps/agent 2',
      'statefulset.apps/web 1',
      'statefulset.apps/web 2',
    ]);

    expect(await kubectl.ok(['rollout', 'undo', 'daemonset/agent'])).toMatch(/daemonset\.apps\/agent rolled back/);
    expect(await image('DaemonSet', 'agent')).toBe('busybox');
    await rolledOut('daemonset/agent');
    await waitFor('revision 1 of agent renumbered 3', async () => ((await history(kubectl, 'daemonset/agent')).join() === '2,3' ? true : undefined));

    expect(await kubectl.ok(['rollout', 'undo', 'statefulset/web', '--to-revision=1'])).toMatch(/statefulset\.apps\/web rolled back/);
    expect(await image('StatefulSet', 'web')).toBe('nginx');
    await rolledOut('statefulset/web');
    await waitFor('revision 1 of web renumbered 3', async () => ((await history(kubectl, 'statefulset/web')).join() === '2,3' ? true : undefined));
    await waitFor('web pods back on nginx', async () => {
      const pods = await listPods(client, 'default', 'app=web');
      return pods.length === 2 && pods.every((p) => p.metadata.deletionTimestamp === undefined && p.spec.containers[0]?.image === 'nginx') ? true : undefined;
    }, 30_000);

    // History beyond revisionHistoryLimit goes, oldest first, once no pod runs it.
    await kubectl.ok(['patch', 'daemonset', 'agent', '-p', '{"spec":{"revisionHistoryLimit":0}}']);
    await waitFor('agent history trimmed to the live revision', async () => ((await history(kubectl, 'daemonset/agent')).join() === '3' ? true : undefined));

    // Revisions are owned: the garbage collector removes them with their StatefulSet.
    await kubectl.ok(['delete', 'statefulset', 'web']);
    await waitFor('web revisions collected', async () => ((await revisionsOf('web')).length === 0 ? true : undefined), 30_000);
  });
});
