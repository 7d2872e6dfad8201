import { selectorFromObject, type Selector } from '@kite/api';
import { TerminalError, isNotFound, objectKey, type Informer, type ReconcileResult } from '@kite/client';
import { claim } from '../claim.js';
import { Controller, type ControllerContext } from '../controller.js';
import { Expectations } from '../expectations.js';
import { sameStatus } from '../logic/hash.js';
import { formatIndexes } from '../logic/job-indexes.js';
import { planJobPods, replacedPod } from '../logic/job-plan.js';
import { indexedPodParts } from '../logic/job-pod.js';
import { countPods, failedIndexes, hasBackoffLimitPerIndex, isFinished, isIndexed, jobVerdict, succeededIndexes, suspendChange, ttlExpiry, withCondition } from '../logic/job.js';
import { controllerRef, isPodActive, isPodReady } from '../logic/pods.js';
import { JOB, POD, type Condition, type Job, type Pod } from '../objects.js';
import { inNamespace, resolveControllerRef } from '../owner-index.js';
import { deletePod, podFromTemplate, slowStartBatch } from '../pod-control.js';

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const cond = (type: string, reason: string, message: string, now: string): Condition => ({ type, status: 'True', lastProbeTime: now, lastTransitionTime: now, reason, message });

/** Runs Jobs to completion: pods up to parallelism (per completion index for Indexed Jobs), counting successes and failures. */
export class JobController extends Controller {
  private readonly jobs: Informer<Job>;
  private readonly pods: Informer<Pod>;
  private readonly expectations = new Expectations();

  constructor(ctx: ControllerContext) {
    super('job', ctx);
    this.jobs = ctx.informers.for<Job>(JOB);
    this.pods = ctx.informers.for<Pod>(POD);
    this.jobs.addEventHandler({ onAdd: (j) => this.enqueue(j), onUpdate: (_o, j) => this.enqueue(j), onDelete: (j) => this.expectations.forget(objectKey(j)) });
    this.pods.addEventHandler({
      onAdd: (p) => {
        const j = resolveControllerRef(this.jobs, 'Job', p);
        if (j) {
          this.expectations.creationObserved(objectKey(j));
          this.enqueue(j);
        }
      },
      onUpdate: (o, p) => {
        const j = resolveControllerRef(this.jobs, 'Job', p) ?? resolveControllerRef(this.jobs, 'Job', o);
        if (j && p.metadata.deletionTimestamp !== undefined && o.metadata.deletionTimestamp === undefined) this.expectations.deletionObserved(objectKey(j), p.metadata.uid as string);
        if (j) this.enqueue(j);
      },
      onDelete: (p) => {
        const j = resolveControllerRef(this.jobs, 'Job', p);
        if (j) {
          this.expectations.deletionObserved(objectKey(j), p.metadata.uid as string);
          this.enqueue(j);
        }
      },
    });
  }

  protected async reconcile(key: string): Promise<ReconcileResult | void> {
    const stored = this.jobs.get(key);
    if (stored === undefined) return;
    const now = this.ctx.now();
    let selector: Selector;
    try {
      selector = selectorFromObject(stored.spec.selector ?? {});
    } catch (err) {
      throw new TerminalError(`invalid selector: ${(err as Error).message}`);
    }
    const candidates = inNamespace(this.pods, stored.metadata.namespace).filter((p) => controllerRef(p) === undefined || controllerRef(p)?.uid === stored.metadata.uid);
    const pods = await claim(this.ctx.client, stored, JOB, selector, candidates, POD);
    if (isFinished(stored)) return this.finished(stored, pods, now);
    const status = { ...(stored.status ?? {}) };
    let conditions = status.conditions ?? [];
    if (!status.startTime && !stored.spec.suspend) status.startTime = iso(now);
    const suspension = suspendChange(stored, iso(now));
    // A resumed job starts its active deadline afresh: time spent suspended does not count.
    if (suspension?.event === 'Resumed') {
      conditions = suspension.conditions;
      status.startTime = iso(now);
      this.ctx.events.record(stored, 'Normal', 'Resumed', 'Job resumed');
    }
    const job: Job = { ...stored, status };
    const counts = countPods(job, pods);
    const verdict = jobVerdict(job, counts, pods, now);
    let requeue: number | undefined;
    const active = pods.filter(isPodActive);
    const removed = new Set<Pod>();
    const remove = async (victims: Pod[]): Promise<void> => {
      await Promise.all(victims.map((p) => deletePod(this.ctx.client, p)));
      for (const p of victims) removed.add(p);
    };
    if (verdict.kind === 'failed') {
      await remove(active);
      conditions = withCondition(conditions, cond('FailureTarget', verdict.reason, verdict.message, iso(now)));
      if (active.length === 0 && counts.terminating === 0) {
        conditions = withCondition(conditions, cond('Failed', verdict.reason, verdict.message, iso(now)));
        this.ctx.events.record(job, 'Warning', verdict.reason, verdict.message);
      }
    } else if (verdict.kind === 'succeeded') {
      await remove(active);
      conditions = withCondition(conditions, cond('SuccessCriteriaMet', 'CompletionsReached', 'Reached expected number of succeeded pods', iso(now)));
      if (active.length === 0 && counts.terminating === 0) {
        conditions = withCondition(conditions, cond('Complete', 'CompletionsReached', 'Reached expected number of succeeded pods', iso(now)));
        status.completionTime = iso(now);
        this.ctx.events.record(job, 'Normal', 'Completed', 'Job completed');
      }
    } else if (this.expectations.satisfied(key) && job.metadata.deletionTimestamp === undefined) {
      if (job.spec.suspend) {
        this.expectations.expect(key, 0, active.map((p) => p.metadata.uid as string));
        await remove(active);
        if (suspension?.event === 'Suspended') {
          conditions = suspension.conditions;
          this.ctx.events.record(job, 'Normal', 'Suspended', 'Job suspended');
        }
      } else {
        requeue = await this.manage(key, job, pods, verdict.wantActive, now, remove);
      }
    }
    const deadline = job.spec.activeDeadlineSeconds;
    if (deadline !== undefined && deadline !== null && status.startTime && verdict.kind === 'running' && !job.spec.suspend) {
      const left = Date.parse(status.startTime) + deadline * 1000 - now;
      requeue = Math.min(requeue ?? Infinity, Math.max(1, left + 1));
    }
    const stillActive = active.filter((p) => !removed.has(p));
    Object.assign(status, {
      active: verdict.kind === 'running' ? stillActive.length : 0,
      ready: stillActive.filter(isPodReady).length,
      succeeded: counts.succeeded,
      failed: counts.failed,
      terminating: counts.terminating + removed.size,
      conditions: conditions.length > 0 ? conditions : undefined,
      uncountedTerminatedPods: status.uncountedTerminatedPods ?? {},
    });
    if (isIndexed(job)) status.completedIndexes = formatIndexes(succeededIndexes(job, pods));
    if (hasBackoffLimitPerIndex(job)) status.failedIndexes = formatIndexes(failedIndexes(job, pods));
    if (status.conditions === undefined) delete status.conditions;
    if (!sameStatus(stored.status, status)) await this.ctx.client.updateStatus<Job>({ ...stored, ...JOB, status });
    if (requeue !== undefined && Number.isFinite(requeue)) return { requeueAfterMs: requeue };
  }

  /** Creates or deletes pods as planned; returns when to look again if the failure back-off holds creation. */
  private async manage(key: string, job: Job, pods: Pod[], want: number, now: number, remove: (victims: Pod[]) => Promise<void>): Promise<number | undefined> {
    const plan = planJobPods(job, pods, want, now, this.ctx.options.jobBackoffMs);
    if (plan.kind === 'delete') {
      this.expectations.expect(key, 0, plan.pods.map((p) => p.metadata.uid as string));
      await remove(plan.pods);
      return undefined;
    }
    if (plan.kind === 'wait') return plan.ms + 1;
    if (plan.kind === 'none') return undefined;
    const indexes = plan.indexes;
    this.expectations.expect(key, plan.count);
    let next = 0;
    const { done, error } = await slowStartBatch(plan.count, 1, async () => {
      const ix = indexes?.[next++];
      const extra = ix === undefined ? {} : indexedPodParts(job, ix, replacedPod(pods, ix));
      await this.ctx.client.create(podFromTemplate(job.spec.template, job, JOB, extra));
    });
    for (let i = done; i < plan.count; i++) this.expectations.creationFailed(key);
    if (done > 0) this.ctx.events.record(job, 'Normal', 'SuccessfulCreate', `Created ${done} pod(s)`);
    if (error !== undefined) throw error;
    return undefined;
  }

  /** A finished job: stop stragglers, and honour ttlSecondsAfterFinished. */
  private async finished(job: Job, pods: Pod[], now: number): Promise<ReconcileResult | void> {
    await Promise.all(pods.filter(isPodActive).map((p) => deletePod(this.ctx.client, p)));
    const expiry = ttlExpiry(job);
    if (expiry === undefined) return;
    if (expiry > now) return { requeueAfterMs: expiry - now + 1 };
    try {
      await this.ctx.client.delete({ ...JOB, namespace: job.metadata.namespace }, job.metadata.name as string, { propagationPolicy: 'Background', preconditions: { uid: job.metadata.uid } });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
