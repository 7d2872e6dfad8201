import type { Condition, Namespace, Pod } from './types.js';

/** The finalizer the namespace controller owns: present until the namespace is empty. */
export const KUBERNETES_FINALIZER = 'kubernetes';

/** What one pass over a terminating namespace's content found. */
export interface ContentReport {
  /** Objects still there after the pass, by Kubernetes' `<resource>.<group>` ("pods.", "deployments.apps"). */
  remaining: Map<string, number>;
  /** Finalizers that the remaining objects still carry, with how many carry each. */
  finalizers: Map<string, number>;
  /** Why deleting some resource's objects failed. */
  failures: string[];
}

/** The namespace deletion conditions, in the order Kubernetes writes them. */
const CONDITION_TYPES = [
  'NamespaceDeletionDiscoveryFailure',
  'NamespaceDeletionGroupVersionParsingFailure',
  'NamespaceDeletionContentFailure',
  'NamespaceContentRemaining',
  'NamespaceFinalizersRemaining',
] as const;

/** Each condition's "nothing wrong" form (status False), with Kubernetes' reasons and messages. */
const OK: Record<(typeof CONDITION_TYPES)[number], { reason: string; message: string }> = {
  NamespaceDeletionDiscoveryFailure: { reason: 'ResourcesDiscovered', message: 'All resources successfully discovered' },
  NamespaceDeletionGroupVersionParsingFailure: { reason: 'ParsedGroupVersions', message: 'All legacy kube types successfully parsed' },
  NamespaceDeletionContentFailure: { reason: 'ContentDeleted', message: 'All content successfully deleted, may be waiting on finalization' },
  NamespaceContentRemaining: { reason: 'ContentRemoved', message: 'All content successfully removed' },
  NamespaceFinalizersRemaining: { reason: 'ContentHasNoFinalizers', message: 'All content-preserving finalizers finished' },
};

/** `"<what> has 2 resource instances"` style lines, sorted so that the message is stable. */
function counted(m: Map<string, number>, line: (what: string, n: number) => string): string {
  return [...m]
    .filter(([, n]) => n > 0)
    .map(([what, n]) => line(what, n))
    .sort()
    .join(', ');
}

/** The failing conditions a report calls for; the others are written in their OK form. */
function failing(r: ContentReport): Map<string, { reason: string; message: string }> {
  const out = new Map<string, { reason: string; message: string }>();
  if (r.failures.length > 0) {
    const errs = r.failures.length === 1 ? (r.failures[0] as string) : `[${r.failures.join(', ')}]`;
    out.set('NamespaceDeletionContentFailure', { reason: 'ContentDeletionFailed', message: `Failed to delete all resource types, ${r.failures.length} remaining: ${errs}` });
  }
  const remaining = counted(r.remaining, (gr, n) => `${gr} has ${n} resource instances`);
  if (remaining !== '') out.set('NamespaceContentRemaining', { reason: 'SomeResourcesRemain', message: `Some resources are remaining: ${remaining}` });
  const finalizers = counted(r.finalizers, (f, n) => `${f} in ${n} resource instances`);
  if (finalizers !== '') out.set('NamespaceFinalizersRemaining', { reason: 'SomeFinalizersRemain', message: `Some content in the namespace has finalizers remaining: ${finalizers}` });
  return out;
}

/**
 * Kubernetes' namespaceConditionUpdater: every deletion condition present, True with the
 * report's reason where something is wrong and False otherwise; a condition whose status,
 * reason and message are unchanged keeps its transition time. Undefined when nothing changes.
 */
export function deletionConditions(ns: Namespace, report: ContentReport, now: string): Condition[] | undefined {
  const bad = failing(report);
  const conditions = structuredClone(ns.status?.conditions ?? []);
  let changed = false;
  for (const type of CONDITION_TYPES) {
    const f = bad.get(type);
    const want: Condition = { type, status: f ? 'True' : 'False', lastTransitionTime: now, ...(f ?? OK[type]) };
    const i = conditions.findIndex((c) => c.type === type);
    const old = conditions[i];
    if (old !== undefined && old.status === want.status && old.reason === want.reason && old.message === want.message) continue;
    changed = true;
    if (old === undefined) conditions.push(want);
    else conditions[i] = want;
  }
  return changed ? conditions : undefined;
}

/** The spec.finalizers a namespace keeps once the controller's own is done: the rest, sorted, once each. */
export function finalizersAfterUs(ns: Namespace): string[] {
  return [...new Set((ns.spec?.finalizers ?? []).filter((f) => f !== KUBERNETES_FINALIZER))].sort();
}

/** Kubernetes' guess for content that waits on finalizers (the garbage collector, say). */
export const FINALIZER_ESTIMATE_SECONDS = 15;

/**
 * How long a remaining pod may still take to go: nothing once it finished, the rest of its
 * grace period once it is being deleted, else its whole grace period.
 */
export function podGraceLeftSeconds(pod: Pod, nowMs: number): number {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return 0;
  const until = pod.metadata.deletionTimestamp;
  if (until !== undefined) return Math.max(0, Math.ceil((Date.parse(until) - nowMs) / 1000));
  const grace = pod.spec?.terminationGracePeriodSeconds;
  return typeof grace === 'number' ? grace : 30;
}

/** When to look again at content still there, as Kubernetes waits: half the estimate plus a second. */
export function recheckAfterMs(estimateSeconds: number): number {
  return (Math.floor(Math.max(0, estimateSeconds) / 2) + 1) * 1000;
}
