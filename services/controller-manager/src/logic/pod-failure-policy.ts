import type { Job, Pod, PodFailurePolicyRule } from './types.js';

/** What a failed pod means under a Job's podFailurePolicy (pod_failure_policy.go, matchPodFailurePolicy). */
export interface PolicyMatch {
  /** The rule's action, when one matched. */
  action?: 'FailJob' | 'FailIndex' | 'Ignore' | 'Count';
  /** Whether the failure counts against backoffLimit (and backoffLimitPerIndex). */
  counts: boolean;
  /** Set when a FailJob rule matched: the FailureTarget/Failed condition's message. */
  failJobMessage?: string;
}

interface TerminatedStatus {
  name: string;
  exitCode: number;
}

function terminated(list: unknown): TerminatedStatus[] {
  if (!Array.isArray(list)) return [];
  const out: TerminatedStatus[] = [];
  for (const s of list as Array<{ name?: unknown; state?: { terminated?: { exitCode?: unknown } } }>) {
    const code = s?.state?.terminated?.exitCode;
    if (typeof s?.name === 'string' && typeof code === 'number') out.push({ name: s.name, exitCode: code });
  }
  return out;
}

/** The first terminated container (regular ones before init ones) whose non-zero exit code the requirement selects. */
function matchExitCodes(p: Pod, req: NonNullable<PodFailurePolicyRule['onExitCodes']>): TerminatedStatus | undefined {
  const candidates = [...terminated(p.status?.containerStatuses), ...terminated(p.status?.initContainerStatuses)];
  return candidates.find((c) => {
    if (req.containerName !== undefined && req.containerName !== c.name) return false;
    if (c.exitCode === 0) return false;
    const listed = (req.values ?? []).includes(c.exitCode);
    if (req.operator === 'In') return listed;
    if (req.operator === 'NotIn') return !listed;
    return false;
  });
}

function matchConditions(p: Pod, patterns: NonNullable<PodFailurePolicyRule['onPodConditions']>): string | undefined {
  for (const c of p.status?.conditions ?? []) for (const want of patterns) if (c.type === want.type && c.status === (want.status ?? 'True')) return c.type;
  return undefined;
}

/**
 * Matches a failed pod against the rules in order; the first match decides. FailIndex only
 * applies with backoffLimitPerIndex (the apiserver refuses it otherwise); a rule with an unknown
 * action is passed over.
 */
export function matchPodFailurePolicy(job: Job, p: Pod): PolicyMatch {
  const rules = job.spec.podFailurePolicy?.rules ?? [];
  const ns = p.metadata.namespace ?? '';
  const name = p.metadata.name ?? '';
  for (const [i, rule] of rules.entries()) {
    let matched: string | undefined;
    if (rule.onExitCodes) {
      const c = matchExitCodes(p, rule.onExitCodes);
      if (c) matched = `Container ${c.name} for pod ${ns}/${name} failed with exit code ${c.exitCode} matching ${rule.action} rule at index ${i}`;
    } else if (rule.onPodConditions) {
      const type = matchConditions(p, rule.onPodConditions);
      if (type) matched = `Pod ${ns}/${name} has condition ${type} matching ${rule.action} rule at index ${i}`;
    }
    if (matched === undefined) continue;
    switch (rule.action) {
      case 'Ignore':
        return { action: 'Ignore', counts: false };
      case 'Count':
        return { action: 'Count', counts: true };
      case 'FailJob':
        return { action: 'FailJob', counts: true, failJobMessage: matched };
      case 'FailIndex':
        if (job.spec.backoffLimitPerIndex !== undefined && job.spec.backoffLimitPerIndex !== null) return { action: 'FailIndex', counts: true };
        break;
    }
  }
  return { counts: true };
}
