import { isNotFound, type KiteClient, type KubeObject } from '@kite/client';
import { ownerRefTo } from './logic/pods.js';
import { POD, type Pod, type PodSpec, type PodTemplate } from './objects.js';

/** A pod from a workload's template: generateName `<owner>-`, controlled by the owner. */
export function podFromTemplate(
  template: PodTemplate,
  owner: KubeObject,
  ownerType: { apiVersion: string; kind: string },
  extra: { name?: string; generateName?: string; labels?: Record<string, string>; annotations?: Record<string, string>; spec?: Partial<PodSpec> } = {},
): Pod {
  const meta = template.metadata ?? {};
  const labels = { ...(meta.labels ?? {}), ...(extra.labels ?? {}) };
  const annotations = { ...(meta.annotations ?? {}), ...(extra.annotations ?? {}) };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...(extra.name !== undefined ? { name: extra.name } : { generateName: extra.generateName ?? `${owner.metadata.name}-` }),
      namespace: owner.metadata.namespace,
      ...(Object.keys(labels).length > 0 ? { labels } : {}),
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
      ownerReferences: [ownerRefTo(owner, ownerType.apiVersion, ownerType.kind)],
    },
    spec: { ...structuredClone(template.spec ?? {}), ...(extra.spec ?? {}) },
  };
}

/** Deletes a pod; one that is already gone counts as deleted. */
export async function deletePod(client: KiteClient, pod: Pod): Promise<void> {
  try {
    await client.delete({ ...POD, namespace: pod.metadata.namespace }, pod.metadata.name as string, { preconditions: { uid: pod.metadata.uid } });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

/** Runs `fn` over `count` items in batches of 1, 2, 4 … stopping at the first batch with a failure (slowStartBatch). */
export async function slowStartBatch(count: number, initial: number, fn: () => Promise<void>): Promise<{ done: number; error?: unknown }> {
  let done = 0;
  for (let batch = Math.min(count, initial); done < count; batch = Math.min(2 * batch, count - done)) {
    const results = await Promise.allSettled(Array.from({ length: batch }, () => fn()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    done += results.filter((r) => r.status === 'fulfilled').length;
    if (failed) return { done, error: failed.reason };
  }
  return { done };
}
