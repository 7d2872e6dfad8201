import { CycleState } from './cycle-state.js';
import { fitErrorMessage, NO_NODES_AVAILABLE, type Diagnosis } from './fit-error.js';
import { isFilter, isPreFilter, isScore, type FilterPlugin, type NodeScore, type PreFilterPlugin, type ScorePlugin, type Snapshot } from './interfaces.js';
import type { NodeInfo } from './node-info.js';
import type { PodInfo } from './pod-info.js';
import type { PluginRegistry, ProfileConfig } from './registry.js';
import { Code, Status } from './status.js';

export type ScheduleResult =
  | { kind: 'scheduled'; node: string; evaluated: number; feasible: number }
  | { kind: 'unschedulable'; message: string; diagnosis: Diagnosis }
  | { kind: 'error'; message: string };

const MIN_FEASIBLE_NODES = 100;
const MIN_FEASIBLE_PERCENTAGE = 5;

/** Kubernetes' numFeasibleNodesToFind: small clusters check all, large ones an adaptive share. */
export function numFeasibleNodesToFind(numAll: number, percentage = 0): number {
  if (numAll < MIN_FEASIBLE_NODES) return numAll;
  let pct = percentage;
  if (pct <= 0) pct = Math.max(MIN_FEASIBLE_PERCENTAGE, 50 - Math.trunc(numAll / 125));
  if (pct >= 100) return numAll;
  return Math.max(MIN_FEASIBLE_NODES, Math.trunc((numAll * pct) / 100));
}

/**
 * One profile's plugins, run as kube-scheduler's framework does: PreFilter, Filter (first
 * rejection wins per node), PreScore/Score/NormalizeScore with weights, then the best node
 * with ties broken at random.
 */
export class Framework {
  readonly preFilters: PreFilterPlugin[] = [];
  readonly filters: FilterPlugin[] = [];
  readonly scores: Array<{ plugin: ScorePlugin; weight: number }> = [];
  private nextStart = 0;

  constructor(
    registry: PluginRegistry,
    readonly profile: ProfileConfig,
    private readonly random: () => number = Math.random,
  ) {
    for (const name of profile.filters) {
      const p = registry.get(name);
      if (isPreFilter(p)) this.preFilters.push(p);
      if (isFilter(p)) this.filters.push(p);
    }
    for (const { name, weight } of profile.scores) {
      const p = registry.get(name);
      if (!isScore(p)) throw new Error(`plugin ${name} cannot score`);
      this.scores.push({ plugin: p, weight });
    }
  }

  /** Runs the filters on one node, skipping plugins whose PreFilter said Skip. */
  runFilters(state: CycleState, pod: PodInfo, node: NodeInfo, skip: ReadonlySet<string>): Status {
    for (const f of this.filters) {
      if (skip.has(f.name)) continue;
      const s = f.filter(state, pod, node);
      if (!s.isSuccess()) return s.withPlugin(f.name);
    }
    return Status.success();
  }

  schedule(pod: PodInfo, snap: Snapshot): ScheduleResult {
    const all = snap.nodes;
    if (all.length === 0) return { kind: 'unschedulable', message: NO_NODES_AVAILABLE, diagnosis: { numAllNodes: 0, nodeStatuses: new Map() } };
    const state = new CycleState();
    const skip = new Set<string>();
    let only: Set<string> | undefined;
    const narrowedBy: string[] = [];
    for (const p of this.preFilters) {
      const r = p.preFilter(state, pod, snap);
      const s = r instanceof Status ? r : r.status;
      if (!(r instanceof Status) && s.isSuccess()) {
        narrowedBy.push(p.name);
        only = only === undefined ? new Set(r.nodeNames) : new Set([...only].filter((n) => r.nodeNames.has(n)));
        if (only.size === 0) {
          const msg = narrowedBy.length === 1 ? `node(s) didn't satisfy plugin ${p.name}` : `node(s) didn't satisfy plugin(s) [${narrowedBy.join(' ')}] simultaneously`;
          return this.preFilterRejected(state, pod, snap, skip, Status.unschedulable(msg).withPlugin(p.name));
        }
      }
      if (s.code === Code.Skip) skip.add(p.name);
      else if (s.code === Code.Error) return { kind: 'error', message: `running PreFilter plugin "${p.name}": ${s.message()}` };
      else if (!s.isSuccess()) return this.preFilterRejected(state, pod, snap, skip, s.withPlugin(p.name));
    }

    const statuses = new Map<string, Status>();
    let candidates = all;
    if (only !== undefined) {
      // Nodes a PreFilter ruled out are reported as such, not filtered one by one.
      const names = only;
      candidates = all.filter((n) => names.has(n.name));
      const out = Status.unresolvable(`node(s) didn't satisfy plugin(s) [${[...narrowedBy].sort().join(' ')}]`);
      for (const n of all) if (!names.has(n.name)) statuses.set(n.name, out);
    }
    const want = numFeasibleNodesToFind(candidates.length, this.profile.percentageOfNodesToScore);
    const feasible: NodeInfo[] = [];
    const start = candidates.length === 0 ? 0 : this.nextStart % candidates.length;
    let evaluated = 0;
    for (let i = 0; i < candidates.length && feasible.length < want; i++) {
      const node = candidates[(start + i) % candidates.length] as NodeInfo;
      evaluated++;
      const s = this.runFilters(state, pod, node, skip);
      if (s.isSuccess()) feasible.push(node);
      else if (s.code === Code.Error) return { kind: 'error', message: `running "${s.plugin}" filter plugin: ${s.message()}` };
      else statuses.set(node.name, s);
    }
    // Round-robin the starting node so large clusters are not always searched from the top.
    if (candidates.length > 0) this.nextStart = (start + evaluated) % candidates.length;

    if (feasible.length === 0) {
      const diagnosis: Diagnosis = { numAllNodes: all.length, nodeStatuses: statuses };
      diagnosis.postFilterMsg = this.preemptionMessage(state, pod, snap, diagnosis, skip);
      return { kind: 'unschedulable', message: fitErrorMessage(diagnosis), diagnosis };
    }
    if (feasible.length === 1) return { kind: 'scheduled', node: (feasible[0] as NodeInfo).name, evaluated, feasible: 1 };
    const totals = this.prioritize(state, pod, feasible, snap);
    return { kind: 'scheduled', node: this.selectHost(totals), evaluated, feasible: feasible.length };
  }

  private preFilterRejected(state: CycleState, pod: PodInfo, snap: Snapshot, skip: ReadonlySet<string>, s: Status): ScheduleResult {
    const diagnosis: Diagnosis = { numAllNodes: snap.nodes.length, nodeStatuses: new Map(snap.nodes.map((n) => [n.name, s])), preFilterMsg: s.message() };
    diagnosis.postFilterMsg = this.preemptionMessage(state, pod, snap, diagnosis, skip);
    return { kind: 'unschedulable', message: fitErrorMessage(diagnosis), diagnosis };
  }

  prioritize(state: CycleState, pod: PodInfo, nodes: NodeInfo[], snap: Snapshot): NodeScore[] {
    const totals: NodeScore[] = nodes.map((n) => ({ name: n.name, score: 0 }));
    for (const { plugin, weight } of this.scores) {
      if (plugin.preScore && plugin.preScore(state, pod, nodes, snap).code === Code.Skip) continue;
      const scores: NodeScore[] = nodes.map((n) => ({ name: n.name, score: plugin.score(state, pod, n) }));
      plugin.normalizeScore?.(state, pod, scores);
      scores.forEach((s, i) => ((totals[i] as NodeScore).score += s.score * weight));
    }
    return totals;
  }

  /** The highest score; among equals each is equally likely (reservoir sampling, as upstream). */
  selectHost(scores: NodeScore[]): string {
    let best = scores[0] as NodeScore;
    let ties = 1;
    for (let i = 1; i < scores.length; i++) {
      const s = scores[i] as NodeScore;
      if (s.score > best.score) {
        best = s;
        ties = 1;
      } else if (s.score === best.score) {
        ties++;
        if (this.random() * ties < 1) best = s;
      }
    }
    return best.name;
  }

  /**
   * DefaultPreemption's verdict, for the message only (kite does not evict): nodes rejected as
   * unresolvable are "not helpful"; on the others, a pod can only make room by evicting
   * lower-priority pods, so without any there are "no victims"; with some, the filters are
   * re-run as if they were gone.
   */
  private preemptionMessage(state: CycleState, pod: PodInfo, snap: Snapshot, d: Diagnosis, skip: ReadonlySet<string>): string {
    if (pod.pod.spec.preemptionPolicy === 'Never') return 'preemption: not eligible due to preemptionPolicy=Never.';
    const verdicts = new Map<string, Status>();
    const notHelpful = Status.unresolvable('Preemption is not helpful for scheduling');
    for (const node of snap.nodes) {
      const s = d.nodeStatuses.get(node.name);
      if (s === undefined || s.code !== Code.Unschedulable) {
        verdicts.set(node.name, notHelpful);
        continue;
      }
      const lower = (p: PodInfo): boolean => p.priority < pod.priority;
      if (![...node.pods.values()].some(lower)) {
        verdicts.set(node.name, Status.unresolvable('No preemption victims found for incoming pod'));
        continue;
      }
      const after = this.runFilters(state, pod, node.cloneWithout(lower), skip);
      verdicts.set(node.name, after.isSuccess() ? Status.unresolvable('preemption is not implemented in kite') : after);
    }
    return `preemption: ${fitErrorMessage({ numAllNodes: snap.nodes.length, nodeStatuses: verdicts })}`;
  }
}
