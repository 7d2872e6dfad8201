import { COMPLETION_INDEX, INDEX_FAILURE_COUNT, INDEX_IGNORED_FAILURE_COUNT, indexFailureCounts, indexedGenerateName } from './job-indexes.js';
import { hasBackoffLimitPerIndex } from './job.js';
import { matchPodFailurePolicy } from './pod-failure-policy.js';
import type { Job, Pod, PodSpec } from './types.js';

export const COMPLETION_INDEX_ENV = 'JOB_COMPLETION_INDEX';

type Container = NonNullable<PodSpec['containers']>[number];

/** Gives a container JOB_COMPLETION_INDEX from the pod's annotation through the downward API, unless it sets the variable itself. */
function withIndexEnv(c: Container): Container {
  const env = Array.isArray(c.env) ? (c.env as Array<{ name?: string }>) : [];
  if (env.some((e) => e.name === COMPLETION_INDEX_ENV)) return c;
  return { ...c, env: [...env, { name: COMPLETION_INDEX_ENV, valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${COMPLETION_INDEX}']` } } }] };
}

export interface IndexedPodParts {
  generateName: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  spec: Partial<PodSpec>;
}

/**
 * What the pod of completion index `index` adds to the template: `<job>-<index>-` names, the
 * index as annotation, label and env var, hostname `<job>-<index>` (the template's subdomain
 * stays), and, with backoffLimitPerIndex, the index's failures so far carried over from the
 * failed pod it replaces.
 */
export function indexedPodParts(job: Job, index: number, replaced: Pod | undefined): IndexedPodParts {
  const name = job.metadata.name as string;
  const tpl = job.spec.template.spec ?? {};
  const annotations: Record<string, string> = { [COMPLETION_INDEX]: String(index) };
  if (hasBackoffLimitPerIndex(job)) {
    let { counted, ignored } = replaced ? indexFailureCounts(replaced) : { counted: 0, ignored: 0 };
    if (replaced) {
      if (matchPodFailurePolicy(job, replaced).counts) counted++;
      else ignored++;
    }
    annotations[INDEX_FAILURE_COUNT] = String(counted);
    if (ignored > 0) annotations[INDEX_IGNORED_FAILURE_COUNT] = String(ignored);
  }
  const spec: Partial<PodSpec> = { hostname: `${name}-${index}`, containers: (tpl.containers ?? []).map(withIndexEnv) };
  if (Array.isArray(tpl.initContainers)) spec.initContainers = (tpl.initContainers as Container[]).map(withIndexEnv);
  return { generateName: indexedGenerateName(name, index), labels: { [COMPLETION_INDEX]: String(index) }, annotations, spec };
}
