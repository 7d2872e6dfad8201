import type { Plugin } from './interfaces.js';

/**
 * Plugins by name. Nothing registers itself on import: the scheduler builds a registry with
 * `inTreeRegistry()` (or its own) and a profile names which plugins run and with what weight.
 */
export class PluginRegistry {
  private readonly plugins = new Map<string, Plugin>();

  register(plugin: Plugin): this {
    if (this.plugins.has(plugin.name)) throw new Error(`plugin ${plugin.name} registered twice`);
    this.plugins.set(plugin.name, plugin);
    return this;
  }

  get(name: string): Plugin {
    const p = this.plugins.get(name);
    if (p === undefined) throw new Error(`no plugin named ${name} is registered`);
    return p;
  }

  names(): string[] {
    return [...this.plugins.keys()];
  }
}

/** Which plugins a scheduling profile runs: filters in order, scores with weights. */
export interface ProfileConfig {
  schedulerName: string;
  /** PreFilter and Filter plugins, in the order they run. */
  filters: string[];
  scores: Array<{ name: string; weight: number }>;
  /** Percentage of nodes to find feasible before scoring; 0 is Kubernetes' adaptive default. */
  percentageOfNodesToScore?: number;
}

/** kube-scheduler's default profile (v1.32): filter order and score weights. */
export const DEFAULT_PROFILE: ProfileConfig = {
  schedulerName: 'default-scheduler',
  filters: ['NodeUnschedulable', 'NodeName', 'TaintToleration', 'NodeAffinity', 'NodePorts', 'NodeResourcesFit', 'PodTopologySpread', 'InterPodAffinity'],
  scores: [
    { name: 'TaintToleration', weight: 3 },
    { name: 'NodeAffinity', weight: 2 },
    { name: 'PodTopologySpread', weight: 2 },
    { name: 'InterPodAffinity', weight: 2 },
    { name: 'NodeResourcesFit', weight: 1 },
    { name: 'NodeResourcesBalancedAllocation', weight: 1 },
  ],
  percentageOfNodesToScore: 0,
};
