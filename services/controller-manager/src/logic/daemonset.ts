import { scaledValue } from './intstr.js';
import type { DaemonSet, Node, NodeSelectorRequirement, NodeSelectorTerm, Pod, PodSpec, Taint, Toleration } from './types.js';

/** The tolerations every DaemonSet pod gets (AddOrUpdateDaemonPodTolerations). */
export function daemonTolerations(spec: PodSpec | undefined): Toleration[] {
  const out = [...(spec?.tolerations ?? [])];
  const add = (key: string, effect: string): void => {
    if (!out.some((t) => t.key === key && t.effect === effect && (t.operator ?? 'Equal') === 'Exists')) out.push({ key, operator: 'Exists', effect });
  };
  add('node.kubernetes.io/not-ready', 'NoExecute');
  add('node.kubernetes.io/unreachable', 'NoExecute');
  add('node.kubernetes.io/disk-pressure', 'NoSchedule');
  add('node.kubernetes.io/memory-pressure', 'NoSchedule');
  add('node.kubernetes.io/pid-pressure', 'NoSchedule');
  add('node.kubernetes.io/unschedulable', 'NoSchedule');
  if (spec?.hostNetwork === true) add('node.kubernetes.io/network-unavailable', 'NoSchedule');
  return out;
}

function holds(r: NodeSelectorRequirement, value: string | undefined): boolean {
  const vals = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return value !== undefined && vals.includes(value);
    case 'NotIn':
      return value === undefined || !vals.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt':
      if (value === undefined || !/^-?\d+$/.test(value) || !/^-?\d+$/.test(vals[0] ?? '')) return false;
      return r.operator === 'Gt' ? Number(value) > Number(vals[0]) : Number(value) < Number(vals[0]);
    default:
      return false;
  }
}

const termMatches = (t: NodeSelectorTerm, node: Node): boolean => {
  const exprs = t.matchExpressions ?? [];
  const fields = t.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  const labels = node.metadata.labels ?? {};
  return exprs.every((e) => holds(e, Object.prototype.hasOwnProperty.call(labels, e.key) ? labels[e.key] : undefined)) && fields.every((f) => f.key === 'metadata.name' && holds(f, node.metadata.name));
};

/** nodeSelector and required node affinity (terms ORed). */
export function matchesNodeAffinity(spec: PodSpec | undefined, node: Node): boolean {
  const labels = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries(spec?.nodeSelector ?? {})) if (labels[k] !== v) return false;
  const terms = spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  return terms === undefined || terms.some((t) => termMatches(t, node));
}

function tolerated(tols: readonly Toleration[], taint: Taint): boolean {
  return tols.some((t) => {
    if (t.effect && t.effect !== taint.effect) return false;
    if (t.key && t.key !== taint.key) return false;
    return (t.operator ?? 'Equal') === 'Exists' || (t.value ?? '') === (taint.value ?? '');
  });
}

/**
 * NodeShouldRunDaemonPod: `run` when a new daemon pod belongs there (affinity holds, every
 * NoSchedule/NoExecute taint tolerated); `keep` when an existing one may stay (affinity holds,
 * NoExecute taints tolerated — a new NoSchedule taint does not evict).
 */
export function shouldRun(ds: DaemonSet, node: Node): { run: boolean; keep: boolean } {
  const spec = ds.spec.template.spec;
  if (!matchesNodeAffinity(spec, node)) return { run: false, keep: false };
  const tols = daemonTolerations(spec);
  const taints = node.spec?.taints ?? [];
  const keep = taints.filter((t) => t.effect === 'NoExecute').every((t) => tolerated(tols, t));
  const run = keep && taints.filter((t) => t.effect === 'NoSchedule').every((t) => tolerated(tols, t));
  return { run, keep };
}

/** The daemon pod's spec for one node: bound by node affinity on metadata.name, left to the scheduler. */
export function daemonPodSpec(ds: DaemonSet, nodeName: string): PodSpec {
  const spec = structuredClone(ds.spec.template.spec ?? {}) as PodSpec;
  spec.tolerations = daemonTolerations(spec);
  const affinity = (spec.affinity ??= {});
  const na = (affinity.nodeAffinity ??= {});
  na.requiredDuringSchedulingIgnoredDuringExecution = { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] }] };
  return spec;
}

/** The node a daemon pod is for: where it runs, or the one its affinity names before it is bound. */
export function daemonPodNode(p: Pod): string | undefined {
  if (p.spec.nodeName) return p.spec.nodeName;
  for (const t of p.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [])
    for (const f of t.matchFields ?? []) if (f.key === 'metadata.name' && f.operator === 'In' && f.values?.length === 1) return f.values[0];
  return undefined;
}

/** maxUnavailable of a DaemonSet rolling update, of the desired number, rounded up (at least 1 when surge is 0). */
export function dsMaxUnavailable(ds: DaemonSet, desired: number): number {
  const ru = ds.spec.updateStrategy?.rollingUpdate ?? {};
  const n = scaledValue(ru.maxUnavailable, desired, true, 1);
  const surge = scaledValue(ru.maxSurge, desired, true, 0);
  return n === 0 && surge === 0 ? 1 : n;
}
