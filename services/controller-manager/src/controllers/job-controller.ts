import { selectorFromObject, type Selector } from '@kite/api';
import { TerminalError, isNotFound, objectKey, type Informer, type ReconcileResult } from '@kite/client';
import { claim } from '../claim.js';
import { Controller, type ControllerContext } from '../controller.js';
import { Expectations } from '../expectations.js';
import { sameStatus } from '../logic/hash.js';
import { countPods, failureBackoffMs, isFinished, jobVerdict, ttlExpiry, withCondition, type JobCounts } from '../logic/job.js';
import { controllerRef } from '../logic/pods.js';
import { podsToDelete } from '../logic/replicaset.js';
import { JOB, POD, type Condition, type Job, type Pod } from '../objects.js';
import { inNamespace, resolveControllerRef } from '../owner-index.js';
import { deletePod, podFromTemplate, slowStartBatch } from '../pod-control.js';

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const cond = (type: string, reason: string, message: string, now: string): Condition => ({ type, status: 'True', lastProbeTime: now, lastTransitionTime: now, reason, message });

/** When a failed pod stopped: its last container's finish, else its last condition change. */
function failedAt(p: Pod): number {
  let t = 0;
  for (const c of p.status?.containerStatuses ?? []) {
    const fin = (c.state?.terminated as { finishedAt?: string } | undefined)?.finishedAt;
    if (fin) t = Math.max(t, Date.parse(fin) || 0);
  }
  for (const c of p.status?.conditions ?? []) t = Math.max(t, Date.parse(c.lastTransitionTime ?? '') || 0);
  return t || Date.parse(p.metadata.creationTimestamp ?? '') || 0;
}

/** Runs Jobs to completion: pods up to parallelism, counting successes and failures. */
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
    const job = this.jobs.get(key);
    if (job === undefined) return;
    const now = this.ctx.now();
    let selector: Selector;
    try {
      selector = selectorFromObject(job.spec.selector ?? {});
    } catch (err) {
      throw new TerminalError(`invalid selector: ${(err as Error).message}`);
    }
    const candidates = inNamespace(this.pods, job.metadata.namespace).filter((p) => controllerRef(p) === undefined || controllerRef(p)?.uid === job.metadata.uid);
    const pods = await claim(this.ctx.client, job, JOB, selector, candidates, POD);
    if (isFinished(job)) return this.finished(job, pods, now);
    const counts = countPods(job, pods);
    const verdict = jobVerdict(job, counts, pods, now);
    const status = { ...(job.status ?? {}) };
    if (!status.startTime && !job.spec.suspend) status.startTime = iso(now);
    let conditions = status.conditions ?? [];
    let requeue: number | undefined;
    const active = pods.filter((p) => p.metadata.deletionTimestamp === undefined && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
    if (verdict.kind === 'failed') {
      await Promise.all(active.map((p) => deletePod(this.ctx.client, p)));
      conditions = withCondition(conditions, cond('FailureTarget', verdict.reason, verdict.message, iso(now)));
      if (active.length === 0 && counts.terminating === 0) {
        conditions = withCondition(conditions, cond('Failed', verdict.reason, verdict.message, iso(now)));
        this.ctx.events.record(job, 'Warning', verdict.reason, verdict.message);
      }
    } else if (verdict.kind === 'succeeded') {
      await Promise.all(active.map((p) => deletePod(this.ctx.client, p)));
      conditions = withCondition(conditions, cond('SuccessCriteriaMet', 'CompletionsReached', 'Reached expected number of succeeded pods', iso(now)));
      if (active.length === 0 && counts.terminating === 0) {
        conditions = withCondition(conditions, cond('Complete', 'CompletionsReached', 'Reached expected number of succeeded pods', iso(now)));
        status.completionTime = iso(now);
        this.ctx.events.record(job, 'Normal', 'Completed', 'Job completed');
      }
    } else if (job.spec.suspend) {
      await Promise.all(active.map((p) => deletePod(this.ctx.client, p)));
    } else if (this.expectations.satisfied(key)) {
      requeue = await this.manage(key, job, active, counts, verdict.wantActive, pods, now);
    }
    const deadline = job.spec.activeDeadlineSeconds;
    if (deadline !== undefined && status.startTime && verdict.kind === 'running') {
      const left = Date.parse(status.startTime) + deadline * 1000 - now;
      requeue = Math.min(requeue ?? Infinity, Math.max(1, left + 1));
    }
    const fresh = countPods(job, pods);
    Object.assign(status, {
      active: verdict.kind === 'running' ? fresh.active : 0,
      ready: fresh.ready,
      succeeded: fresh.succeeded,
      failed: fresh.failed,
      terminating: fresh.terminating,
      conditions: conditions.length > 0 ? conditions : undefined,
      uncountedTerminatedPods: status.uncountedTerminatedPods ?? {},
    });
    if (status.conditions === undefined) delete status.conditions;
    if (!sameStatus(job.status, status)) await this.ctx.client.updateStatus<Job>({ ...job, ...JOB, status });
    if (requeue !== undefined && Number.isFinite(requeue)) return { requeueAfterMs: requeue };
  }

  private async manage(key: string, job: Job, active: Pod[], counts: JobCounts, want: number, pods: Pod[], now: number): Promise<number | undefined> {
    const diff = want - active.length;
    if (diff < 0) {
      const victims = podsToDelete(active, active, -diff);
      this.expectations.expect(key, 0, victims.map((p) => p.metadata.uid as string));
      await Promise.all(victims.map((p) => deletePod(this.ctx.client, p)));
      return undefined;
    }
    if (diff === 0) return undefined;
    // Replacing failed pods waits out the failure back-off, as the Job controller's does.
    const failedPods = pods.filter((p) => p.status?.phase === 'Failed');
    if (counts.failed > 0 && failedPods.length > 0) {
      const last = Math.max(...failedPods.map(failedAt));
      const wait = last + failureBackoffMs(counts.failed, this.ctx.options.jobBackoffMs) - now;
      if (wait > 0) return wait + 1;
    }
    this.expectations.expect(key, diff);
    const { done, error } = await slowStartBatch(diff, 1, async () => {
      await this.ctx.client.create(podFromTemplate(job.spec.template, job, JOB));
    });
    for (let i = done; i < diff; i++) this.expectations.creationFailed(key);
    if (done > 0) this.ctx.events.record(job, 'Normal', 'SuccessfulCreate', `Created ${done} pod(s)`);
    if (error !== undefined) throw error;
    return undefined;
  }

  /** A finished job: stop stragglers, and honour ttlSecondsAfterFinished. */
  private async finished(job: Job, pods: Pod[], now: number): Promise<ReconcileResult | void> {
    const straggling = pods.filter((p) => p.metadata.deletionTimestamp === undefined && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
    await Promise.all(straggling.map((p) => deletePod(this.ctx.client, p)));
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
