import { selectorFromObject, type Selector } from '@kite/api';
import type { LabelSelector, Pod, PodAffinityTerm } from './objects.js';
import { podRequests, type Resources } from './resources.js';

/** A pod affinity term made ready for matching. */
export interface AffinityTerm {
  namespaces: Set<string>;
  /** undefined: no namespaceSelector; an empty selector matches every namespace. */
  namespaceSelector: Selector | undefined;
  selector: Selector;
  topologyKey: string;
}

export interface WeightedAffinityTerm extends AffinityTerm {
  weight: number;
}

export interface HostPort {
  ip: string;
  protocol: string;
  port: number;
}

const NOTHING: Selector = { requirements: [], matches: () => false, toString: () => '<none>' };

/** metav1.LabelSelectorAsSelector: a missing selector matches nothing, an empty one everything. */
export function labelSelector(ls: LabelSelector | undefined): Selector {
  return ls === undefined || ls === null ? NOTHING : selectorFromObject(ls);
}

function affinityTerm(pod: Pod, t: PodAffinityTerm): AffinityTerm {
  const own = (t.namespaces ?? []).length === 0 && t.namespaceSelector === undefined;
  return {
    namespaces: new Set(own ? [pod.metadata.namespace ?? 'default'] : (t.namespaces ?? [])),
    namespaceSelector: t.namespaceSelector === undefined || t.namespaceSelector === null ? undefined : selectorFromObject(t.namespaceSelector),
    selector: labelSelector(t.labelSelector),
    topologyKey: t.topologyKey,
  };
}

/** Whether `pod` (whose namespace carries `nsLabels`) is selected by the term. */
export function termMatches(term: AffinityTerm, pod: PodInfo, nsLabels: Record<string, string> | undefined): boolean {
  const ns = pod.namespace;
  if (!term.namespaces.has(ns) && !(term.namespaceSelector?.matches(nsLabels) ?? false)) return false;
  return term.selector.matches(pod.pod.metadata.labels);
}

/** A pod with what every cycle would otherwise recompute: requests, parsed affinity, host ports. */
export class PodInfo {
  readonly key: string;
  readonly namespace: string;
  readonly requests: Resources;
  /** Requests with kube-scheduler's defaults for missing cpu/memory, for scoring. */
  readonly nonZeroRequests: Resources;
  readonly requiredAffinity: AffinityTerm[];
  readonly requiredAntiAffinity: AffinityTerm[];
  readonly preferredAffinity: WeightedAffinityTerm[];
  readonly preferredAntiAffinity: WeightedAffinityTerm[];
  readonly hostPorts: HostPort[];
  readonly priority: number;

  constructor(readonly pod: Pod) {
    this.namespace = pod.metadata.namespace ?? 'default';
    this.key = `${this.namespace}/${pod.metadata.name}`;
    this.requests = podRequests(pod);
    this.nonZeroRequests = podRequests(pod, true);
    const a = pod.spec.affinity;
    this.requiredAffinity = (a?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => affinityTerm(pod, t));
    this.requiredAntiAffinity = (a?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => affinityTerm(pod, t));
    this.preferredAffinity = (a?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w) => ({ ...affinityTerm(pod, w.podAffinityTerm), weight: w.weight }));
    this.preferredAntiAffinity = (a?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w) => ({
      ...affinityTerm(pod, w.podAffinityTerm),
      weight: w.weight,
    }));
    this.hostPorts = [];
    for (const c of [...(pod.spec.initContainers ?? []), ...(pod.spec.containers ?? [])]) {
      for (const p of c.ports ?? []) {
        if (p.hostPort !== undefined && p.hostPort > 0) this.hostPorts.push({ ip: p.hostIP || '0.0.0.0', protocol: p.protocol ?? 'TCP', port: p.hostPort });
      }
    }
    this.priority = pod.spec.priority ?? 0;
  }

  get uid(): string {
    return this.pod.metadata.uid ?? this.key;
  }

  get labels(): Record<string, string> {
    return this.pod.metadata.labels ?? {};
  }
}
